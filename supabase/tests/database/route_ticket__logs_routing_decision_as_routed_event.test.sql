-- Every routing decision is logged once in ticket_events as 'routed', with the team, the
-- rule, the agent and the reasons, so a lead can see why a ticket went where it went.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team(name_prefix => 'pgTAP Routed') as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP routed rule', 'technical', :'team_id', -1000000)
returning id as rule_id \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as agent_id \gset
select tests.create_customer(tier => 'vip') as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'technical', priority => 'high') as ticket_id \gset
select tests.authenticate_as_service_role();
select app_private.route_ticket(:'ticket_id') as decision \gset

-- TEST: one routed event carries the decision
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'routed'),
  1::bigint, 'one routed event is logged');
select event_data, actor_type from public.ticket_events
where ticket_id = :'ticket_id' and event_type = 'routed' \gset routed_
select is(:'routed_actor_type'::text, 'system', 'the routed event is by the system');
select is(:'routed_event_data'::jsonb, :'decision'::jsonb, 'the event holds the returned decision');
select is(:'routed_event_data'::jsonb ->> 'team_id', :'team_id', 'the event names the team');
select is(:'routed_event_data'::jsonb ->> 'rule_id', :'rule_id', 'the event names the rule');
select is(:'routed_event_data'::jsonb ->> 'agent_id', :'agent_id', 'the event names the agent');
select is(:'routed_event_data'::jsonb -> 'escalation_reasons', '["vip_customer"]'::jsonb,
  'the event lists the escalation reasons');

select * from finish();
rollback;
