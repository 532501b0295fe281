-- Each threshold fires at its boundary and once: 50 % info, 80 % warning, and the breach just
-- after the deadline (an answer at the deadline itself is on time). Urgent: 1 h / 4 h from 09:00.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM' where id = :'team_id';
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'urgent');

-- TEST: first response, due 10:00
select is(app_private.sweep_sla('2026-01-05 09:29:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb, '09:29:59: nothing');
select is(app_private.sweep_sla('2026-01-05 09:30:00+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb, '09:30:00 (50 %): info');
select is(app_private.sweep_sla('2026-01-05 09:47:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb, '09:47:59: nothing new');
select is(app_private.sweep_sla('2026-01-05 09:48:00+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb, '09:48:00 (80 %): warning');
select is(app_private.sweep_sla('2026-01-05 10:00:00+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb, '10:00:00 (the deadline): not yet breached');
select is(app_private.sweep_sla('2026-01-05 10:00:01+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb, '10:00:01: breach');
select is(app_private.sweep_sla('2026-01-05 10:05:00+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb, 'later sweeps fire nothing again');

-- TEST: what was recorded
select results_eq(
  format($$select deadline_kind::text, level::text, fired_at from public.sla_alerts where ticket_id = %L order by fired_at$$, :'ticket_id'),
  $$values ('first_response'::text, 'info'::text, '2026-01-05 09:30:00+00'::timestamptz),
           ('first_response', 'warning', '2026-01-05 09:48:00+00'),
           ('first_response', 'breach', '2026-01-05 10:00:01+00')$$,
  'one alert per level for the first-response deadline, none yet for the resolution (due 13:00, 50 % at 11:00)'
);
select results_eq(
  format($$select kind::text, channel::text, target from public.notifications where ticket_id = %L and kind like 'sla_%%' order by created_at, kind$$, :'ticket_id'),
  $$values ('sla_info'::text, 'slack'::text, 'CTEAM'::text), ('sla_warning', 'slack', 'CTEAM')$$,
  'the info and the warning go to the team channel'
);
select results_eq(
  format('select first_response_status::text, resolution_status::text, status::text from public.sla_tracking where ticket_id = %L', :'ticket_id'),
  $$values ('breached'::text, 'active'::text, 'breached'::text)$$,
  'the first response is breached; the resolution runs on, tracked on its own'
);

select * from finish();
rollback;
