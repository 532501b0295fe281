-- An urgent ticket needs a senior or expert agent: idle junior and mid agents are passed
-- over, and a team without a free senior or expert queues the ticket.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as junior_team \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'technical', :'team_id', -1000000);
insert into public.routing_rules (name, category, language, team_id, rule_priority)
values ('pgTAP junior route', 'technical', 'de', :'junior_team', -1000001);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'junior') as junior_agent \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'mid') as mid_agent \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as senior_agent \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'expert') as expert_agent \gset
select tests.create_agent_user(team_id => :'junior_team', skill_level => 'junior') as other_junior \gset
select tests.create_agent_user(team_id => :'junior_team', skill_level => 'mid') as other_mid \gset
select tests.give_agent_load(:'senior_agent', 2);
select tests.give_agent_load(:'expert_agent', 1);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'technical', priority => 'urgent') as ticket_id \gset
select tests.create_customer() as german_customer_id \gset
select tests.create_analyzed_ticket(:'german_customer_id', category => 'technical', priority => 'urgent',
                                    language => 'de') as german_ticket \gset
select tests.authenticate_as_service_role();

-- TEST: the least-loaded senior or expert gets the urgent ticket
select app_private.route_ticket(:'ticket_id') as decision \gset
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'expert_agent'::uuid,
  'the urgent ticket goes to the least-loaded senior/expert agent, not to an idle junior or mid');
select is((:'decision'::jsonb ->> 'needs_senior')::boolean, true, 'the decision requires a senior');
select is((select escalation_reasons from public.tickets where id = :'ticket_id'), array['urgent_priority'],
  'the ticket is escalated for its urgent priority');

-- TEST: a team of juniors and mids queues the urgent ticket
select app_private.route_ticket(:'german_ticket');
select is((select status::text from public.tickets where id = :'german_ticket'), 'queued',
  'an urgent ticket is queued when the team has no senior or expert');
select is((select assigned_to from public.tickets where id = :'german_ticket'), null,
  'the urgent ticket is not given to a junior or mid agent');

select * from finish();
rollback;
