-- Routing is exactly-once: a second route_ticket() on a routed ticket (a late or duplicate
-- job) changes nothing and reports that it skipped.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id') as first_agent \gset
select tests.create_agent_user(team_id => :'team_id') as second_agent \gset
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'general') as ticket_id \gset
select tests.authenticate_as_service_role();
select app_private.route_ticket(:'ticket_id');
select assigned_to as first_assignee, updated_at as first_updated_at from public.tickets where id = :'ticket_id' \gset
select (select count(*) from public.ticket_events where ticket_id = :'ticket_id') as events_before,
       (select count(*) from public.notifications where ticket_id = :'ticket_id') as notifications_before,
       (select count(*) from app_private.jobs where ticket_id = :'ticket_id') as jobs_before \gset

-- TEST: the second call is skipped and changes nothing
select is(app_private.route_ticket(:'ticket_id'),
  '{"outcome": "skipped", "reason": "status is assigned"}'::jsonb, 'the second call reports skipped');
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'first_assignee'::uuid,
  'the ticket keeps its agent');
select is((select updated_at from public.tickets where id = :'ticket_id'), :'first_updated_at'::timestamptz,
  'the ticket row is not touched again');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id'), :events_before::bigint,
  'no event is added');
select is((select count(*) from public.notifications where ticket_id = :'ticket_id'), :notifications_before::bigint,
  'no notification is added');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id'), :jobs_before::bigint,
  'no job is added');

select * from finish();
rollback;
