-- complete_job() succeeds only for the current claim: an old attempt (its claim expired and
-- the job was claimed again) or an already finished job gets false, so late work is a no-op.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP: the job was claimed (attempt 1), its claim expired, and it was claimed again (attempt 2)
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
select tests.claim_job(:job_id) as first_attempt \gset
update app_private.jobs set locked_until = now() - interval '1 second' where id = :job_id;
select app_private.rering_due_jobs();
select tests.claim_job(:job_id) as second_attempt \gset
select tests.authenticate_as_service_role();

-- TEST: the expired attempt cannot complete the job
select is(:second_attempt::integer, 2, 'the job is on its second attempt');
select is(app_private.complete_job(:job_id, :first_attempt), false, 'completing the expired attempt returns false');
select is((select status from app_private.jobs where id = :job_id), 'running', 'the job is still running');
select throws_ok(
  format('select app_private.require_complete_job(%s, %s)', :job_id, :first_attempt),
  'P0001', format('job %s attempt %s is no longer claimed', :job_id, :first_attempt),
  'require_complete_job raises for the expired attempt'
);

-- TEST: the current attempt completes it, once
select is(app_private.complete_job(:job_id, :second_attempt), true, 'completing the current attempt returns true');
select results_eq(
  format('select status, locked_until, finished_at from app_private.jobs where id = %s', :job_id),
  $$values ('done'::text, null::timestamptz, now())$$,
  'the job is done and archived, not deleted'
);
select is(app_private.complete_job(:job_id, :second_attempt), false, 'completing a finished job again returns false');

select * from finish();
rollback;
