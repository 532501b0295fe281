-- A job whose run_after lies in the future (a retry's backoff, a delayed enqueue) is not
-- claimed, even by a claim large enough to take every due job of its stage.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_analyzed_ticket(tests.create_customer()) as due_ticket \gset
select tests.create_analyzed_ticket(tests.create_customer()) as later_ticket \gset
select app_private.enqueue_job('notify', :'due_ticket') as due_job \gset
select app_private.enqueue_job('notify', :'later_ticket', '{}', interval '1 hour') as later_job \gset
select tests.authenticate_as_service_role();

-- TEST: a claim of every due notify job takes the due one and not the later one
-- (inside a savepoint, so jobs of concurrent activity claimed on the way are released at once)
savepoint claim_all;
select coalesce(bool_or(job_id = :due_job), false) as due_claimed,
       coalesce(bool_or(job_id = :later_job), false) as later_claimed
from app_private.claim_jobs('notify', 100000, 60) \gset
rollback to savepoint claim_all;
select is(:'due_claimed'::boolean, true, 'the due job is claimed');
select is(:'later_claimed'::boolean, false, 'the job scheduled an hour ahead is not claimed');
select results_eq(
  format('select status, attempts from app_private.jobs where id = %s', :later_job),
  $$values ('queued'::text, 0)$$,
  'the later job stays queued with no attempt'
);

select * from finish();
rollback;
