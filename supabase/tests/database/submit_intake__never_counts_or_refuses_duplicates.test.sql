-- A duplicate (same idempotency key within the dedupe window) is answered with the existing
-- ticket even when the sender's limit is used up, and is never counted.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
update app_private.settings set value = '1' where key = 'intake_limit_per_sender';
update app_private.settings set value = '1' where key = 'intake_limit_per_ip';
select tests.random_idempotency_key() as key \gset
select jsonb_build_object('email', 'dup-' || tests.unique_suffix() || '@example.com', 'channel', 'web',
  'subject', 'Refund', 'body', 'Refund order 42 please.') as message \gset
select tests.authenticate_as_service_role();
select ticket_id as first_id from app_private.submit_intake(:'key', :'message', '198.51.100.23') \gset

-- TEST: the same message again from the same sender and address
select ticket_id as again_id, duplicate as again_duplicate, coalesce(limited_by, 'none') as again_limited
from app_private.submit_intake(:'key', :'message', '198.51.100.23') \gset
select is(:'again_id'::uuid, :'first_id'::uuid, 'the duplicate returns the first ticket');
select is(:'again_duplicate'::boolean, true, 'it is flagged as a duplicate');
select is(:'again_limited'::text, 'none', 'it is not refused although both limits are used up');
select results_eq(
  format($$select scope, hits from app_private.intake_rate_limits
           where (scope = 'sender' and subject = %L) or (scope = 'ip' and subject = '198.51.100.23')
           order by scope$$, :'message'::jsonb ->> 'email'),
  $$values ('ip'::text, 1), ('sender'::text, 1)$$,
  'the duplicate is counted neither for the sender nor for the address');

select * from finish();
rollback;
