-- A priority change onto another calendar keeps the working time used and gives the new
-- deadline its own alerts: a level the new deadline has already passed, and that fired for the
-- old one, is carried over (recorded, not sent again); the levels still ahead fire when reached.
-- Both tickets: enterprise high on a Berlin calendar (Mon-Fri 09:00-17:00, 4 h / 8 h), from
-- Friday 27 March 2026 16:00 CET; Monday 10:30 CEST both have used 2.5 working hours.
begin;
set local search_path = extensions, public;
select plan(12);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.business_calendars (name, time_zone) values ('pgTAP Berlin office', 'Europe/Berlin')
returning id as berlin \gset
insert into public.business_calendars (name, time_zone) values ('pgTAP New York office', 'America/New_York')
returning id as new_york \gset
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select c, d, '09:00', '17:00' from unnest(array[:'berlin', :'new_york']::uuid[]) c cross join generate_series(1, 5) d;
insert into public.sla_policies (priority, customer_tier, first_response_minutes, resolution_minutes, calendar_id)
values ('high', 'enterprise', 240, 480, :'berlin'), ('medium', 'enterprise', 240, 960, :'new_york');
select tests.create_ticket(tests.create_customer(tier => 'enterprise'), status => 'queued', priority => 'high',
  team_id => :'team_id', created_at => '2026-03-27 15:00+00') as to_new_york \gset
select tests.create_ticket(tests.create_customer(tier => 'enterprise'), status => 'queued', priority => 'high',
  team_id => :'team_id', created_at => '2026-03-27 15:00+00') as to_24_7 \gset
insert into public.sla_tracking (ticket_id, priority) values (:'to_new_york', 'high'), (:'to_24_7', 'high');

-- TEST: Monday 10:00 CEST, both at 50 % of the first response
select is(app_private.sweep_sla('2026-03-30 08:00+00'), '{"info": 2, "warning": 0, "breach": 0}'::jsonb,
  'both first-response infos fire on the Berlin calendar');

-- TEST: at 10:30 CEST one becomes medium (New York hours, 4 h / 16 h), the other low (24/7, 24 h / 72 h)
select tests.freeze_time('2026-03-30 08:30+00');
update public.tickets set priority = 'medium' where id = :'to_new_york';
update public.tickets set priority = 'low' where id = :'to_24_7';
select results_eq(
  format('select calendar_id, first_response_deadline, first_response_alert_80_at from public.sla_tracking where ticket_id = %L', :'to_new_york'),
  format($$values (%L::uuid, '2026-03-30 14:30+00'::timestamptz, '2026-03-30 13:42+00'::timestamptz)$$, :'new_york'),
  'New York: 2.5 h used of 4, the last 1.5 h counted from 09:00 EDT: due 10:30 EDT, 80 % at 09:42 EDT'
);
select is((select first_response_deadline from public.sla_tracking where ticket_id = :'to_24_7'),
  '2026-03-31 06:00+00'::timestamptz, '24/7: 2.5 h used of 24, due 21.5 h later');
select results_eq(
  format($$select deadline, carried_from from public.sla_alerts
           where ticket_id = %L and deadline_kind = 'first_response' and level = 'info' order by fired_at, carried_from nulls first$$, :'to_new_york'),
  $$values ('2026-03-30 10:00+00'::timestamptz, null::timestamptz),
           ('2026-03-30 14:30+00', '2026-03-30 10:00+00')$$,
  'New York: the new deadline is already past its 50 %, so the info is carried over from the old one'
);
select is_empty(
  format($$select 1 from public.sla_alerts where ticket_id = %L and deadline = '2026-03-31 06:00+00'$$, :'to_24_7'),
  '24/7: the new deadline is at 10 %, nothing is carried over: its alerts are armed again'
);

-- TEST: the sweeps that follow
select is(app_private.sweep_sla('2026-03-30 13:41:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'no info is sent again for the moved deadlines');
select is(app_private.sweep_sla('2026-03-30 13:42+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb,
  '09:42 EDT: the New York first-response warning');
select is(app_private.sweep_sla('2026-03-30 14:30:01+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb,
  'after 10:30 EDT the New York first response is breached');
select is(app_private.sweep_sla('2026-03-30 17:59:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  '24/7 at 11:59 h of 24: nothing yet');
select is(app_private.sweep_sla('2026-03-30 18:00+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  '24/7 at 12 h of 24: the re-armed first-response info fires for the new deadline');
select results_eq(
  format($$select ticket_id, count(*) from public.notifications where ticket_id in (%L, %L) and kind = 'sla_info'
           group by ticket_id order by count(*)$$, :'to_new_york', :'to_24_7'),
  format($$values (%L::uuid, 1::bigint), (%L::uuid, 2::bigint)$$, :'to_new_york', :'to_24_7'),
  'one info message for the carried-over deadline, one for each deadline of the re-armed one'
);
select is(app_private.sweep_sla('2026-03-30 18:30+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  '14:30 EDT: half the New York resolution time (16 h) is used');

select * from finish();
rollback;
