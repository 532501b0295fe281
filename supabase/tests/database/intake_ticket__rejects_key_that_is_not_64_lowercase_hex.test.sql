-- intake_ticket accepts only a SHA-256 hex digest (64 lowercase hex characters) as key.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select jsonb_build_object(
  'email', 'intake-' || tests.unique_suffix() || '@example.com', 'name', 'Dana Example', 'channel', 'api',
  'subject', 'Hello', 'body', 'Hello there.') as message \gset
select tests.authenticate_as_service_role();

-- TEST: malformed keys are rejected with invalid_parameter_value
select throws_ok(format('select * from app_private.intake_ticket(%L, %L)', repeat('a', 63), :'message'),
  '22023', 'idempotency key must be 64 hex characters', '63 characters are rejected');
select throws_ok(format('select * from app_private.intake_ticket(%L, %L)', repeat('a', 65), :'message'),
  '22023', 'idempotency key must be 64 hex characters', '65 characters are rejected');
select throws_ok(format('select * from app_private.intake_ticket(%L, %L)', repeat('A', 64), :'message'),
  '22023', 'idempotency key must be 64 hex characters', 'uppercase hex is rejected');
select throws_ok(format('select * from app_private.intake_ticket(%L, %L)', repeat('g', 64), :'message'),
  '22023', 'idempotency key must be 64 hex characters', 'non-hex characters are rejected');
select throws_ok(format('select * from app_private.intake_ticket(%L, %L)', '', :'message'),
  '22023', 'idempotency key must be 64 hex characters', 'an empty key is rejected');
select throws_ok(format('select * from app_private.intake_ticket(null, %L)', :'message'),
  null::char(5), null, 'a null key is rejected');

-- TEST: nothing is created by a rejected call
select is((select count(*) from public.tickets where sender_email = :'message'::jsonb ->> 'email'), 0::bigint,
  'no ticket is created');

select * from finish();
rollback;
