-- A known Message-ID is a repeat only from the same sender (or with the same content): mail
-- from someone else that reuses it, with other content, becomes a ticket of its own and the
-- collision is logged. Our own outbound Message-ID coming back is recorded as a loop.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.unique_suffix() as suffix \gset
select tests.authenticate_as_service_role();
select ticket_id as first_ticket from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'first-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Printer offline',
  'body', 'The office printer is offline.', 'message_id', '<shared-' || :'suffix' || '@mail.example.com>')) \gset

-- TEST: the same id from the same sender is the same message
select outcome as again_outcome, ticket_id as again_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', 'FIRST-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Printer offline',
    'body', 'The office printer is offline (resent).', 'message_id', 'shared-' || :'suffix' || '@mail.example.com')) \gset
select is(:'again_outcome'::text, 'duplicate', 'the same Message-ID from the same sender is a duplicate');
select is(:'again_ticket'::uuid, :'first_ticket'::uuid, 'of the first ticket');

-- TEST: the same id from another sender with other content is kept as a new message
select outcome as other_outcome, ticket_id as other_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', 'second-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Refund',
    'body', 'Please refund order 991.', 'message_id', 'shared-' || :'suffix' || '@mail.example.com')) \gset
select is(:'other_outcome'::text, 'created', 'another sender''s mail with a reused Message-ID becomes a ticket');
select isnt(:'other_ticket'::uuid, :'first_ticket'::uuid, 'a ticket of its own');
select results_eq(format($$select severity::text, ticket_id, context ->> 'sender' from public.error_logs
                           where error_type = 'message_id_collision' and context ->> 'message_id' = %L$$,
                         'shared-' || :'suffix' || '@mail.example.com'),
  format($$values ('warning'::text, %L::uuid, %L::text)$$, :'first_ticket', 'second-' || :'suffix' || '@example.com'),
  'the collision is logged as a warning on the first ticket');
select is((select count(*) from public.ticket_message_ids where external_id = 'shared-' || :'suffix' || '@mail.example.com'),
  1::bigint, 'the id still belongs to the first ticket');

-- TEST: a message carrying the Message-ID of a message we sent is a loop
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'sent-' || :'suffix' || '@support.example.com', :'first_ticket', 'outbound');
select is((select outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'first-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Re: Printer offline',
  'body', 'Our own answer, returned.', 'message_id', 'sent-' || :'suffix' || '@support.example.com'))),
  'suppressed', 'our own Message-ID coming back is not a ticket');
select is((select reason::text from public.suppressed_messages where message_id = 'sent-' || :'suffix' || '@support.example.com'),
  'loop', 'it is recorded as a loop');

select * from finish();
rollback;
