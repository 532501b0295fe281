-- With no agent able to take it, a routed ticket waits in status 'queued' with its team,
-- SLA timer and a ticket_queued notification.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as full_agent \gset
select tests.give_agent_load(:'full_agent', 1);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'general') as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: the ticket is queued for the team
select app_private.route_ticket(:'ticket_id') as decision \gset
select is(:'decision'::jsonb ->> 'outcome', 'queued', 'the decision is queued');
select is((select status::text from public.tickets where id = :'ticket_id'), 'queued', 'the ticket status is queued');
select is((select team_id from public.tickets where id = :'ticket_id'), :'team_id'::uuid, 'the ticket keeps its team');
select is((select assigned_to from public.tickets where id = :'ticket_id'), null, 'the ticket has no agent');
select isnt((select routed_at from public.tickets where id = :'ticket_id'), null, 'routed_at is set');

-- TEST: the SLA timer runs and the team is told
select is((select count(*) from public.sla_tracking where ticket_id = :'ticket_id'), 1::bigint,
  'the SLA timer is started');
select results_eq(
  format($$select kind::text from public.notifications where ticket_id = %L$$, :'ticket_id'),
  $$values ('ticket_queued')$$,
  'a ticket_queued notification is queued'
);

select * from finish();
rollback;
