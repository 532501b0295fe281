-- The auto-answers are English: a password reset written in German goes to a person.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'account', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'account', sub_category => 'password_reset',
  confidence => 0.99, intensity => 1, body => 'Bitte Passwort zurücksetzen.', language => 'de') as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: the German ticket is routed to a person, without an automatic answer
select app_private.route_ticket(:'ticket_id') as decision \gset
select is(:'decision'::jsonb ->> 'outcome', 'assigned', 'the ticket is assigned');
select is((select is_auto_resolved from public.tickets where id = :'ticket_id'), false, 'is_auto_resolved stays false');
select is((select count(*) from public.responses where ticket_id = :'ticket_id'), 0::bigint,
  'no automatic response is written');

select * from finish();
rollback;
