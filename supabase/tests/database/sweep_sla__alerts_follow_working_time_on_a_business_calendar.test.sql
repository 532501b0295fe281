-- On a business calendar the sweep counts working time only: nothing fires over the weekend
-- (which here also holds the DST change), and each level fires at its working-time instant.
-- Enterprise high on a Berlin calendar (Mon-Fri 09:00-17:00): 4 h / 8 h of working time.
begin;
set local search_path = extensions, public;
select plan(11);

-- SETUP: the ticket arrives on Friday 27 March 2026 at 16:00 CET (15:00 UTC)
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM' where id = :'team_id';
insert into public.business_calendars (name, time_zone) values ('pgTAP Berlin office', 'Europe/Berlin')
returning id as calendar_id \gset
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select :'calendar_id', d, '09:00', '17:00' from generate_series(1, 5) d;
insert into public.sla_policies (priority, customer_tier, first_response_minutes, resolution_minutes, calendar_id)
values ('high', 'enterprise', 240, 480, :'calendar_id');
select tests.create_ticket(tests.create_customer(tier => 'enterprise'), status => 'queued', priority => 'high',
  team_id => :'team_id', created_at => '2026-03-27 15:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'high');

-- TEST: Friday's hour, the weekend, Monday morning (CEST, UTC+2)
select is(app_private.sweep_sla('2026-03-27 16:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'Friday 17:59 CET: the hour to closing (25 %) is all that counts');
select is(app_private.sweep_sla('2026-03-29 12:00+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'Sunday, 45 h later on the wall clock: still 1 working hour, nothing fires');
select is(app_private.sweep_sla('2026-03-30 07:59:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'Monday 09:59:59 CEST: just under 2 working hours');
select is(app_private.sweep_sla('2026-03-30 08:00+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  'Monday 10:00 CEST: 2 of 4 working hours, the first-response info');
select is(app_private.sweep_sla('2026-03-30 09:12+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb,
  'Monday 11:12 CEST: 80 %, the first-response warning');
select is(app_private.sweep_sla('2026-03-30 10:00+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  'Monday 12:00 CEST: the first response is due, not late; half the resolution time is used');
select is(app_private.sweep_sla('2026-03-30 10:00:01+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb,
  'one second later the first response is breached');
select is(app_private.sweep_sla('2026-03-30 12:24+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb,
  'Monday 14:24 CEST: 80 % of the resolution time, the resolution warning');
select is(app_private.sweep_sla('2026-03-30 14:00:01+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb,
  'after Monday 16:00 CEST the resolution is breached');

-- TEST: what was recorded
select results_eq(
  format($$select deadline_kind::text, level::text, deadline from public.sla_alerts where ticket_id = %L order by fired_at, deadline_kind$$, :'ticket_id'),
  $$values ('first_response'::text, 'info'::text, '2026-03-30 10:00+00'::timestamptz),
           ('first_response', 'warning', '2026-03-30 10:00+00'),
           ('resolution', 'info', '2026-03-30 14:00+00'),
           ('first_response', 'breach', '2026-03-30 10:00+00'),
           ('resolution', 'warning', '2026-03-30 14:00+00'),
           ('resolution', 'breach', '2026-03-30 14:00+00')$$,
  'each level once per deadline, for the deadline in working time'
);
select is((select count(*) from public.notifications where ticket_id = :'ticket_id' and kind in ('sla_info', 'sla_warning') and channel = 'slack'),
  4::bigint, 'four Slack alerts: two infos and two warnings');

select * from finish();
rollback;
