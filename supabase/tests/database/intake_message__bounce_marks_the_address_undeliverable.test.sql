-- A permanent bounce of mail we sent marks the failed address undeliverable (so no automatic
-- reply goes there again), is recorded on the ticket it answers, and opens no ticket; a delay
-- does not mark the address, nor does a bounce that names no mail we sent (anyone can forge one).
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.create_customer(name => 'Gone Example') as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_customer(name => 'Slow Example') as slow_id \gset
select email as slow_email from public.customers where id = :'slow_id' \gset
select tests.create_ticket(:'customer_id', status => 'resolved') as ticket_id \gset
select tests.unique_suffix() as suffix \gset
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'reply-' || :'suffix' || '@support.example.com', :'ticket_id', 'outbound');
select tests.authenticate_as_service_role();

-- TEST
select is(app_private.may_auto_reply(:'customer_id'), true, 'before the bounce, automatic replies may go out');
select outcome as bounce_outcome, ticket_id as bounce_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', 'mailer-daemon@mx.example.net', 'channel', 'email', 'subject', 'Undelivered Mail',
  'body', 'Your message could not be delivered.', 'automated', 'bounce',
  'references', jsonb_build_array('reply-' || :'suffix' || '@support.example.com'),
  'bounce', jsonb_build_object('recipients', jsonb_build_array(upper(:'email'::text)), 'permanent', true, 'status', '5.1.1 user unknown'))) \gset
select is(:'bounce_outcome'::text, 'bounce', 'the outcome is bounce');
select is(:'bounce_ticket'::uuid, :'ticket_id'::uuid, 'matched to the ticket it answers');
select results_eq(format('select email_undeliverable_at is not null, email_undeliverable_reason from public.customers where id = %L', :'customer_id'),
  $$values (true, '5.1.1 user unknown'::text)$$, 'the address is marked undeliverable with the reason');
select is(app_private.may_auto_reply(:'customer_id'), false, 'no automatic reply goes to it any more');
select is((select count(*) from public.tickets where sender_email = 'mailer-daemon@mx.example.net'), 0::bigint, 'no ticket is opened');
select app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object('email', 'mailer-daemon@mx.example.net',
  'channel', 'email', 'subject', 'Delayed', 'body', 'Still trying.', 'automated', 'bounce',
  'bounce', jsonb_build_object('recipients', jsonb_build_array(:'slow_email'::text), 'permanent', false, 'status', '4.4.1')));
select is((select email_undeliverable_at from public.customers where id = :'slow_id'), null, 'a delay marks nothing');

select tests.create_customer(name => 'Victim Example') as victim_id \gset
select email as victim_email from public.customers where id = :'victim_id' \gset
select outcome as forged_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'mailer-daemon@attacker.example.org', 'channel', 'email', 'subject', 'Undelivered Mail', 'body', 'x',
  'automated', 'bounce', 'references', jsonb_build_array('made-up@attacker.example.org'),
  'bounce', jsonb_build_object('recipients', jsonb_build_array(:'victim_email'::text), 'permanent', true, 'status', '5.1.1'))) \gset
select is((select email_undeliverable_at from public.customers where id = :'victim_id'), null,
  'a bounce that names no mail we sent marks nothing');
select is((select (details ->> 'verified')::boolean from public.suppressed_messages
           where sender_email = 'mailer-daemon@attacker.example.org' order by id desc limit 1), false,
  'it is recorded as unverified');

select * from finish();
rollback;
