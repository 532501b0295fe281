-- The /ticket command's actions: status, assign me (within capacity), priority (recorded as
-- the agent's correction of the AI), resolve (the freed slot goes to the queue) and one's own
-- availability.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as omar \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()), name = 'Omar' where id = :'omar';
select slack_user_id as omar_slack from public.agents where id = :'omar' \gset
select tests.create_analyzed_ticket(tests.create_customer()) as ticket \gset
update public.tickets set status = 'queued', team_id = :'team_id' where id = :'ticket';
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id') as second \gset
select ticket_number as number from public.tickets where id = :'ticket' \gset
select tests.authenticate_as_service_role();

-- TEST
select matches(app_private.slack_console(:'omar_slack', 'status', jsonb_build_object('ticket_number', :'number')) ->> 'text',
  format('^\*#T-%s\* pgTAP ticket · queued · medium', :'number'), 'status names the ticket, its state and priority');
select is(app_private.slack_console(:'omar_slack', 'assign_me', jsonb_build_object('ticket_number', :'number')) ->> 'text',
  format('#T-%s is now assigned to you.', :'number'), 'assign me takes a queued ticket');
select matches(app_private.slack_console(:'omar_slack', 'assign_me', jsonb_build_object('ticket_id', :'second')) ->> 'text',
  'Omar already has 1 of 1 tickets', 'assign me never goes over capacity');
select is(app_private.slack_console(:'omar_slack', 'priority', jsonb_build_object('ticket_number', :'number', 'priority', 'high')) ->> 'ok',
  'true', 'priority is set');
select results_eq(format($$select field::text, corrected_value, corrected_by from public.ai_corrections where ticket_id = %L$$, :'ticket'),
  format($$values ('priority'::text, 'high'::text, %L::uuid)$$, :'omar'), 'as Omar''s correction of the AI');
select is(app_private.slack_console(:'omar_slack', 'resolve', jsonb_build_object('ticket_number', :'number')) ->> 'text',
  format('#T-%s is resolved.', :'number'), 'resolve');
select results_eq(format($$select status::text, (select assigned_to from public.tickets where id = %L) from public.tickets where id = %L$$, :'second', :'ticket'),
  format($$values ('resolved'::text, %L::uuid)$$, :'omar'), 'the ticket is resolved and the freed slot goes to the queued ticket');
select results_eq(format($$select event_type::text from public.ticket_events where ticket_id = %L and actor_type = 'agent' and actor_id = %L order by event_type$$, :'ticket', :'omar'),
  $$values ('assigned'::text), ('classification_corrected'::text), ('priority_changed'::text), ('resolved'::text)$$,
  'every action is an event by Omar');
select is(app_private.slack_console(:'omar_slack', 'availability', '{"availability": "away"}') ->> 'ok', 'true', 'availability is set');
select is((select availability::text from public.agents where id = :'omar'), 'away', 'Omar is away');

select * from finish();
rollback;
