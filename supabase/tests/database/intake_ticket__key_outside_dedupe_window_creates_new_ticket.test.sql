-- A ticket older than the dedupe window (24 h) no longer blocks its key: the same message
-- creates a new ticket, and the old ticket keeps a key derived from the original.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
insert into app_private.settings (key, value) values ('dedupe_window_hours', '24')
on conflict (key) do update set value = excluded.value;
select tests.random_idempotency_key() as key \gset
select tests.random_idempotency_key() as recent_key \gset
select jsonb_build_object(
  'email', 'intake-' || tests.unique_suffix() || '@example.com', 'name', 'Dana Example', 'channel', 'web',
  'subject', 'Invoice', 'body', 'Please send my invoice.') as message \gset
select tests.authenticate_as_service_role();
select ticket_id as old_id from app_private.intake_ticket(:'key', :'message') \gset
select ticket_id as recent_id from app_private.intake_ticket(:'recent_key', :'message') \gset
update public.tickets set created_at = now() - interval '25 hours' where id = :'old_id';
update public.tickets set created_at = now() - interval '23 hours' where id = :'recent_id';

-- TEST: the same key after 25 hours creates a new ticket
select ticket_id as new_id, duplicate as new_duplicate from app_private.intake_ticket(:'key', :'message') \gset
select is(:'new_duplicate'::boolean, false, 'a key older than the window is not a duplicate');
select isnt(:'new_id'::uuid, :'old_id'::uuid, 'a new ticket is created');
select is((select idempotency_key::text from public.tickets where id = :'new_id'), :'key',
  'the new ticket takes the key');

-- TEST: the old ticket keeps a derived key and remembers the original
select is(
  (select idempotency_key::text from public.tickets where id = :'old_id'),
  encode(sha256(convert_to(:'key' || ':' || :'old_id', 'UTF8')), 'hex'),
  'the old ticket keeps the key derived from the original key and its id'
);
select is((select raw_metadata ->> 'superseded_idempotency_key' from public.tickets where id = :'old_id'), :'key',
  'the old ticket records the superseded key');
select is((select count(*) from app_private.jobs where ticket_id = :'new_id' and stage = 'triage'), 1::bigint,
  'the new ticket is queued for triage');

-- TEST: within the window (23 hours) the key still deduplicates
select ticket_id as repeat_id, duplicate as repeat_duplicate
from app_private.intake_ticket(:'recent_key', :'message') \gset
select is(:'repeat_duplicate'::boolean, true, 'a key younger than the window is a duplicate');
select is(:'repeat_id'::uuid, :'recent_id'::uuid, 'the ticket within the window is returned');

select * from finish();
rollback;
