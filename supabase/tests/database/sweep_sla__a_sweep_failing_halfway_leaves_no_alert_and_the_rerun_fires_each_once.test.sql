-- A sweep is one transaction: when it fails after recording its alerts (here: writing a
-- notification fails), nothing of it stays, and the next sweep fires each alert exactly once.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: two urgent tickets, one at 50 %, one at 80 % of the first-response time
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => :'team_id',
  created_at => '2026-01-05 09:00+00') as half \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => :'team_id',
  created_at => '2026-01-05 08:40+00') as most \gset
insert into public.sla_tracking (ticket_id, priority) values (:'half', 'urgent'), (:'most', 'urgent');
create function pg_temp.fail_sla_warning() returns trigger language plpgsql as $$
begin
  raise exception 'Slack outbox unavailable';
end;
$$;
create trigger pgtap_fail_sla_warning before insert on public.notifications
  for each row when (new.kind = 'sla_warning') execute function pg_temp.fail_sla_warning();

-- TEST
select throws_ok($$select app_private.sweep_sla('2026-01-05 09:30+00')$$, 'P0001', 'Slack outbox unavailable',
  'the sweep fails while writing the warning');
select is((select count(*) from public.sla_alerts where ticket_id in (:'half', :'most')), 0::bigint,
  'no alert is recorded, the info that was written before the failure included');
select is((select count(*) from public.notifications where ticket_id in (:'half', :'most')), 0::bigint,
  'and no message');
drop trigger pgtap_fail_sla_warning on public.notifications;
select is(app_private.sweep_sla('2026-01-05 09:30+00'), '{"info": 1, "warning": 1, "breach": 0}'::jsonb,
  'the next sweep fires both');
select is(app_private.sweep_sla('2026-01-05 09:31+00'), '{"info": 0, "warning": 0, "breach": 0}'::jsonb,
  'and the one after fires nothing again');

select * from finish();
rollback;
