-- A ticket found past both its deadlines by one sweep (after an outage) has both breaches on
-- its timeline but is escalated once: one escalated event naming both deadlines, one message
-- to the lead.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: urgent (1 h / 4 h) from 08:00, never answered
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM', lead_slack_channel_id = 'CLEAD' where id = :'team_id';
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => :'team_id',
  created_at => '2026-01-05 08:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'urgent');

-- TEST: 12:30 is past the first response (09:00) and the resolution (12:00)
select is(app_private.sweep_sla('2026-01-05 12:30+00'), '{"info": 0, "warning": 0, "breach": 2}'::jsonb,
  'two breaches');
select results_eq(
  format($$select event_type::text, event_data ->> 'deadline_kind' from public.ticket_events
           where ticket_id = %L and event_type in ('sla_breached', 'escalated') order by event_type desc, 2$$, :'ticket_id'),
  $$values ('sla_breached'::text, 'first_response'::text), ('sla_breached', 'resolution'), ('escalated', 'first_response')$$,
  'each breach is logged, and one escalation'
);
select is((select event_data -> 'deadline_kinds' from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'escalated'),
  '["first_response", "resolution"]'::jsonb, 'the escalation names both deadlines');
select results_eq(
  format($$select target from public.notifications where ticket_id = %L and kind = 'ticket_escalated'$$, :'ticket_id'),
  $$values ('CLEAD'::text)$$, 'the lead is told once'
);

select * from finish();
rollback;
