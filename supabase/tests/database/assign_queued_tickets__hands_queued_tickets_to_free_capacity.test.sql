-- assign_queued_tickets() hands a team's queued tickets to agents with free capacity,
-- highest priority first, and leaves the rest queued.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: two tickets queued behind a full agent, the low one older
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as full_agent \gset
select tests.give_agent_load(:'full_agent', 1);
select tests.create_customer() as customer_a \gset
select tests.create_customer() as customer_b \gset
select tests.create_analyzed_ticket(:'customer_a', category => 'general', priority => 'low',
                                    created_at => now() - interval '2 hours') as low_ticket \gset
select tests.create_analyzed_ticket(:'customer_b', category => 'general', priority => 'high',
                                    created_at => now() - interval '1 hour') as high_ticket \gset
select app_private.route_ticket(:'low_ticket');
select app_private.route_ticket(:'high_ticket');
-- A new agent with room for one ticket (inserting an agent does not hand out work by itself).
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as new_agent \gset
select tests.authenticate_as_service_role();

-- TEST: one ticket is handed out, the high-priority one
select is(app_private.assign_queued_tickets(:'team_id'), 1, 'one queued ticket is assigned');
select is((select assigned_to from public.tickets where id = :'high_ticket'), :'new_agent'::uuid,
  'the high-priority ticket goes to the agent with free capacity');
select is((select status::text from public.tickets where id = :'high_ticket'), 'assigned', 'it is assigned');
select is((select status::text from public.tickets where id = :'low_ticket'), 'queued',
  'the low-priority ticket stays queued');
select is(
  (select event_data ->> 'reason' from public.ticket_events where ticket_id = :'high_ticket' and event_type = 'assigned'),
  'capacity_freed', 'the assignment is logged with reason capacity_freed');

select * from finish();
rollback;
