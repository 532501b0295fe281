-- "3 retries with exponential backoff, dead letters after that": by default a job gets its
-- first attempt and 3 retries (max_attempts 4), each retry waiting twice as long, and only
-- the failure of the fourth attempt dead-letters it.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP: the shipped defaults
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset

-- TEST
select is((select value from app_private.settings where key = 'job_max_attempts'), '4', 'the setting is 4 attempts in all');
select is((select max_attempts from app_private.jobs where id = :job_id), 4, 'a new job gets 4 attempts');
select is((select value from app_private.settings where key = 'email_poll_max_attempts'), '4',
  'an IMAP message gets the same: the first attempt and 3 retries');
select is(array[app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 1 failed'),
                app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 2 failed'),
                app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 3 failed')],
  array['queued', 'queued', 'queued'], 'the first three failures are retried');
select ok((select run_after - updated_at between interval '40 seconds' and interval '50 seconds'
           from app_private.jobs where id = :job_id),
  'the third retry waits 4x the base (10 s, then 20 s, then 40 s, plus jitter)');
select is(app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 4 failed'), 'dead',
  'the fourth failure dead-letters the job');
select results_eq(format($$select source, attempts, error from public.dead_letters where source = 'pipeline_job' and id = %s$$, :job_id),
  $$values ('pipeline_job'::text, 4, 'attempt 4 failed'::text)$$, 'it shows in the dead_letters view after 4 attempts');

select * from finish();
rollback;
