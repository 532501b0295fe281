-- Even on their own ticket an agent may update only the granted columns (status, priority,
-- category, sub_category, tags, is_escalated, first_response_at, resolved_at); anything else,
-- and inserts or deletes, is denied.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_agent_user(team_id => :'team_id') as colleague_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id',
                           assigned_to => :'agent_id') as ticket_id \gset
select tests.authenticate_as(:'agent_id');

-- TEST: columns that are not granted
select throws_ok(
  format('update public.tickets set idempotency_key = %L where id = %L', repeat('b', 64), :'ticket_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot change idempotency_key');
select throws_ok(
  format('update public.tickets set assigned_to = %L where id = %L', :'colleague_id', :'ticket_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot reassign a ticket');
select throws_ok(
  format('update public.tickets set team_id = null where id = %L', :'ticket_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot change team_id');
select throws_ok(
  format('update public.tickets set sla_deadline = now() + interval ''1 year'' where id = %L', :'ticket_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot move sla_deadline');

-- TEST: inserts and deletes
select throws_ok(
  format('delete from public.tickets where id = %L', :'ticket_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot delete a ticket');
select throws_ok(
  format($$insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body)
           values (%L, 'web', %L, 'x@example.com', 's', 'b')$$, repeat('c', 64), :'customer_id'),
  '42501', 'permission denied for table tickets', 'an agent cannot insert a ticket');

reset role;
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'agent_id'::uuid,
  'the ticket is still assigned to the agent');

select * from finish();
rollback;
