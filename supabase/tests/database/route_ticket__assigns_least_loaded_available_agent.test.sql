-- Routing assigns the ticket to the agent of the team with the fewest active tickets
-- (assigned or in_progress); resolved tickets do not count as load.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id') as busy_agent \gset
select tests.create_agent_user(team_id => :'team_id') as light_agent \gset
select tests.create_agent_user(team_id => :'team_id') as busier_agent \gset
select tests.give_agent_load(:'busy_agent', 2);
select tests.give_agent_load(:'light_agent', 1, 'in_progress');
select tests.give_agent_load(:'light_agent', 3, 'resolved');
select tests.give_agent_load(:'busier_agent', 3);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'general') as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: the least-loaded agent gets the ticket
select app_private.route_ticket(:'ticket_id') as decision \gset
select is(:'decision'::jsonb ->> 'outcome', 'assigned', 'the decision is assigned');
select is(:'decision'::jsonb ->> 'agent_id', :'light_agent', 'the decision names the least-loaded agent');
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'light_agent'::uuid,
  'the ticket is assigned to the least-loaded agent');
select is((select status::text from public.tickets where id = :'ticket_id'), 'assigned', 'the ticket is assigned');

-- TEST: the assignment is recorded and notified
select is((select last_assigned_at from public.agents where id = :'light_agent'), now(),
  'the agent''s last_assigned_at is updated');
select results_eq(
  format($$select kind::text, channel::text from public.notifications where ticket_id = %L$$, :'ticket_id'),
  $$values ('ticket_assigned', 'slack')$$,
  'a ticket_assigned Slack notification is queued'
);
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'notify' and status = 'queued'),
  1::bigint, 'the notify stage is queued for the ticket');

select * from finish();
rollback;
