-- The intake function's entry point answers with the outcome: a post from an authenticated
-- caller that references its own ticket ([#T-n] in the subject) is answered as a reply, not
-- as a new ticket; the same post from the public form (thread_by_subject false: nobody vouches
-- for the sender) never reaches that ticket and opens its own.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_customer() as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_ticket(:'customer_id', status => 'queued') as ticket_id \gset
select ticket_number from public.tickets where id = :'ticket_id' \gset
select tests.authenticate_as_service_role();

-- TEST: an API caller's reply
select results_eq(format($$select ticket_id, outcome, duplicate from app_private.submit_intake(%L, jsonb_build_object(
    'email', %L::text, 'channel', 'api', 'subject', 'Re: [#T-' || %s || '] pgTAP ticket', 'body', 'More details here.'))$$,
    tests.random_idempotency_key(), :'email', :'ticket_number'),
  format($$values (%L::uuid, 'reply'::text, false)$$, :'ticket_id'), 'an authenticated reply is answered as a reply');
select is((select count(*) from public.responses where ticket_id = :'ticket_id' and direction = 'inbound'), 1::bigint,
  'stored on the ticket');

-- TEST: a public form post with the same reference
select ticket_id as public_ticket, outcome as public_outcome from app_private.submit_intake(tests.random_idempotency_key(),
  jsonb_build_object('email', :'email'::text, 'channel', 'web', 'subject', 'Re: [#T-' || :'ticket_number' || '] pgTAP ticket',
    'body', 'Posting into this ticket from the web form.', 'thread_by_subject', false)) \gset
select is(:'public_outcome'::text, 'created', 'a public post opens a ticket of its own');
select isnt(:'public_ticket'::uuid, :'ticket_id'::uuid, 'it never lands on the referenced ticket');
select is((select count(*) from public.responses where ticket_id = :'ticket_id' and direction = 'inbound'), 1::bigint,
  'the referenced ticket gained nothing');

select * from finish();
rollback;
