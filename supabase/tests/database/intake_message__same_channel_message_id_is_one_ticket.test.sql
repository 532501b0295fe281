-- A delivery seen again through its channel id (a retried webhook, a second IMAP poll, the
-- same mail by webhook and by IMAP, Slack's retry with the same event id) is the first
-- ticket, even when its content differs; different message ids with the same content are
-- deduplicated by content.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select 'idem-' || tests.unique_suffix() || '@example.com' as email \gset
select tests.unique_suffix() as suffix \gset
select jsonb_build_object('email', :'email'::text, 'channel', 'email', 'subject', 'Printer offline',
  'body', 'The printer is offline again.', 'message_id', '<M-' || :'suffix' || '@Example.com>') as message \gset
select tests.authenticate_as_service_role();

-- TEST: the first delivery creates the ticket
select ticket_id as first_id, outcome as first_outcome from app_private.intake_message(tests.random_idempotency_key(), :'message') \gset
select is(:'first_outcome'::text, 'created', 'the first delivery creates a ticket');
select is((select count(*) from public.ticket_message_ids where ticket_id = :'first_id'), 1::bigint,
  'its message id is recorded, normalised');
select is((select external_id from public.ticket_message_ids where ticket_id = :'first_id'),
  lower('m-' || :'suffix' || '@example.com'), 'without angle brackets, lower case');

-- TEST: the same Message-ID with other content and another key is the same ticket
select ticket_id as second_id, outcome as second_outcome, duplicate as second_duplicate
from app_private.intake_message(tests.random_idempotency_key(),
  (:'message')::jsonb || jsonb_build_object('body', 'The printer is offline again (resent).', 'channel', 'api')) \gset
select is(:'second_outcome'::text, 'duplicate', 'a second delivery of the message id is a duplicate');
select is(:'second_id'::uuid, :'first_id'::uuid, 'it returns the first ticket');
select is(:'second_duplicate'::boolean, true, 'and says so');

-- TEST: a Slack retry with the same event id is the same ticket
select ticket_id as slack_id from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'slack', 'subject', 'VPN', 'body', 'VPN drops every hour',
  'message_id', 'C1:' || :'suffix', 'extra_ids', jsonb_build_array('Ev' || :'suffix'))) \gset
select is((select outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'slack', 'subject', 'VPN', 'body', 'VPN drops every hour',
  'message_id', 'C1:other-' || :'suffix', 'extra_ids', jsonb_build_array('Ev' || :'suffix')))), 'duplicate',
  'a retry carrying the same event id is a duplicate');

-- TEST: nothing else was created
select is((select count(*) from public.tickets where sender_email = :'email'::text), 2::bigint,
  'one ticket per distinct message');
select is((select count(*) from public.ticket_events where ticket_id = :'first_id' and event_type = 'duplicate_received'),
  1::bigint, 'the repeat is logged on the first ticket');

select * from finish();
rollback;
