-- A failed attempt must be recorded even when a newer job of the same stage and ticket is
-- already queued (e.g. the ticket was assigned while its 'ticket_queued' notify job ran):
-- the queued job redoes the work, and the failed one must not stay 'running'.
-- Fails until fail_job() handles the unique index jobs_one_queued_per_stage_ticket (see the
-- report of the pgTAP suite): today it raises unique_violation and the job stays running.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: notify job 1 runs; meanwhile notify job 2 is queued for the same ticket
select tests.create_analyzed_ticket(tests.create_customer()) as ticket_id \gset
select app_private.enqueue_job('notify', :'ticket_id') as running_job \gset
select tests.claim_job(:running_job) as attempt \gset
select app_private.enqueue_job('notify', :'ticket_id') as queued_job \gset
select tests.authenticate_as_service_role();

-- TEST: failing the running job does not raise
select lives_ok(
  format($$select app_private.fail_job(%s, %s, 'slack is down')$$, :running_job, :attempt),
  'fail_job succeeds while a newer job of the stage is queued for the ticket'
);

-- TEST: the failed job is settled and exactly one job waits
select isnt((select status from app_private.jobs where id = :running_job), 'running',
  'the failed job does not stay running');
select results_eq(
  format($$select id from app_private.jobs where stage = 'notify' and ticket_id = %L and status = 'queued'$$,
         :'ticket_id'),
  format('values (%s::bigint)', :queued_job),
  'the newer job is the one queued job of the stage and ticket'
);
select matches(coalesce((select last_error from app_private.jobs where id = :running_job), ''), 'slack is down',
  'the failure is kept in last_error');

select * from finish();
rollback;
