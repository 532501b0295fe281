-- A message too large to read whole (mail over the parse limit, an attachment recorded by its
-- hash only) is still a ticket: tagged 'truncated', with the reason in raw_metadata and in
-- its created event, so an agent sees at once that the text is not complete.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.unique_suffix() as suffix \gset
select tests.authenticate_as_service_role();

-- TEST
select ticket_id, outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'big-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Huge log', 'body', 'The log is attached.',
  'metadata', jsonb_build_object('truncated', 'message of 36700160 bytes: only its first 10485760 bytes were read for analysis'))) \gset
select is(:'outcome'::text, 'created', 'a truncated mail is a ticket');
select results_eq(format($$select tags, raw_metadata ->> 'truncated' from public.tickets where id = %L$$, :'ticket_id'),
  $$values (array['truncated']::text[], 'message of 36700160 bytes: only its first 10485760 bytes were read for analysis'::text)$$,
  'tagged truncated, the reason kept');
select matches((select event_data ->> 'truncated' from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'created'),
  '^message of 36700160 bytes', 'the created event says it too');

select * from finish();
rollback;
