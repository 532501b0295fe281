-- When the send stage gives up on the answer that auto-resolved a ticket, the ticket is not
-- resolved after all: it is routed again and goes to a person (it is not auto-resolved twice).
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: an auto-resolved password reset whose answer then fails for good
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, team_id, rule_priority) values ('pgTAP catch-all', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50) as agent_id \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'account', sub_category => 'password_reset',
  priority => 'low', confidence => 0.97, intensity => 2, body => 'Please reset my password.') as ticket_id \gset
select tests.authenticate_as_service_role();
select app_private.route_ticket(:'ticket_id') ->> 'outcome' as outcome \gset
select id as response_id from public.responses where ticket_id = :'ticket_id' and direction = 'outbound' \gset

-- TEST
select is(:'outcome'::text, 'auto_resolved', 'routing auto-resolved the ticket');
update public.responses set delivery_status = 'failed', delivery_error = '550 mailbox unavailable'
where id = :'response_id';
select results_eq(
  format('select status::text, is_auto_resolved, reopened_count from public.tickets where id = %L', :'ticket_id'),
  $$values ('analyzed'::text, false, 1)$$,
  'the failed answer reopens the ticket for routing'
);
select is((select event_data ->> 'reason' from public.ticket_events
           where ticket_id = :'ticket_id' and event_type = 'reopened'),
  'the automatic answer could not be delivered', 'an event says why');
select ok(exists (select 1 from app_private.jobs where ticket_id = :'ticket_id' and stage = 'route' and status = 'queued'),
  'and a route job is queued');
select is(app_private.route_ticket(:'ticket_id') ->> 'outcome', 'assigned', 'routing now gives it to a person');

select * from finish();
rollback;
