-- The agent-facing views (granted to authenticated, security_invoker) are readable by a
-- signed-in agent and show only their own team's tickets.
-- Fails until authenticated may execute app_private.priority_rank(text), which both
-- active_tickets_view and team_queue call (see the report of the pgTAP suite).
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as own_team \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'own_team') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'own_team') as own_ticket \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'other_team') as other_ticket \gset
select tests.authenticate_as(:'agent_id');

-- TEST: the views can be read
select lives_ok('select * from public.active_tickets_view', 'an agent reads active_tickets_view');
select lives_ok('select * from public.team_queue', 'an agent reads team_queue');
select lives_ok('select * from public.agent_workload', 'an agent reads agent_workload');

-- TEST: the views show the own team's tickets only (skipped while the views cannot be read)
select case when has_function_privilege('app_private.priority_rank(text)', 'execute')
  then results_eq(
    format('select id from public.active_tickets_view where id in (%L, %L)', :'own_ticket', :'other_ticket'),
    format('values (%L::uuid)', :'own_ticket'),
    'active_tickets_view shows the own team''s ticket only')
  else skip('active_tickets_view cannot be read', 1) end;
select case when has_function_privilege('app_private.priority_rank(text)', 'execute')
  then results_eq(
    format('select ticket_id from public.team_queue where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
    format('values (%L::uuid)', :'own_ticket'),
    'team_queue shows the own team''s ticket only')
  else skip('team_queue cannot be read', 1) end;

select * from finish();
rollback;
