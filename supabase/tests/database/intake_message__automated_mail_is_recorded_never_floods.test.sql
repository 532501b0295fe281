-- Auto-replies, our own mail coming back and bulk mail never open a flood of tickets: an
-- auto-reply on a ticket is recorded on it without reopening, one that answers nothing is
-- recorded in suppressed_messages, loops are suppressed, and bulk mail opens at most
-- bulk_tickets_per_sender_per_day tickets (tagged, never auto-answered).
begin;
set local search_path = extensions, public;
select plan(12);

-- SETUP
select tests.create_customer(name => 'Away Example') as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_ticket(:'customer_id', status => 'resolved') as ticket_id \gset
update public.tickets set resolved_at = now() where id = :'ticket_id';
select tests.unique_suffix() as suffix \gset
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'answer-' || :'suffix' || '@support.example.com', :'ticket_id', 'outbound');
select tests.authenticate_as_service_role();

-- TEST: an out-of-office answer to our mail is recorded on the ticket, which stays resolved
select outcome as ooo_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Automatic reply: Your ticket', 'body', 'I am away until Monday.',
  'references', jsonb_build_array('answer-' || :'suffix' || '@support.example.com'),
  'automated', 'auto_reply', 'automated_reason', 'Auto-Submitted: auto-replied')) \gset
select is(:'ooo_outcome'::text, 'auto_reply', 'the outcome is auto_reply');
select is((select status from public.tickets where id = :'ticket_id'), 'resolved', 'the ticket is not reopened');
select is((select is_automated from public.responses where ticket_id = :'ticket_id'), true, 'it is stored as an automated inbound message');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'auto_reply_received'),
  1::bigint, 'an auto_reply_received event is logged');

-- TEST: an auto-reply that answers nothing known, and a loop, are only recorded
select outcome as lone_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'away-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Out of office', 'body', 'Away.',
  'automated', 'auto_reply')) \gset
select is(:'lone_outcome'::text, 'suppressed', 'an unmatched auto-reply is suppressed');
select is((select outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'help@support.example.com', 'channel', 'email', 'subject', 'Re: x', 'body', 'loop',
  'automated', 'loop'))), 'suppressed', 'our own mail coming back is suppressed');
select is((select count(*) from public.tickets where sender_email = 'away-' || :'suffix' || '@example.com'), 0::bigint,
  'no ticket for the auto-reply');
select is((select array_agg(reason order by reason) from public.suppressed_messages
           where sender_email in ('away-' || :'suffix' || '@example.com', 'help@support.example.com')
             and received_at = now()),
  array['auto_reply', 'loop']::varchar[], 'both are recorded in suppressed_messages');

-- TEST: bulk mail opens at most three tickets per sender and day
select array_agg(m.outcome order by g) as bulk_outcomes
from generate_series(1, 5) g,
lateral app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'news-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Newsletter ' || g,
  'body', 'Issue ' || g || ' of our newsletter', 'automated', 'bulk', 'automated_reason', 'Precedence: bulk')) m \gset
select is(:'bulk_outcomes'::text[], array['created', 'created', 'created', 'suppressed', 'suppressed'],
  'three bulk tickets, then the rest is suppressed');
select is((select count(*) from public.tickets where sender_email = 'news-' || :'suffix' || '@example.com'
           and 'bulk' = any (tags) and raw_metadata ->> 'auto_submitted' = 'bulk'), 3::bigint,
  'bulk tickets are tagged and marked auto-submitted, so they are never auto-answered');
select is((select count(*) from public.suppressed_messages where sender_email = 'news-' || :'suffix' || '@example.com'
           and reason = 'flood'), 2::bigint, 'the flood is recorded');
select throws_ok($$select * from app_private.intake_message(tests.random_idempotency_key(),
  '{"email":"x@example.com","channel":"email","subject":"s","body":"b","automated":"robot"}')$$,
  '22023', null, 'an unknown automated kind is rejected');

select * from finish();
rollback;
