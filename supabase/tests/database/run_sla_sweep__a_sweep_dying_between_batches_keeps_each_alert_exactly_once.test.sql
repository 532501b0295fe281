-- A sweep that dies in its second batch keeps its first batch (committed: alerts, messages,
-- escalation) and leaves nothing of the second; the next sweep fires what is left, each alert
-- and message exactly once. Here the sweeping session is made to wait inside its second batch
-- (another session holds that ticket's clock) and is terminated there. The procedure runs in
-- a second session; the tickets are committed by a third, dated in 2100 (beyond pg_cron's own
-- sweep), and removed at the end.
begin;
set local search_path = extensions, public;
create extension if not exists dblink with schema extensions;
select plan(7);

-- SETUP: three committed urgent tickets (1 h first response) from 09:00, 09:10 and 09:20
select format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('sweep', :'conn');
select dblink_connect('holder', :'conn');
select id as team_id from dblink('setup', 'select tests.create_team(''pgTAP dying sweep'')') as r(id uuid) \gset
select dblink_exec('setup', format($$update public.teams set lead_slack_channel_id = 'CLEAD' where id = %L$$, :'team_id'));
select array_agg(id order by n) as tickets from dblink('setup', format(
  $$select n, tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => %L,
                                  created_at => '2100-06-07 09:00+00'::timestamptz + make_interval(mins => 10 * n))
    from generate_series(0, 2) n$$, :'team_id')) as r(n integer, id uuid) \gset
select (:'tickets'::uuid[])[1] as first_ticket, (:'tickets'::uuid[])[2] as second_ticket,
       (:'tickets'::uuid[])[3] as third_ticket \gset
select dblink_exec('setup', format($$insert into public.sla_tracking (ticket_id, priority)
                                     select unnest(%L::uuid[]), 'urgent'$$, :'tickets'));

-- TEST: at 10:30 all three first responses are breached; batches of one, most overdue first.
-- The holder keeps the second ticket's clock row, so the second batch waits there; it is killed.
select dblink_exec('holder', 'begin');
select * from dblink('holder', format($$select ticket_id::text from public.sla_tracking where ticket_id = %L for update$$,
                                      :'second_ticket')) as r(ticket_id text);
select pid as sweep_pid from dblink('sweep', 'select pg_backend_pid()') as r(pid integer) \gset
select set_config('pgtap.sweep_pid', :'sweep_pid', true);
select dblink_send_query('sweep', $$call app_private.run_sla_sweep('2100-06-07 10:30+00', 1)$$);
do $$
begin
  for i in 1..600 loop
    perform pg_stat_clear_snapshot();
    exit when exists (select 1 from pg_catalog.pg_stat_activity a
                      where a.pid = current_setting('pgtap.sweep_pid')::integer and a.wait_event_type = 'Lock');
    perform pg_sleep(0.05);
  end loop;
end $$;
select ok(pg_terminate_backend(:sweep_pid), 'the sweep, waiting in its second batch, is terminated');
do $$
begin
  for i in 1..600 loop
    perform pg_stat_clear_snapshot();
    exit when not exists (select 1 from pg_catalog.pg_stat_activity a
                          where a.pid = current_setting('pgtap.sweep_pid')::integer);
    perform pg_sleep(0.05);
  end loop;
end $$;
select dblink_disconnect('sweep');
select dblink_exec('holder', 'rollback');

select results_eq(
  format($$select ticket_id, level::text from public.sla_alerts where ticket_id = any (%L::uuid[])$$, :'tickets'),
  format($$values (%L::uuid, 'breach'::text)$$, :'first_ticket'),
  'the first batch stayed: the most overdue ticket''s breach'
);
select results_eq(
  format($$select ticket_id, count(*) from public.ticket_events where ticket_id = any (%L::uuid[])
           and event_type in ('sla_breached', 'escalated') group by ticket_id$$, :'tickets'),
  format($$values (%L::uuid, 2::bigint)$$, :'first_ticket'),
  'with its breach and escalation events; nothing of the second batch'
);
select is((select is_escalated from public.tickets where id = :'second_ticket'), false,
  'the second ticket is not escalated');

-- TEST: the next sweep
select dblink_connect('sweep', :'conn');
select is((select r from dblink('sweep', $$call app_private.run_sla_sweep('2100-06-07 10:31+00', 1)$$) as x(r jsonb))
            - 'longest_batch_ms',
          '{"info": 0, "warning": 0, "breach": 2, "tickets": 2, "deferred": 0, "batches": 2}'::jsonb,
          'the next sweep fires the two breaches left');
select results_eq(
  format($$select ticket_id, count(*) from public.sla_alerts where ticket_id = any (%L::uuid[]) group by ticket_id order by ticket_id$$, :'tickets'),
  format($$select t::uuid, 1::bigint from unnest(%L::uuid[]) t order by t::uuid$$, :'tickets'),
  'each ticket has its breach once'
);
select results_eq(
  format($$select ticket_id, count(*) from public.notifications where ticket_id = any (%L::uuid[]) and kind = 'ticket_escalated'
           group by ticket_id order by ticket_id$$, :'tickets'),
  format($$select t::uuid, 1::bigint from unnest(%L::uuid[]) t order by t::uuid$$, :'tickets'),
  'and the lead was told once per ticket'
);

-- Clean up the committed rows (waiting for the notify stage, retrying a lock conflict).
select done from dblink('setup', format('select tests.delete_committed_tickets(%L, %L)::text', :'tickets', :'team_id')) as r(done text);
select dblink_disconnect('setup');
select dblink_disconnect('sweep');
select dblink_disconnect('holder');

select * from finish();
rollback;
