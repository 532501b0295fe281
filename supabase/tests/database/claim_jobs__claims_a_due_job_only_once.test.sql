-- claim_jobs() hands a due job to one caller: it becomes 'running' with attempt 1 and a
-- visibility timeout, and no later claim returns it while it runs.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP: a new ticket queues its triage job
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
-- run_after = -infinity puts this job ahead of any job of concurrent activity
update app_private.jobs set run_after = '-infinity' where id = :job_id;
select tests.authenticate_as_service_role();

-- TEST: the first claim returns the job
select results_eq(
  'select job_id, ticket_id, attempt from app_private.claim_jobs(''triage'', 1, 45)',
  format('values (%s::bigint, %L::uuid, 1)', :job_id, :'ticket_id'),
  'the first claim returns the due job with attempt 1'
);
select results_eq(
  format('select status, attempts, locked_until from app_private.jobs where id = %s', :job_id),
  $$values ('running'::text, 1, now() + interval '45 seconds')$$,
  'the job is running, attempt 1, locked for 45 seconds'
);

-- TEST: a second claim does not return it, though it still sorts first
-- (claims that may take a job of concurrent activity run in a savepoint that releases it)
savepoint second_claim;
select coalesce(bool_or(job_id = :job_id), false) as reclaimed from app_private.claim_jobs('triage', 1, 45) \gset
rollback to savepoint second_claim;
select is(:'reclaimed'::boolean, false, 'a second claim does not return the running job');
select is((select attempts from app_private.jobs where id = :job_id), 1, 'the second claim does not count an attempt');

-- TEST: a job of another stage is not claimed by this stage
select app_private.enqueue_job('route', :'ticket_id') as route_job \gset
update app_private.jobs set run_after = '-infinity' where id = :route_job;
savepoint triage_claim;
select coalesce(bool_or(job_id = :route_job), false) as route_claimed from app_private.claim_jobs('triage', 1, 45) \gset
rollback to savepoint triage_claim;
select is(:'route_claimed'::boolean, false, 'a triage claim never returns a route job');
select is((select status from app_private.jobs where id = :route_job), 'queued', 'the route job stays queued');

select * from finish();
rollback;
