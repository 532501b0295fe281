-- An event the function recognises as no customer message (an edit, a bot, another channel)
-- is stored as ignored with its reason, and no job is queued for it.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.authenticate_as_service_role();
select slack_event_id as id, status
from app_private.receive_slack_event('EvPGTAP3', '{"type": "event_callback", "event_id": "EvPGTAP3", "event": {"type": "message", "subtype": "message_changed"}}',
  'an edit (message_changed)') \gset

-- TEST: stored as ignored, with the reason, and settled
select is(:'status'::text, 'ignored', 'the event is stored as ignored');
select results_eq(
  format('select reason, processed_at is not null from app_private.slack_events where id = %s', :id),
  $$values ('an edit (message_changed)'::text, true)$$,
  'the reason is recorded and the event is settled'
);

-- TEST: no job
select is(
  (select count(*) from app_private.jobs where stage = 'slack-events' and payload ->> 'slack_event_id' = :'id'),
  0::bigint, 'no job is queued for an ignored event'
);

select * from finish();
rollback;
