-- Two sweeps at once (two sessions, through dblink) fire each alert once: the second finds the
-- first one running and skips; sweeping again after it committed adds nothing. The tickets
-- are committed by a third session (the sweeps cannot see this file's transaction) and
-- removed at the end.
begin;
set local search_path = extensions, public;
create extension if not exists dblink with schema extensions;
select plan(5);

-- SETUP: two committed urgent tickets at 80 % (first response) and 20 % (resolution)
select format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('sweep_a', :'conn');
select dblink_connect('sweep_b', :'conn');
select id as team_id from dblink('setup', 'select tests.create_team(''pgTAP concurrent sweeps'')') as r(id uuid) \gset
select array_agg(id) as tickets from dblink('setup', format(
  $$select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => %L,
                               created_at => '2025-06-02 09:00+00') from generate_series(1, 2)$$, :'team_id')) as r(id uuid) \gset
select dblink_exec('setup', format($$insert into public.sla_tracking (ticket_id, priority)
                                     select unnest(%L::uuid[]), 'urgent'$$, :'tickets'));

-- TEST: A sweeps inside an open transaction; B sweeps meanwhile
select dblink_exec('sweep_a', 'begin');
select is((select result from dblink('sweep_a', $$select app_private.sweep_sla('2025-06-02 09:48+00')::text$$) as r(result text))::jsonb
          -> 'warning', '2'::jsonb, 'sweep A fires the two warnings (not committed yet)');
select dblink_send_query('sweep_b', $$select app_private.sweep_sla('2025-06-02 09:48+00')::text$$);
select is((select result from dblink_get_result('sweep_b') as r(result text))::jsonb,
          '{"skipped": "another sweep is running"}'::jsonb, 'sweep B, running at the same time, skips');
select * from dblink_get_result('sweep_b') as r(result text);
select dblink_exec('sweep_a', 'commit');
select is((select result from dblink('sweep_b', $$select app_private.sweep_sla('2025-06-02 09:48+00')::text$$) as r(result text))::jsonb,
          '{"info": 0, "warning": 0, "breach": 0}'::jsonb, 'sweep B again after A committed: nothing left to fire');
select is((select count(*) from public.sla_alerts where ticket_id = any (:'tickets'::uuid[])), 2::bigint,
  'two alerts in all, one per ticket');
select is((select count(*) from public.notifications where ticket_id = any (:'tickets'::uuid[]) and kind = 'sla_warning'),
  2::bigint, 'and one warning message per ticket');

-- Clean up the committed rows. The notify stage may be delivering the warnings right now:
-- take its rows first, in its own order (the notifications it locks, then the job it
-- completes), waiting for it to finish, so the deletes cannot deadlock with it.
select dblink_exec('setup', format($$
  select 1 from public.notifications where ticket_id = any (%1$L::uuid[]) for update;
  select 1 from app_private.jobs where ticket_id = any (%1$L::uuid[]) for update;
  delete from app_private.jobs where ticket_id = any (%1$L::uuid[]);
  delete from public.tickets where id = any (%1$L::uuid[]);
  delete from public.customers c where c.email like 'customer-%%@example.com'
    and not exists (select 1 from public.tickets t where t.customer_id = c.id);
  delete from public.teams where id = %2$L$$, :'tickets', :'team_id'));
select dblink_disconnect('setup');
select dblink_disconnect('sweep_a');
select dblink_disconnect('sweep_b');

select * from finish();
rollback;
