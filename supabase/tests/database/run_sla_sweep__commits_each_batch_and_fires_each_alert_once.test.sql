-- The sweep pg_cron runs works in batches, committing each: with batches of two, five due
-- tickets take three transactions, most overdue first, and each alert fires once; the next
-- sweep finds nothing; while another sweep holds the sweep lock it skips. The procedure runs
-- in a second session (it commits, which this file's transaction cannot); the tickets are
-- committed by a third, dated in 2100 (beyond pg_cron's own sweep), and removed at the end.
begin;
set local search_path = extensions, public;
create extension if not exists dblink with schema extensions;
select plan(7);

-- SETUP: five committed urgent tickets (1 h first response) from 09:00, 09:05 … 09:20
select format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('sweep', :'conn');
select dblink_connect('other', :'conn');
select id as team_id from dblink('setup', 'select tests.create_team(''pgTAP batched sweep'')') as r(id uuid) \gset
select array_agg(id order by n) as tickets from dblink('setup', format(
  $$select n, tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => %L,
                                  created_at => '2100-06-07 09:00+00'::timestamptz + make_interval(mins => 5 * n))
    from generate_series(0, 4) n$$, :'team_id')) as r(n integer, id uuid) \gset
select dblink_exec('setup', format($$insert into public.sla_tracking (ticket_id, priority)
                                     select unnest(%L::uuid[]), 'urgent'$$, :'tickets'));

-- TEST: at 10:17 the first four are past their first response and the fifth (09:20) is at 95 %
select is((select r from dblink('sweep', $$call app_private.run_sla_sweep('2100-06-07 10:17+00', 2)$$) as x(r jsonb))
            - 'longest_batch_ms',
          '{"info": 0, "warning": 1, "breach": 4, "tickets": 5, "deferred": 0, "batches": 3}'::jsonb,
          'five tickets in three batches of at most two');
select results_eq(
  format($$select ticket_id, level::text from public.sla_alerts where ticket_id = any (%L::uuid[]) order by xmin::text::bigint, deadline$$, :'tickets'),
  format($$values (%L::uuid, 'breach'::text), (%L, 'breach'), (%L, 'breach'), (%L, 'breach'), (%L, 'warning')$$,
         (:'tickets'::uuid[])[1], (:'tickets'::uuid[])[2], (:'tickets'::uuid[])[3], (:'tickets'::uuid[])[4], (:'tickets'::uuid[])[5]),
  'one alert per ticket, most overdue first'
);
select is((select count(distinct xmin::text) from public.sla_alerts where ticket_id = any (:'tickets'::uuid[])), 3::bigint,
  'written by three transactions');
select is((select count(*) from public.ticket_events where ticket_id = any (:'tickets'::uuid[]) and event_type = 'escalated'),
  4::bigint, 'each breached ticket escalated once');
select is((select r from dblink('sweep', $$call app_private.run_sla_sweep('2100-06-07 10:17+00', 2)$$) as x(r jsonb))
            - 'longest_batch_ms',
          '{"info": 0, "warning": 0, "breach": 0, "tickets": 0, "deferred": 0, "batches": 0}'::jsonb,
          'the next sweep at the same time finds nothing');

-- TEST: another session is sweeping (its transaction open) when the procedure starts
select dblink_exec('other', 'begin');
select * from dblink('other', $$select tests.sweep_sla_when_free('2100-06-07 10:18+00')::text$$) as r(result text);
select is((select r from dblink('sweep', $$call app_private.run_sla_sweep('2100-06-07 10:18+00', 2)$$) as x(r jsonb)),
          '{"skipped": "another sweep is running"}'::jsonb, 'a sweep that finds the lock taken skips');
select dblink_exec('other', 'rollback');
select is((select count(*) from public.notifications where ticket_id = any (:'tickets'::uuid[]) and kind in ('sla_warning', 'ticket_escalated')),
  5::bigint, 'one message per alert in all');

-- Clean up the committed rows (waiting for the notify stage, retrying a lock conflict).
select done from dblink('setup', format('select tests.delete_committed_tickets(%L, %L)::text', :'tickets', :'team_id')) as r(done text);
select dblink_disconnect('setup');
select dblink_disconnect('sweep');
select dblink_disconnect('other');

select * from finish();
rollback;
