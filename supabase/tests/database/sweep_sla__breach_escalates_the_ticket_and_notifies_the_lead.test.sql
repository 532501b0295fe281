-- A breach escalates the ticket (reason sla_breach), which tells the team lead's channel, and
-- is logged in ticket_events and sla_tracking.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: medium, resolution due Tuesday 09:00; the first response was given in time
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM', lead_slack_channel_id = 'CLEAD' where id = :'team_id';
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'in_progress', priority => 'medium', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2026-01-05 09:00+00') as ticket_id \gset
update public.tickets set first_response_at = '2026-01-05 09:30+00' where id = :'ticket_id';
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'medium');

-- TEST
select is(app_private.sweep_sla('2026-01-06 09:01+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb, 'one breach');
select results_eq(format('select is_escalated, escalation_reasons from public.tickets where id = %L', :'ticket_id'),
  $$values (true, array['sla_breach']::text[])$$, 'the ticket is escalated for the breach');
select results_eq(
  format($$select event_type::text, event_data ->> 'deadline_kind' from public.ticket_events
           where ticket_id = %L and event_type in ('sla_breached', 'escalated') order by event_type desc$$, :'ticket_id'),
  $$values ('sla_breached'::text, 'resolution'::text), ('escalated', 'resolution')$$,
  'the breach and the escalation are on the timeline'
);
select results_eq(
  format($$select target, payload ->> 'text' like '%%escalated (sla_breach)%%' from public.notifications
           where ticket_id = %L and kind = 'ticket_escalated'$$, :'ticket_id'),
  $$values ('CLEAD'::text, true)$$, 'the lead channel is told why'
);
select results_eq(format('select first_response_status::text, resolution_status::text, status::text, breach_alert_sent from public.sla_tracking where ticket_id = %L', :'ticket_id'),
  $$values ('met'::text, 'breached'::text, 'breached'::text, true)$$, 'sla_tracking records the breach');

select * from finish();
rollback;
