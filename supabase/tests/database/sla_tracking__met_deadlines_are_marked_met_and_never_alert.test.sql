-- First response and resolution are settled separately: an answer before its deadline marks
-- the first response met, resolving in time marks the resolution met (and the row met); a late
-- answer marks the first response breached. Settled deadlines never alert.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: two high tickets (4 h / 8 h) from Monday 09:00
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'high', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as on_time \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'high', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as late \gset
insert into public.sla_tracking (ticket_id, priority) values (:'on_time', 'high'), (:'late', 'high');

-- TEST: answered at 12:00, resolved at 15:00
select tests.freeze_time('2026-01-05 12:00+00');
update public.tickets set first_response_at = '2026-01-05 12:00+00', status = 'in_progress' where id = :'on_time';
select results_eq(format('select first_response_status::text, resolution_status::text, status::text from public.sla_tracking where ticket_id = %L', :'on_time'),
  $$values ('met'::text, 'active'::text, 'active'::text)$$, 'an answer within 4 h: first response met, resolution still running');
select tests.freeze_time('2026-01-05 15:00+00');
update public.tickets set status = 'resolved', resolved_at = '2026-01-05 15:00+00' where id = :'on_time';
select results_eq(format('select first_response_status::text, resolution_status::text, status::text from public.sla_tracking where ticket_id = %L', :'on_time'),
  $$values ('met'::text, 'met'::text, 'met'::text)$$, 'resolved within 8 h: resolution met, the row met');

-- TEST: the other is answered at 13:30, half an hour late
update public.tickets set first_response_at = '2026-01-05 13:30+00' where id = :'late';
select results_eq(format('select first_response_status::text, status::text from public.sla_tracking where ticket_id = %L', :'late'),
  $$values ('breached'::text, 'breached'::text)$$, 'a late answer marks the first response breached');

-- TEST: sweeping long after every deadline
select is(app_private.sweep_sla('2026-01-09 00:00+00'), '{"info": 0, "warning": 0, "breach": 1}'::jsonb,
  'only the late ticket''s running resolution alerts (its highest level)');
select is((select count(*) from public.sla_alerts where ticket_id = :'on_time'), 0::bigint,
  'the met ticket gets no alert');

select * from finish();
rollback;
