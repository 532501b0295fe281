-- A reply threads onto the ticket it answers: by In-Reply-To/References against the message
-- ids we stored (inbound) or sent (outbound), then by a [#T-n] subject reference from the
-- ticket's own customer. It is stored as an inbound response and logged; no new ticket.
begin;
set local search_path = extensions, public;
select plan(13);

-- SETUP
select 'thread-' || tests.unique_suffix() || '@example.com' as email \gset
select tests.unique_suffix() as suffix \gset
select tests.create_team() as team_id \gset
select tests.authenticate_as_service_role();
select ticket_id, ticket_number from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Export fails', 'body', 'CSV export fails with error 500.',
  'message_id', 'orig-' || :'suffix' || '@example.com')) \gset
update public.tickets set status = 'queued', team_id = :'team_id' where id = :'ticket_id';
-- An answer we sent, with its own Message-ID.
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'sent-' || :'suffix' || '@support.example.com', :'ticket_id', 'outbound');

-- TEST: a reply whose References name our sent answer is a reply on the ticket
select ticket_id as reply_ticket, outcome as reply_outcome from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', :'email'::text, 'channel', 'email', 'subject', 'Re: Export fails',
    'body', 'Still failing today.', 'message_id', 'r1-' || :'suffix' || '@example.com',
    'references', jsonb_build_array('<sent-' || :'suffix' || '@support.example.com>', 'unknown@example.com'))) \gset
select is(:'reply_outcome'::text, 'reply', 'the outcome is reply');
select is(:'reply_ticket'::uuid, :'ticket_id'::uuid, 'on the ticket it answers');
select results_eq(
  format($$select direction::text, sender_type::text, body, is_automated from public.responses where ticket_id = %L$$, :'ticket_id'),
  $$values ('inbound'::text, 'customer'::text, 'Still failing today.'::text, false)$$,
  'the reply is stored as an inbound customer response');
select is((select count(*) from public.ticket_message_ids where ticket_id = :'ticket_id' and direction = 'inbound'), 2::bigint,
  'the reply''s own id is recorded, so a reply to it threads too');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'customer_replied'), 1::bigint,
  'a customer_replied event is logged');
select is((select count(*) from public.notifications where ticket_id = :'ticket_id' and kind = 'inbound_reply'), 1::bigint,
  'the team is told in Slack');
select is((select count(*) from public.tickets where sender_email = :'email'::text), 1::bigint, 'no second ticket');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage'), 1::bigint,
  'the reply is not triaged as a new ticket');

-- TEST: a subject reference from the same customer threads; from someone else it does not
select outcome as ref_outcome, ticket_id as ref_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', upper(:'email'::text), 'channel', 'email', 'subject', 'Re: [#T-' || :'ticket_number' || '] Export',
    'body', 'Any news on this?')) \gset
select is(:'ref_outcome'::text, 'reply', 'a [#T-n] reference from the customer threads');
select is(:'ref_ticket'::uuid, :'ticket_id'::uuid, 'onto that ticket');
select outcome as stranger_outcome, ticket_id as stranger_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', 'stranger-' || :'suffix' || '@example.com', 'channel', 'email',
    'subject', 'Re: [#T-' || :'ticket_number' || '] Export', 'body', 'Let me in on this ticket.')) \gset
select is(:'stranger_outcome'::text, 'created', 'the same reference from another sender opens its own ticket');
select isnt(:'stranger_ticket'::uuid, :'ticket_id'::uuid, 'not the referenced one');

-- TEST: a Slack thread reply threads by channel:thread_ts
select ticket_id as slack_ticket from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'slack', 'subject', 'Login', 'body', 'Cannot log in', 'message_id', 'C9:100.' || :'suffix')) \gset
select is((select outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'slack', 'subject', 'x', 'body', 'Works now, thanks', 'message_id', 'C9:200.' || :'suffix',
  'references', jsonb_build_array('C9:100.' || :'suffix')))), 'reply', 'a Slack thread reply is a reply');

select * from finish();
rollback;
