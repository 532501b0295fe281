-- A ticket of a VIP (or enterprise) customer is escalated, and an escalated ticket of any
-- priority goes only to a senior or expert agent.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'billing', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'mid') as mid_agent \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as senior_agent \gset
select tests.give_agent_load(:'senior_agent', 3);
select tests.create_customer(tier => 'vip') as vip_customer \gset
select tests.create_analyzed_ticket(:'vip_customer', category => 'billing', priority => 'low') as vip_ticket \gset
select tests.create_customer(tier => 'enterprise') as enterprise_customer \gset
select tests.create_analyzed_ticket(:'enterprise_customer', category => 'billing', priority => 'low')
  as enterprise_ticket \gset
select tests.authenticate_as_service_role();

-- TEST: the VIP ticket is escalated and goes to the senior agent
select app_private.route_ticket(:'vip_ticket');
select is((select assigned_to from public.tickets where id = :'vip_ticket'), :'senior_agent'::uuid,
  'the VIP ticket goes to the senior agent, not to the idle mid agent');
select is((select is_escalated from public.tickets where id = :'vip_ticket'), true, 'the VIP ticket is escalated');
select is((select escalation_reasons from public.tickets where id = :'vip_ticket'), array['vip_customer'],
  'the escalation reason is vip_customer');
select is(
  (select count(*) from public.ticket_events where ticket_id = :'vip_ticket' and event_type = 'escalated'),
  1::bigint, 'an escalated event is logged');

-- TEST: an enterprise customer is escalated the same way
select app_private.route_ticket(:'enterprise_ticket');
select is((select assigned_to from public.tickets where id = :'enterprise_ticket'), :'senior_agent'::uuid,
  'the enterprise ticket goes to the senior agent');
select is((select escalation_reasons from public.tickets where id = :'enterprise_ticket'),
  array['enterprise_customer'], 'the escalation reason is enterprise_customer');

select * from finish();
rollback;
