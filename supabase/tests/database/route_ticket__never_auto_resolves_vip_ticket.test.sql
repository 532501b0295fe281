-- A VIP customer's ticket is never auto-resolved, even when it matches every other
-- condition of the rule: it is escalated to a person.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'account', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'expert') as expert_agent \gset
select tests.create_customer(tier => 'vip') as vip_customer \gset
select tests.create_analyzed_ticket(:'vip_customer', category => 'account', sub_category => 'password_reset',
  confidence => 0.99, intensity => 1, body => 'Password reset please.') as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: the VIP ticket goes to a person
select app_private.route_ticket(:'ticket_id') as decision \gset
select isnt(:'decision'::jsonb ->> 'outcome', 'auto_resolved', 'the VIP ticket is not auto-resolved');
select is((select is_auto_resolved from public.tickets where id = :'ticket_id'), false, 'is_auto_resolved stays false');
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'expert_agent'::uuid,
  'the VIP ticket is assigned to the expert agent');
select is((select escalation_reasons from public.tickets where id = :'ticket_id'), array['vip_customer'],
  'the VIP ticket is escalated');
select is((select count(*) from public.responses where ticket_id = :'ticket_id'), 0::bigint,
  'no automatic response is written');

select * from finish();
rollback;
