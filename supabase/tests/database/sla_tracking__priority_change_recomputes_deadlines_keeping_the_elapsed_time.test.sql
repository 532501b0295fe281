-- A priority change takes the new policy's targets but keeps the working time already used:
-- new deadline = now + (new target - elapsed), with paused time not counted as elapsed.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: a low ticket (24 h / 72 h) from Monday 09:00, waiting on the customer 10:00-12:00
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'low', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'low');
select tests.freeze_time('2026-01-05 10:00+00');
update public.tickets set status = 'waiting_on_customer' where id = :'ticket_id';
select tests.freeze_time('2026-01-05 12:00+00');
update public.tickets set status = 'in_progress' where id = :'ticket_id';

-- TEST: at 13:00 (4 h since arrival, 2 h of them paused: 2 h used) the ticket becomes urgent (1 h / 4 h)
select tests.freeze_time('2026-01-05 13:00+00');
update public.tickets set priority = 'urgent' where id = :'ticket_id';
select results_eq(
  format('select priority::text, first_response_minutes, resolution_minutes, resolution_deadline from public.sla_tracking where ticket_id = %L', :'ticket_id'),
  $$values ('urgent'::text, 60, 240, '2026-01-05 15:00+00'::timestamptz)$$,
  'resolution: 2 h used of the new 4 h, due at 15:00'
);
select ok((select first_response_deadline < '2026-01-05 13:00+00' from public.sla_tracking where ticket_id = :'ticket_id'),
  'first response: 2 h used is more than the new 1 h, the deadline has passed');
select is((select sla_deadline from public.tickets where id = :'ticket_id'), '2026-01-05 15:00+00'::timestamptz,
  'tickets.sla_deadline follows');
select is(app_private.sweep_sla('2026-01-05 13:00+00'), '{"info": 1, "warning": 0, "breach": 1}'::jsonb,
  'the next sweep finds the first response overdue and half the resolution time used');

select * from finish();
rollback;
