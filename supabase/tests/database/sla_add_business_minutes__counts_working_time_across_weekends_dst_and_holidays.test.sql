-- Working time is counted in the calendar's local wall-clock time: a deadline crosses a
-- weekend and the European or US DST change on the right local hour, skips holidays, and
-- uses split shifts; a 24/7 calendar counts the 25-hour day of the change back as 25 hours.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP: Mon-Fri 09:00-17:00 in Berlin and New York; a split shift in Berlin; a 24/7 calendar
insert into public.business_calendars (name, time_zone) values
  ('pgTAP Berlin', 'Europe/Berlin'), ('pgTAP New York', 'America/New_York'),
  ('pgTAP split', 'Europe/Berlin'), ('pgTAP always', 'Europe/Berlin');
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select c.id, d, '09:00', '17:00' from public.business_calendars c cross join generate_series(1, 5) d
where c.name in ('pgTAP Berlin', 'pgTAP New York')
union all
select c.id, d, s.start_time, s.end_time from public.business_calendars c cross join generate_series(1, 5) d
cross join (values ('08:00'::time, '12:00'::time), ('13:00', '17:00')) s(start_time, end_time)
where c.name = 'pgTAP split'
union all
select c.id, d, '00:00', '24:00' from public.business_calendars c cross join generate_series(1, 7) d
where c.name = 'pgTAP always';
insert into public.business_holidays (calendar_id, holiday, name)
select c.id, '2026-04-06', 'Easter Monday' from public.business_calendars c where c.name = 'pgTAP Berlin';
select id as berlin from public.business_calendars where name = 'pgTAP Berlin' \gset
select id as new_york from public.business_calendars where name = 'pgTAP New York' \gset
select id as split from public.business_calendars where name = 'pgTAP split' \gset
select id as always from public.business_calendars where name = 'pgTAP always' \gset

-- TEST: Europe, summer time starts Sunday 29 March 2026 (CET +01 -> CEST +02)
select is(app_private.sla_add_business_minutes('2026-03-27 15:00+00', 120, :'berlin'),
  '2026-03-30 08:00+00'::timestamptz,
  'Friday 16:00 CET + 2 working hours = Monday 10:00 CEST (08:00 UTC)');
select is(app_private.sla_business_minutes_between('2026-03-27 15:00+00', '2026-03-30 08:00+00', :'berlin'),
  120::numeric, 'and the working minutes between those instants are 120');
select is(app_private.sla_add_business_minutes('2026-03-27 15:00+00', 480, :'berlin'),
  '2026-03-30 14:00+00'::timestamptz,
  'Friday 16:00 CET + 8 working hours = Monday 16:00 CEST');

-- TEST: US, daylight saving starts Sunday 8 March 2026 (EST -05 -> EDT -04)
select is(app_private.sla_add_business_minutes('2026-03-06 21:00+00', 120, :'new_york'),
  '2026-03-09 14:00+00'::timestamptz,
  'Friday 16:00 EST + 2 working hours = Monday 10:00 EDT (14:00 UTC)');

-- TEST: holidays and split shifts
select is(app_private.sla_add_business_minutes('2026-04-03 14:00+00', 120, :'berlin'),
  '2026-04-07 08:00+00'::timestamptz,
  'Friday 16:00 + 2 working hours skips the weekend and Easter Monday: Tuesday 10:00');
select is(app_private.sla_add_business_minutes('2026-01-05 10:00+00', 180, :'split'),
  '2026-01-05 14:00+00'::timestamptz,
  'Monday 11:00 CET + 3 working hours across the 12:00-13:00 break = 15:00 CET');
select is(app_private.sla_add_business_minutes('2026-01-05 16:30+00', 60, :'berlin'),
  '2026-01-06 09:00+00'::timestamptz,
  'Monday 17:30 CET (after hours) + 1 working hour = Tuesday 10:00 CET');

-- TEST: the day summer time ends (Sunday 25 October 2026) has 25 hours
select is(app_private.sla_business_minutes_between('2026-10-24 22:00+00', '2026-10-25 23:00+00', :'always'),
  1500::numeric, 'a 24/7 calendar counts local 25 October as 25 hours');

-- TEST: no calendar is 24/7 in absolute time
select is(app_private.sla_add_business_minutes('2026-03-28 23:30+00', 60, null),
  '2026-03-29 00:30+00'::timestamptz, 'without a calendar minutes are plain elapsed minutes');

select * from finish();
rollback;
