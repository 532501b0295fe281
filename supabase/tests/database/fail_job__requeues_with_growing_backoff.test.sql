-- fail_job() requeues a failed attempt with exponential backoff: about base (10 s) after
-- attempt 1, twice that after attempt 2 (plus up to 25 % jitter); a stale attempt is ignored.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
insert into app_private.settings (key, value) values ('job_backoff_base_seconds', '10'), ('job_max_attempts', '3')
on conflict (key) do update set value = excluded.value;
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
select tests.claim_job(:job_id) as attempt \gset
select tests.authenticate_as_service_role();

-- TEST: attempt 1 is retried after 10 to 12.5 seconds
select is(app_private.fail_job(:job_id, :attempt, 'model timed out'), 'queued', 'the first failure requeues the job');
select results_eq(
  format('select status, locked_until, last_error from app_private.jobs where id = %s', :job_id),
  $$values ('queued'::text, null::timestamptz, 'model timed out'::text)$$,
  'the job is queued again, unlocked, with the error'
);
select ok(
  (select run_after between now() + interval '10 seconds' and now() + interval '12.5 seconds'
   from app_private.jobs where id = :job_id),
  'the first retry waits 10 to 12.5 seconds'
);

-- TEST: attempt 2 is retried after 20 to 25 seconds
reset role;
select tests.claim_job(:job_id) as attempt \gset
select tests.authenticate_as_service_role();
select is(:attempt::integer, 2, 'the retry is attempt 2');
select is(app_private.fail_job(:job_id, :attempt, 'model timed out again'), 'queued', 'the second failure requeues');
select ok(
  (select run_after between now() + interval '20 seconds' and now() + interval '25 seconds'
   from app_private.jobs where id = :job_id),
  'the second retry waits 20 to 25 seconds'
);

-- TEST: a stale attempt is ignored
select is(app_private.fail_job(:job_id, 1, 'late failure of attempt 1'), 'ignored', 'a stale attempt is ignored');
select is((select last_error from app_private.jobs where id = :job_id), 'model timed out again',
  'the ignored failure leaves the job as it was');

select * from finish();
rollback;
