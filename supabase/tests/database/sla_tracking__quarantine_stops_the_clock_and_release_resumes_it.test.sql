-- A ticket quarantined as spam is not work: its SLA clock stands still, so no sweep alerts or
-- breach-escalates it; releasing it resumes the clock with the quarantined time left out.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP: an urgent ticket (1 h / 4 h, 24/7) from Monday 09:00, marked as spam at 09:20
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', priority => 'urgent', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'urgent');
select tests.freeze_time('2026-01-05 09:20+00');
select app_private.set_quarantine(:'ticket_id', true);

-- TEST: quarantined, the clock stands still
select is((select paused_at from public.sla_tracking where ticket_id = :'ticket_id'), '2026-01-05 09:20+00'::timestamptz,
  'quarantine stops the clock');
select is(app_private.sweep_sla('2026-01-05 14:00+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'a sweep after both original deadlines (10:00, 13:00) fires nothing');
select results_eq(
  format('select t.is_escalated, s.status::text, (select count(*) from public.sla_alerts a where a.ticket_id = t.id)
          from public.tickets t join public.sla_tracking s on s.ticket_id = t.id where t.id = %L', :'ticket_id'),
  $$values (false, 'active'::text, 0::bigint)$$,
  'the spam ticket is neither breached nor escalated'
);

-- TEST: an agent releases it at 11:20; 2 h stood still
select tests.freeze_time('2026-01-05 11:20+00');
select app_private.set_quarantine(:'ticket_id', false);
select results_eq(
  format('select paused_at, paused_minutes, first_response_deadline, resolution_deadline from public.sla_tracking where ticket_id = %L', :'ticket_id'),
  $$values (null::timestamptz, 120::numeric, '2026-01-05 12:00+00'::timestamptz, '2026-01-05 15:00+00'::timestamptz)$$,
  'the release resumes the clock; both deadlines move by the 2 h in quarantine'
);
select is(app_private.sweep_sla('2026-01-05 11:29+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  '11:29: 29 minutes used of 60, nothing yet');
select is(app_private.sweep_sla('2026-01-05 11:30+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  '11:30: half the first-response time used (20 min before, 10 after the quarantine), the info fires');
select is((select sla_deadline from public.tickets where id = :'ticket_id'), '2026-01-05 15:00+00'::timestamptz,
  'tickets.sla_deadline follows');

select * from finish();
rollback;
