-- The hourly job posts yesterday's report when it is 09:00 in the organisation's time zone,
-- whatever the UTC hour: in Berlin 09:00 is 08:00 UTC on Saturday 28 March 2026 (CET) and
-- 07:00 UTC from Sunday 29 March (CEST). Not at 08:00 local, and not twice; the day after the
-- change counts the 23 hours of Sunday.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP: Berlin time; tickets around the edges of Sunday 29 March (local)
update app_private.settings set value = 'Europe/Berlin' where key = 'time_zone';
update app_private.settings set value = 'CREPORTS' where key = 'report_slack_channel_id';
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-03-28 22:59:59+00');  -- Sat 23:59:59 CET
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-03-28 23:00:00+00');  -- Sun 00:00 CET
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-03-29 21:59:59+00');  -- Sun 23:59:59 CEST
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-03-29 22:00:00+00');  -- Mon 00:00 CEST
delete from public.analytics_daily where date between '2026-03-27' and '2026-03-29';

-- TEST: Saturday (CET, UTC+1)
select is(app_private.run_daily_report('2026-03-28 07:00+00') -> 'due', 'false'::jsonb, 'Saturday 08:00 CET: not yet');
select is(app_private.run_daily_report('2026-03-28 08:00+00') -> 'posted', 'true'::jsonb, 'Saturday 09:00 CET (08:00 UTC): Friday''s report');

-- TEST: Monday, the day after the change (CEST, UTC+2)
select is(app_private.run_daily_report('2026-03-30 06:00+00') -> 'due', 'false'::jsonb,
  'Monday 08:00 CEST (06:00 UTC): not yet');
select results_eq($$select r ->> 'date', r ->> 'posted' from app_private.run_daily_report('2026-03-30 07:00+00') r$$,
  $$values ('2026-03-29'::text, 'true'::text)$$, 'Monday 09:00 CEST (07:00 UTC): Sunday''s report is posted');
select results_eq($$select r ->> 'posted', r ->> 'reason' from app_private.run_daily_report('2026-03-30 08:00+00') r$$,
  $$values ('false'::text, 'already posted'::text)$$, 'Monday 10:00 CEST: not again');
select is(app_private.post_daily_report('2026-03-29') -> 'posted', 'false'::jsonb, 'nor when posted by hand');

-- TEST: what was posted
select results_eq(
  $$select total_tickets, time_zone, reported_at from public.analytics_daily where date = '2026-03-29'$$,
  $$values (2, 'Europe/Berlin'::text, '2026-03-30 07:00+00'::timestamptz)$$,
  'Sunday had 23 hours: the tickets of 00:00 CET and 23:59:59 CEST, not those a second before or after'
);
select results_eq(
  $$select n.kind::text, n.channel::text, n.target, n.ticket_id, (n.payload -> 'report' ->> 'date')
    from public.notifications n join public.analytics_daily d on d.report_notification_id = n.id
    where d.date = '2026-03-29'$$,
  $$values ('daily_report'::text, 'slack'::text, 'CREPORTS'::text, null::uuid, '2026-03-29'::text)$$,
  'one ticket-less daily_report message to the report channel'
);
select is((select count(*) from public.notifications where kind = 'daily_report' and payload -> 'report' ->> 'date' = '2026-03-29'),
  1::bigint, 'exactly one message for the date');
select isnt_empty($$select 1 from app_private.jobs where stage = 'notify' and ticket_id is null and status = 'queued'$$,
  'a ticket-less notify job delivers it');

select * from finish();
rollback;
