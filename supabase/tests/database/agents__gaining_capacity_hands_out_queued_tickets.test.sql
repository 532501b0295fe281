-- An agent becoming available, or getting a higher max_concurrent_tickets, takes queued
-- tickets of their team at once.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as full_agent \gset
select tests.create_agent_user(team_id => :'team_id', is_available => false) as away_agent \gset
select tests.give_agent_load(:'full_agent', 1);
select tests.create_customer() as customer_a \gset
select tests.create_customer() as customer_b \gset
select tests.create_analyzed_ticket(:'customer_a', category => 'general') as first_ticket \gset
select tests.create_analyzed_ticket(:'customer_b', category => 'general') as second_ticket \gset
select app_private.route_ticket(:'first_ticket');
select app_private.route_ticket(:'second_ticket');

-- TEST: raising max_concurrent_tickets hands out a queued ticket
update public.agents set max_concurrent_tickets = 2 where id = :'full_agent';
select is((select count(*) from public.tickets where id in (:'first_ticket', :'second_ticket') and assigned_to = :'full_agent'),
  1::bigint, 'the agent with new capacity takes one queued ticket');

-- TEST: an agent becoming available takes the other one
update public.agents set is_available = true where id = :'away_agent';
select is((select count(*) from public.tickets where id in (:'first_ticket', :'second_ticket') and assigned_to = :'away_agent'),
  1::bigint, 'the agent back from away takes the other queued ticket');
select is((select count(*) from public.tickets where id in (:'first_ticket', :'second_ticket') and status = 'queued'),
  0::bigint, 'no ticket is left queued');
select is((select count(*) from public.tickets where id in (:'first_ticket', :'second_ticket') and status = 'assigned'),
  2::bigint, 'both tickets are assigned');

select * from finish();
rollback;
