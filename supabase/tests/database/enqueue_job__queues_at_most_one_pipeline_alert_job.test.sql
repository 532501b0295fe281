-- The pipeline-alert notify job (no ticket: it delivers every pending alert) waits in the
-- queue at most once, like any other stage and ticket: a burst of dead letters queues one.
-- Fails until jobs_one_queued_per_stage_ticket treats null ticket ids as equal (see the
-- report of the pgTAP suite): today every enqueue adds a job.
begin;
set local search_path = extensions, public;
select plan(2);

-- SETUP: an alert job is queued (by this enqueue, or already by concurrent dead letters)
select tests.authenticate_as_service_role();
select app_private.enqueue_job('notify', null, '{"alerts": true}');

-- TEST: a second alert enqueue is a no-op
select is(app_private.enqueue_job('notify', null, '{"alerts": true}'), null,
  'enqueueing the alert job again returns null');
select ok(
  (select count(*) from app_private.jobs where stage = 'notify' and ticket_id is null and status = 'queued') <= 1,
  'at most one alert job is queued'
);

select * from finish();
rollback;
