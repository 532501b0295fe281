-- The sweep must not fail when an expired job cannot go back to the queue because a newer
-- job of the same stage and ticket is waiting there: that one job would otherwise break
-- every later sweep (and so every re-ring) until the newer job is claimed.
-- Fails until rering_due_jobs() handles the unique index jobs_one_queued_per_stage_ticket
-- (see the report of the pgTAP suite).
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: an expired notify claim with a newer notify job queued, and an unrelated expired claim
select tests.create_analyzed_ticket(tests.create_customer()) as ticket_id \gset
select app_private.enqueue_job('notify', :'ticket_id') as expired_job \gset
select tests.claim_job(:expired_job);
select app_private.enqueue_job('notify', :'ticket_id') as queued_job \gset
select tests.create_ticket(tests.create_customer()) as other_ticket \gset
select id as other_job from app_private.jobs where ticket_id = :'other_ticket' and stage = 'triage' \gset
select tests.claim_job(:other_job);
update app_private.jobs set locked_until = now() - interval '1 second' where id in (:expired_job, :other_job);
select tests.authenticate_as_service_role();

-- TEST: the sweep runs through
select lives_ok('select app_private.rering_due_jobs()', 'the sweep succeeds');

-- TEST: every expired claim is settled
select isnt((select status from app_private.jobs where id = :expired_job), 'running',
  'the expired job whose stage is queued again does not stay running');
select results_eq(
  format($$select id from app_private.jobs where stage = 'notify' and ticket_id = %L and status = 'queued'$$,
         :'ticket_id'),
  format('values (%s::bigint)', :queued_job),
  'the newer job is the one queued job of the stage and ticket'
);
select is((select status from app_private.jobs where id = :other_job), 'queued',
  'an unrelated expired job is requeued by the same sweep');

select * from finish();
rollback;
