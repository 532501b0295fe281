-- Routing starts the SLA timer from the ticket's arrival (created_at): first response and
-- resolution deadlines of urgent 1 h / 4 h, high 4 h / 8 h, medium 8 h / 24 h and
-- low 24 h / 72 h; tickets.sla_deadline is the resolution deadline.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP (no agents: every ticket is queued, which starts the same timer)
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_analyzed_ticket(tests.create_customer(), priority => 'urgent',
  created_at => '2026-01-05 09:00:00+00') as urgent_ticket \gset
select tests.create_analyzed_ticket(tests.create_customer(), priority => 'high',
  created_at => '2026-01-05 09:00:00+00') as high_ticket \gset
select tests.create_analyzed_ticket(tests.create_customer(), priority => 'medium',
  created_at => '2026-01-05 09:00:00+00') as medium_ticket \gset
select tests.create_analyzed_ticket(tests.create_customer(), priority => 'low',
  created_at => '2026-01-05 09:00:00+00') as low_ticket \gset
select tests.authenticate_as_service_role();
select app_private.route_ticket(id) from public.tickets
where id in (:'urgent_ticket', :'high_ticket', :'medium_ticket', :'low_ticket');

-- TEST: deadlines per priority
select results_eq(
  format('select priority::text, first_response_deadline, resolution_deadline from public.sla_tracking where ticket_id = %L',
         :'urgent_ticket'),
  $$values ('urgent'::text, '2026-01-05 10:00:00+00'::timestamptz, '2026-01-05 13:00:00+00'::timestamptz)$$,
  'urgent: first response in 1 h, resolution in 4 h'
);
select results_eq(
  format('select priority::text, first_response_deadline, resolution_deadline from public.sla_tracking where ticket_id = %L',
         :'high_ticket'),
  $$values ('high'::text, '2026-01-05 13:00:00+00'::timestamptz, '2026-01-05 17:00:00+00'::timestamptz)$$,
  'high: first response in 4 h, resolution in 8 h'
);
select results_eq(
  format('select priority::text, first_response_deadline, resolution_deadline from public.sla_tracking where ticket_id = %L',
         :'medium_ticket'),
  $$values ('medium'::text, '2026-01-05 17:00:00+00'::timestamptz, '2026-01-06 09:00:00+00'::timestamptz)$$,
  'medium: first response in 8 h, resolution in 24 h'
);
select results_eq(
  format('select priority::text, first_response_deadline, resolution_deadline from public.sla_tracking where ticket_id = %L',
         :'low_ticket'),
  $$values ('low'::text, '2026-01-06 09:00:00+00'::timestamptz, '2026-01-08 09:00:00+00'::timestamptz)$$,
  'low: first response in 24 h, resolution in 72 h'
);

-- TEST: tickets.sla_deadline is the resolution deadline
select is_empty(
  format($$select t.id from public.tickets t left join public.sla_tracking s on s.ticket_id = t.id
           where t.id in (%L, %L, %L, %L) and t.sla_deadline is distinct from s.resolution_deadline$$,
         :'urgent_ticket', :'high_ticket', :'medium_ticket', :'low_ticket'),
  'every ticket''s sla_deadline equals its resolution deadline'
);

select * from finish();
rollback;
