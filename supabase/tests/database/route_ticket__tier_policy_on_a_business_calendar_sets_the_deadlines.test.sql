-- Routing takes the most specific SLA policy: a VIP policy on a Berlin business calendar
-- (Mon-Fri 09:00-17:00) counts working time across the weekend and the DST change; a standard
-- customer of the same priority keeps the seeded 24/7 policy (4 h / 8 h).
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
insert into public.business_calendars (name, time_zone) values ('pgTAP Berlin office', 'Europe/Berlin')
returning id as calendar_id \gset
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select :'calendar_id', d, '09:00', '17:00' from generate_series(1, 5) d;
insert into public.sla_policies (priority, customer_tier, first_response_minutes, resolution_minutes, calendar_id)
values ('high', 'vip', 60, 480, :'calendar_id');
-- Friday 27 March 2026, 16:00 in Berlin (CET); summer time starts on Sunday.
select tests.create_analyzed_ticket(tests.create_customer(tier => 'vip'), priority => 'high',
  created_at => '2026-03-27 15:00:00+00') as vip_ticket \gset
select tests.create_analyzed_ticket(tests.create_customer(), priority => 'high',
  created_at => '2026-03-27 15:00:00+00') as standard_ticket \gset
select tests.authenticate_as_service_role();
select app_private.route_ticket(:'vip_ticket');
select app_private.route_ticket(:'standard_ticket');

-- TEST
select results_eq(
  format('select first_response_deadline, resolution_deadline, calendar_id from public.sla_tracking where ticket_id = %L', :'vip_ticket'),
  format($$values ('2026-03-27 16:00+00'::timestamptz, '2026-03-30 14:00+00'::timestamptz, %L::uuid)$$, :'calendar_id'),
  'VIP: first response Friday 17:00 CET, resolution Monday 16:00 CEST (1 + 7 working hours)'
);
select results_eq(
  format('select first_response_deadline, resolution_deadline, calendar_id from public.sla_tracking where ticket_id = %L', :'standard_ticket'),
  $$values ('2026-03-27 19:00+00'::timestamptz, '2026-03-27 23:00+00'::timestamptz, null::uuid)$$,
  'standard: the seeded 24/7 policy, 4 h and 8 h'
);
select is((select sla_deadline from public.tickets where id = :'vip_ticket'), '2026-03-30 14:00+00'::timestamptz,
  'tickets.sla_deadline is the resolution deadline');
select is((select (event_data ->> 'first_response_deadline')::timestamptz from public.ticket_events
           where ticket_id = :'vip_ticket' and event_type = 'routed'),
  '2026-03-27 16:00+00'::timestamptz, 'the routed event names the deadline of the calendar');
select throws_ok(
  $$insert into public.sla_policies (priority, customer_tier, first_response_minutes, resolution_minutes)
    values ('high', null, 30, 60)$$,
  '23505', null, 'one policy per priority and tier (the any-tier one included)'
);

select * from finish();
rollback;
