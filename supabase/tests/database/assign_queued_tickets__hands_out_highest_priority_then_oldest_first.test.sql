-- Queued tickets are handed out highest priority first and, within a priority, oldest first,
-- as capacity frees.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 0) as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'low', created_at => now() - interval '3 hours') as old_low \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'high', created_at => now() - interval '1 hour') as new_high \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'high', created_at => now() - interval '2 hours') as old_high \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'medium', created_at => now() - interval '4 hours') as oldest_medium \gset
select tests.authenticate_as_service_role();

-- TEST: one slot at a time
update public.agents set max_concurrent_tickets = 1 where id = :'agent_id';
select is((select id from public.tickets where assigned_to = :'agent_id'), :'old_high'::uuid,
  'the first slot goes to the older of the two high-priority tickets');
update public.agents set max_concurrent_tickets = 3 where id = :'agent_id';
select set_eq(
  format($$select id from public.tickets where assigned_to = %L$$, :'agent_id'),
  format($$select unnest(array[%L, %L, %L]::uuid[])$$, :'old_high', :'new_high', :'oldest_medium'),
  'then the newer high one and the medium one; the low one waits');

select is((select status from public.tickets where id = :'old_low'), 'queued', 'the old low-priority ticket still waits');

select * from finish();
rollback;
