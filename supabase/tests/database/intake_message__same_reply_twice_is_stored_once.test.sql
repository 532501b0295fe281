-- The same reply delivered twice (a double-submitted form, a webhook retried without a
-- Message-ID, the same mail through two channels) is stored once: the second delivery is a
-- duplicate of its ticket, and its message id still threads later replies.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_customer(name => 'Twice Example') as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id') as ticket_id \gset
select ticket_number from public.tickets where id = :'ticket_id' \gset
select tests.random_idempotency_key() as reply_key \gset
select tests.authenticate_as_service_role();

-- TEST: the first delivery is a reply, the second a duplicate
select outcome as first_outcome from app_private.intake_message(:'reply_key', jsonb_build_object(
  'email', :'email'::text, 'channel', 'web', 'subject', 'Re: [#T-' || :'ticket_number' || '] pgTAP ticket',
  'body', 'Still broken, here is more.')) \gset
select ticket_id as second_ticket, outcome as second_outcome, duplicate as second_duplicate
from app_private.intake_message(:'reply_key', jsonb_build_object(
  'email', :'email'::text, 'channel', 'web', 'subject', 'Re: [#T-' || :'ticket_number' || '] pgTAP ticket',
  'body', 'Still broken, here is more.')) \gset
select is(:'first_outcome'::text, 'reply', 'the first delivery is a reply');
select is(:'second_outcome'::text, 'duplicate', 'the second delivery is a duplicate');
select is(:'second_duplicate'::boolean, true, 'and says so');
select is(:'second_ticket'::uuid, :'ticket_id'::uuid, 'of the same ticket');
select is((select count(*) from public.responses where ticket_id = :'ticket_id' and direction = 'inbound'), 1::bigint,
  'the reply is stored once');

-- TEST: the same reply by e-mail with its own Message-ID is a duplicate that keeps the id
select outcome as mail_outcome from app_private.intake_message(:'reply_key', jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: [#T-' || :'ticket_number' || '] pgTAP ticket',
  'body', 'Still broken, here is more.', 'message_id', '<twice-1@example.com>')) \gset
select is(:'mail_outcome'::text, 'duplicate', 'the same text by e-mail is a duplicate too');
select is((select ticket_id from public.ticket_message_ids where channel = 'email' and external_id = 'twice-1@example.com'),
  :'ticket_id'::uuid, 'its Message-ID belongs to the ticket');

select * from finish();
rollback;
