-- A new ticket from intake is queued for triage exactly once, in the same transaction;
-- a duplicate call queues nothing more.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.random_idempotency_key() as key \gset
select jsonb_build_object(
  'email', 'intake-' || tests.unique_suffix() || '@example.com', 'name', 'Dana Example', 'channel', 'slack',
  'subject', 'Slow dashboard', 'body', 'The dashboard takes a minute to load.') as message \gset
select tests.authenticate_as_service_role();

-- TEST: one queued triage job and no other job
select ticket_id from app_private.intake_ticket(:'key', :'message') \gset
select results_eq(
  format('select stage, status, attempts from app_private.jobs where ticket_id = %L', :'ticket_id'),
  $$values ('triage'::text, 'queued'::text, 0)$$,
  'intake queues exactly one triage job'
);
select ok((select run_after <= now() from app_private.jobs where ticket_id = :'ticket_id'),
  'the triage job is due at once');

-- TEST: a duplicate call queues nothing
select * from app_private.intake_ticket(:'key', :'message') \gset
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id'), 1::bigint,
  'a duplicate intake queues no second job');

select * from finish();
rollback;
