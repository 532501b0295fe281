-- Escalate from Slack raises the priority one step, marks the ticket escalated by an agent,
-- moves it from a mid-level assignee to the least-loaded available senior, moves its SLA
-- deadlines, and alerts the lead channel; a second escalation is refused. Without a free
-- senior the ticket waits in the queue.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM', lead_slack_channel_id = 'CLEAD' where id = :'team_id';
select tests.create_agent_user(team_id => :'team_id', skill_level => 'mid') as mia \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as ava \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()), name = 'Mia' where id = :'mia';
update public.agents set name = 'Ava' where id = :'ava';
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', priority => 'high', team_id => :'team_id',
  assigned_to => :'mia', created_at => '2026-01-05 09:00:00+00') as ticket \gset
insert into public.sla_tracking (ticket_id, priority, first_response_deadline, resolution_deadline)
values (:'ticket', 'high', '2026-01-05 13:00:00+00', '2026-01-05 17:00:00+00');
select tests.create_team() as lonely_team \gset
select tests.create_agent_user(team_id => :'lonely_team', skill_level => 'junior') as junior \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'junior';
select slack_user_id as junior_slack from public.agents where id = :'junior' \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', priority => 'low', team_id => :'lonely_team',
  assigned_to => :'junior') as lonely_ticket \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.slack_console(:'mia_slack', 'escalate', jsonb_build_object('ticket_id', :'ticket',
  'expected', jsonb_build_object('assignee', :'mia', 'status', 'assigned')));
select results_eq(format($$select priority::text, is_escalated, escalation_reasons, assigned_to, status::text
                            from public.tickets where id = %L$$, :'ticket'),
  format($$values ('urgent'::text, true, array['agent_escalated']::text[], %L::uuid, 'assigned'::text)$$, :'ava'),
  'urgent, escalated by an agent, with the senior');
select results_eq(format($$select actor_type::text, actor_id, event_data -> 'priority' from public.ticket_events
                            where ticket_id = %L and event_type = 'escalated'$$, :'ticket'),
  format($$values ('agent'::text, %L::uuid, '["high", "urgent"]'::jsonb)$$, :'mia'),
  'one escalated event by the acting agent');
select matches((select payload ->> 'text' from public.notifications where ticket_id = :'ticket' and kind = 'ticket_escalated'),
  'escalated \(agent_escalated\) by Mia', 'the lead is told who escalated');
select is((select target from public.notifications where ticket_id = :'ticket' and kind = 'ticket_escalated'),
  'CLEAD', 'in the lead channel');
select results_eq(format($$select priority::text, resolution_deadline from public.sla_tracking where ticket_id = %L$$, :'ticket'),
  $$values ('urgent'::text, '2026-01-05 13:00:00+00'::timestamptz)$$, 'the SLA follows the new priority');
select is((select active_tickets from public.agents where id = :'mia'), 0, 'Mia''s slot is freed');
select matches(app_private.slack_console(:'mia_slack', 'escalate', jsonb_build_object('ticket_id', :'ticket')) ->> 'text',
  'already escalated by an agent', 'a second escalation is refused');

select app_private.slack_console(:'junior_slack', 'escalate', jsonb_build_object('ticket_id', :'lonely_ticket'));
select results_eq(format($$select priority::text, status::text, assigned_to from public.tickets where id = %L$$, :'lonely_ticket'),
  $$values ('medium'::text, 'queued'::text, null::uuid)$$, 'no senior free: one step up and back to the queue');
select is((select active_tickets from public.agents where id = :'junior'), 0, 'the junior no longer holds it');

select * from finish();
rollback;
