-- A pause moves the deadlines by the time the clock stood still; the alerts that fired before
-- it are not sent again for the moved deadline, and the ones ahead fire at their new instants.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: an urgent ticket (1 h first response, 24/7) from 09:00, at 50 % by 09:30
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'urgent');
select is(app_private.sweep_sla('2026-01-05 09:30+00'), '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  '09:30: the first-response info');

-- TEST: waiting on the customer 09:35-09:45 moves the first response from 10:00 to 10:10
select tests.freeze_time('2026-01-05 09:35+00');
update public.tickets set status = 'waiting_on_customer' where id = :'ticket_id';
select tests.freeze_time('2026-01-05 09:45+00');
update public.tickets set status = 'in_progress' where id = :'ticket_id';
select is((select first_response_deadline from public.sla_tracking where ticket_id = :'ticket_id'),
  '2026-01-05 10:10+00'::timestamptz, 'the deadline moves by the 10 minutes paused');
select is(app_private.sweep_sla('2026-01-05 09:57:59+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'the info is not sent again for the moved deadline');
select is(app_private.sweep_sla('2026-01-05 09:58+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb,
  '09:58 (48 minutes used): the warning');
select is((select count(*) from public.notifications where ticket_id = :'ticket_id' and kind = 'sla_info'), 1::bigint,
  'one info message in all');

select * from finish();
rollback;
