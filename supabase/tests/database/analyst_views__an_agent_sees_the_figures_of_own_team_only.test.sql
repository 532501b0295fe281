-- The analyst views run with the reader's rights (security_invoker): a signed-in agent sees
-- the figures of their own team's tickets only, anon nothing.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: one ticket with an SLA for each of two teams on 1 August 2031
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as own_team \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'own_team') as agent_id \gset
select tests.create_agent_user(team_id => :'other_team') as other_agent \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'own_team', assigned_to => :'agent_id',
  category => 'billing', sub_category => 'refund_request', created_at => '2031-08-01 10:00+00') as own_ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'other_team', assigned_to => :'other_agent',
  category => 'billing', sub_category => 'refund_request', created_at => '2031-08-01 10:00+00') as other_ticket \gset
insert into public.sla_tracking (ticket_id, priority) values (:'own_ticket', 'medium'), (:'other_ticket', 'medium');

-- TEST
select tests.authenticate_as(:'agent_id');
select results_eq($$select team_id, tickets from public.sla_compliance where date = '2031-08-01'$$,
  format('values (%L::uuid, 1::bigint)', :'own_team'), 'sla_compliance: the own team only');
select results_eq($$select tickets from public.top_issues where date = '2031-08-01'$$,
  $$values (1::bigint)$$, 'top_issues: the own team''s ticket only');
select is_empty(format($$select 1 from public.agent_performance where agent_id = %L$$, :'other_agent'),
  'agent_performance: nothing of tickets the agent cannot see');
select tests.clear_authentication();
select throws_ok($$select * from public.sla_compliance$$, '42501', null, 'anon reads nothing');

select * from finish();
rollback;
