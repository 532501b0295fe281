-- An agent holding max_concurrent_tickets active tickets is never chosen, even when the
-- others are busier; with every agent full the ticket waits in the team's queue.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'technical', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 2) as full_agent \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 0) as zero_agent \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 6) as roomy_agent \gset
select tests.give_agent_load(:'full_agent', 2);
select tests.give_agent_load(:'roomy_agent', 5);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'technical') as first_ticket \gset
select tests.create_customer() as other_customer_id \gset
select tests.create_analyzed_ticket(:'other_customer_id', category => 'technical') as second_ticket \gset
select tests.authenticate_as_service_role();

-- TEST: the only agent with room gets the ticket, though more loaded
select app_private.route_ticket(:'first_ticket');
select is((select assigned_to from public.tickets where id = :'first_ticket'), :'roomy_agent'::uuid,
  'the ticket goes to the agent with room left, not to the less-loaded full agents');

-- TEST: once every agent is full the next ticket is queued
select app_private.route_ticket(:'second_ticket') as decision \gset
select is(:'decision'::jsonb ->> 'outcome', 'queued', 'the decision is queued');
select is((select status::text from public.tickets where id = :'second_ticket'), 'queued', 'the ticket is queued');
select is((select assigned_to from public.tickets where id = :'second_ticket'), null, 'the ticket has no agent');

select * from finish();
rollback;
