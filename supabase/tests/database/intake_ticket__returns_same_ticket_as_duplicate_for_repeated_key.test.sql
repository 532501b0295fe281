-- Calling intake_ticket twice with the same idempotency key within the dedupe window
-- returns the first ticket, flagged duplicate, and creates nothing new but an event.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.random_idempotency_key() as key \gset
select jsonb_build_object(
  'email', 'intake-' || tests.unique_suffix() || '@example.com', 'name', 'Dana Example', 'channel', 'email',
  'subject', 'Cannot log in', 'body', 'I cannot log in since this morning.') as message \gset
select tests.authenticate_as_service_role();

-- TEST: the first call creates a ticket
select ticket_id as first_id, ticket_number as first_number, duplicate as first_duplicate
from app_private.intake_ticket(:'key', :'message') \gset
select is(:'first_duplicate'::boolean, false, 'the first call is not a duplicate');

-- TEST: the second call returns the same ticket as a duplicate
select ticket_id as second_id, ticket_number as second_number, duplicate as second_duplicate
from app_private.intake_ticket(:'key', :'message') \gset
select is(:'second_duplicate'::boolean, true, 'the second call is a duplicate');
select is(:'second_id'::uuid, :'first_id'::uuid, 'the second call returns the same ticket id');
select is(:'second_number'::bigint, :'first_number'::bigint, 'the second call returns the same ticket number');
select is((select count(*) from public.tickets where idempotency_key = :'key'), 1::bigint,
  'one ticket holds the key');
select is((select count(*) from public.tickets where sender_email = :'message'::jsonb ->> 'email'), 1::bigint,
  'no second ticket is created for the sender');
select results_eq(
  format('select event_type::text from public.ticket_events where ticket_id = %L order by created_at, event_type',
         :'first_id'),
  $$values ('created'), ('duplicate_received')$$,
  'the repeat is logged as a duplicate_received event'
);

select * from finish();
rollback;
