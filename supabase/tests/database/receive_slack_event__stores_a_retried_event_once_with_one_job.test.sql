-- Slack retries an event with the same event_id: it is stored once, counted as a second
-- delivery, and only the first delivery queues a 'slack-events' job. Two different events
-- get a job each (Slack events are never merged like ticket stages).
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.authenticate_as_service_role();
select slack_event_id as first_id, duplicate as first_duplicate
from app_private.receive_slack_event('EvPGTAP1', '{"type": "event_callback", "team_id": "T1", "event_id": "EvPGTAP1", "event": {"type": "message"}}') \gset
select slack_event_id as retry_id, duplicate as retry_duplicate
from app_private.receive_slack_event('EvPGTAP1', '{"type": "event_callback", "team_id": "T1", "event_id": "EvPGTAP1", "event": {"type": "message"}}',
  null, 1, 'http_timeout') \gset
select slack_event_id as other_id
from app_private.receive_slack_event('EvPGTAP2', '{"type": "event_callback", "team_id": "T1", "event_id": "EvPGTAP2", "event": {"type": "app_mention"}}') \gset

-- TEST: the retry returns the stored row as a duplicate
select is(:'first_duplicate'::boolean, false, 'the first delivery is new');
select is(:'retry_duplicate'::boolean, true, 'the retry is a duplicate');
select is(:retry_id::bigint, :first_id::bigint, 'the retry returns the stored row');
select results_eq(
  format('select status, deliveries, last_retry_num, last_retry_reason, team_id, event_type from app_private.slack_events where id = %s', :first_id),
  $$values ('queued'::text, 2, 1, 'http_timeout'::text, 'T1'::text, 'message'::text)$$,
  'the stored event counts both deliveries and the retry header'
);

-- TEST: one job per stored event
select is(
  (select count(*) from app_private.jobs where stage = 'slack-events' and payload ->> 'slack_event_id' = :'first_id'),
  1::bigint, 'the retried event has exactly one job'
);
select is(
  (select count(*) from app_private.jobs where stage = 'slack-events' and status = 'queued'
     and (payload ->> 'slack_event_id')::bigint in (:first_id, :other_id)),
  2::bigint, 'two events wait as two jobs'
);
select is(
  (select ticket_id from app_private.jobs where stage = 'slack-events' and payload ->> 'slack_event_id' = :'other_id'),
  null::uuid, 'a slack-events job has no ticket'
);

select * from finish();
rollback;
