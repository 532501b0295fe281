-- The clock stands still while the ticket waits on the customer: no alert fires meanwhile,
-- and the customer's reply resumes it with the deadlines pushed by the time it stood still.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP: a medium ticket (8 h / 24 h, 24/7) from Monday 09:00, answered at 10:00
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', priority => 'medium', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'medium');

-- TEST: the agent asks the customer at 10:00
select tests.freeze_time('2026-01-05 10:00+00');
update public.tickets set first_response_at = '2026-01-05 10:00+00', status = 'waiting_on_customer' where id = :'ticket_id';
select is((select paused_at from public.sla_tracking where ticket_id = :'ticket_id'), '2026-01-05 10:00+00'::timestamptz,
  'waiting on the customer stops the clock');
select is(app_private.sweep_sla('2026-01-06 12:00+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'a sweep after the original deadline fires nothing while the clock stands still');

-- TEST: the customer replies on Tuesday 14:00 (28 h later); intake moves the ticket back to in_progress
select tests.freeze_time('2026-01-06 14:00+00');
update public.tickets set status = 'in_progress' where id = :'ticket_id';
select results_eq(
  format('select paused_at, paused_minutes, resolution_deadline from public.sla_tracking where ticket_id = %L', :'ticket_id'),
  $$values (null::timestamptz, 1680::numeric, '2026-01-07 13:00+00'::timestamptz)$$,
  'the reply resumes the clock: 28 h paused, the resolution deadline moves from Tuesday 09:00 to Wednesday 13:00'
);
select is((select sla_deadline from public.tickets where id = :'ticket_id'), '2026-01-07 13:00+00'::timestamptz,
  'tickets.sla_deadline moves with it');
select is(app_private.sweep_sla('2026-01-07 00:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'Wednesday 00:59: 1 h before the pause and 10 h 59 after it are used, under 50 % of 24 h');
select is(app_private.sweep_sla('2026-01-07 01:00+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  'Wednesday 01:00: 12 h used, the 50 % info alert fires');
select is((select first_response_status from public.sla_tracking where ticket_id = :'ticket_id'), 'met',
  'the first response at 10:00 met its deadline');

select * from finish();
rollback;
