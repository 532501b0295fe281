-- An agent who is not available (is_available = false) is never chosen, however idle.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as away_team \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'account', :'team_id', -1000000);
insert into public.routing_rules (name, category, language, team_id, rule_priority)
values ('pgTAP away route', 'account', 'fr', :'away_team', -1000001);
select tests.create_agent_user(team_id => :'team_id', is_available => false) as away_agent \gset
select tests.create_agent_user(team_id => :'team_id') as busy_agent \gset
select tests.create_agent_user(team_id => :'away_team', is_available => false) as only_away_agent \gset
select tests.give_agent_load(:'busy_agent', 4);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'account') as ticket_id \gset
select tests.create_customer() as french_customer_id \gset
select tests.create_analyzed_ticket(:'french_customer_id', category => 'account', language => 'fr') as french_ticket \gset
select tests.authenticate_as_service_role();

-- TEST: the available agent gets the ticket over the idle unavailable one
select app_private.route_ticket(:'ticket_id');
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'busy_agent'::uuid,
  'the available agent is chosen over an idle unavailable agent');

-- TEST: a team whose only agent is unavailable queues the ticket
select app_private.route_ticket(:'french_ticket');
select is((select status::text from public.tickets where id = :'french_ticket'), 'queued',
  'the ticket is queued when the only agent is unavailable');
select is((select team_id from public.tickets where id = :'french_ticket'), :'away_team'::uuid,
  'the queued ticket belongs to the routed team');

select * from finish();
rollback;
