-- The anon role cannot call anything in app_private: no usage on the schema and no
-- execute grant on any of its functions.
begin;
set local search_path = extensions, public;
select plan(7);

-- TEST: anon has no privilege on app_private or its functions
select ok(not has_schema_privilege('anon', 'app_private', 'usage'), 'anon has no usage on schema app_private');
select is_empty(
  $$
    select p.oid::regprocedure::text from pg_catalog.pg_proc p
    where p.pronamespace = 'app_private'::regnamespace and has_function_privilege('anon', p.oid, 'execute')
    order by 1
  $$,
  'anon may execute no function in app_private'
);

-- TEST: calling pipeline functions as anon is denied
select tests.clear_authentication();
select throws_ok(
  format('select * from app_private.intake_ticket(%L, %L)', repeat('a', 64), '{"email": "x@example.com"}'),
  '42501', 'permission denied for schema app_private', 'anon cannot call intake_ticket');
select throws_ok('select * from app_private.claim_jobs(''triage'', 1, 60)',
  '42501', 'permission denied for schema app_private', 'anon cannot call claim_jobs');
select throws_ok(format('select app_private.route_ticket(%L)', gen_random_uuid()),
  '42501', 'permission denied for schema app_private', 'anon cannot call route_ticket');
select throws_ok('select app_private.rering_due_jobs()',
  '42501', 'permission denied for schema app_private', 'anon cannot call rering_due_jobs');
select throws_ok('select app_private.current_agent_id()',
  '42501', 'permission denied for schema app_private', 'anon cannot call current_agent_id');

select * from finish();
rollback;
