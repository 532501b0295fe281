-- At most one job per stage and ticket waits in the queue: enqueueing a job that is
-- already queued returns null and adds nothing; once it runs, new work may queue again.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_analyzed_ticket(tests.create_customer()) as ticket_id \gset
select tests.create_ticket(tests.create_customer()) as new_ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: a second enqueue of a queued job is a no-op
select app_private.enqueue_job('route', :'ticket_id') as first_job \gset
select isnt(nullif(:'first_job', '')::bigint, null, 'the first enqueue returns a job id');
select is(app_private.enqueue_job('route', :'ticket_id'), null, 'the second enqueue returns null');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'route'), 1::bigint,
  'one route job exists for the ticket');

-- TEST: the triage job queued by the insert is not duplicated either
select is(app_private.enqueue_job('triage', :'new_ticket_id'), null, 'enqueueing triage again for a new ticket returns null');

-- TEST: while the job runs a new one may queue (it sees changes made after the claim)
reset role;
select tests.claim_job(:first_job);
select tests.authenticate_as_service_role();
select isnt(app_private.enqueue_job('route', :'ticket_id'), null, 'a job can be queued while the previous one runs');
select results_eq(
  format($$select status from app_private.jobs where ticket_id = %L and stage = 'route' order by id$$, :'ticket_id'),
  $$values ('running'::text), ('queued'::text)$$,
  'one running and one queued route job exist'
);

select * from finish();
rollback;
