-- A deadline that moves while a sweep runs still gets each alert once. The sweep holds the
-- tickets it alerts: a pause and resume that comes during the sweep waits for it and then
-- carries its info over to the moved deadline; a ticket whose deadline another transaction is
-- moving right now is left to the next sweep, which alerts the deadline as it is then. Rows
-- are committed by a third session, dated in 2100 (beyond pg_cron's own sweep), and removed.
begin;
set local search_path = extensions, public;
create extension if not exists dblink with schema extensions;
select plan(7);

-- SETUP: two committed urgent tickets (1 h first response) from 09:00
select format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('sweep', :'conn');
select dblink_connect('agent', :'conn');
select id as team_id from dblink('setup', 'select tests.create_team(''pgTAP moved deadlines'')') as r(id uuid) \gset
select array_agg(id) as tickets from dblink('setup', format(
  $$select tests.create_ticket(tests.create_customer(), status => 'queued', priority => 'urgent', team_id => %L,
                               created_at => '2100-06-07 09:00+00') from generate_series(1, 2)$$, :'team_id')) as r(id uuid) \gset
select (:'tickets'::uuid[])[1] as first_ticket, (:'tickets'::uuid[])[2] as second_ticket \gset
select dblink_exec('setup', format($$insert into public.sla_tracking (ticket_id, priority)
                                     select unnest(%L::uuid[]), 'urgent'$$, :'tickets'));
select dblink_exec('setup', format($$update public.tickets set status = 'in_progress' where id = %L$$, :'second_ticket'));

-- TEST: the sweep at 09:30 fires the first ticket's info and stays open; a pause and resume of that ticket comes meanwhile
select dblink_exec('sweep', 'begin');
select is((select r from dblink('sweep', format($$select (tests.sweep_sla_when_free('2100-06-07 09:30+00') -> 'info')::text$$)) as x(r text)),
  '2', 'the open sweep fires both infos (50 % at 09:30)');
select dblink_send_query('agent', format($q$do $$ begin
  perform tests.freeze_time('2100-06-07 09:35+00');
  update public.tickets set status = 'waiting_on_customer' where id = %1$L;
  perform tests.freeze_time('2100-06-07 09:45+00');
  update public.tickets set status = 'in_progress' where id = %1$L;
end $$$q$, :'first_ticket'));
select is(dblink_is_busy('agent'), 1, 'the pause waits for the sweep holding the ticket');
select dblink_exec('sweep', 'commit');
select * from dblink_get_result('agent') as r(status text);
select * from dblink_get_result('agent') as r(status text);
select results_eq(
  format($$select deadline, carried_from from public.sla_alerts where ticket_id = %L and level = 'info' order by fired_at, carried_from nulls first$$, :'first_ticket'),
  $$values ('2100-06-07 10:00+00'::timestamptz, null::timestamptz), ('2100-06-07 10:10+00', '2100-06-07 10:00+00')$$,
  'after the sweep committed, the resume carried its info over to the moved deadline (10:10)'
);

-- TEST: another transaction moves the second ticket's deadline (priority high: 4 h) and has not committed when the sweep runs
select dblink_exec('agent', 'begin');
select * from dblink('agent', $$select tests.freeze_time('2100-06-07 09:40+00')::text$$) as r(frozen text);
select dblink_exec('agent', format($$update public.tickets set priority = 'high' where id = %L$$, :'second_ticket'));
select is((select r from dblink('sweep', $$select tests.sweep_sla_when_free('2100-06-07 10:30+00')::text$$) as x(r text))::jsonb,
  '{"info": 0, "warning": 0, "breach": 1}'::jsonb,
  '10:30: the first ticket is past its moved deadline; the second, held by the other transaction, is left alone');
select dblink_exec('agent', 'commit');
select is((select r from dblink('sweep', $$select tests.sweep_sla_when_free('2100-06-07 11:00+00')::text$$) as x(r text))::jsonb,
  '{"info": 1, "warning": 0, "breach": 0}'::jsonb,
  '11:00: the second ticket, high since 09:40, is at 2 h of its new 4 h: the info of its new deadline fires');
select results_eq(
  format($$select level::text, deadline from public.sla_alerts where ticket_id = %L order by fired_at$$, :'second_ticket'),
  $$values ('info'::text, '2100-06-07 10:00+00'::timestamptz), ('info', '2100-06-07 13:00+00')$$,
  'the second ticket: one info per deadline, and no breach of the deadline it no longer has'
);
select is((select count(*) from public.notifications where ticket_id = any (:'tickets'::uuid[]) and kind = 'sla_info'),
  3::bigint, 'three info messages in all: one for the first ticket, one per deadline of the second');

-- Clean up the committed rows (waiting for the notify stage, retrying a lock conflict).
select done from dblink('setup', format('select tests.delete_committed_tickets(%L, %L)::text', :'tickets', :'team_id')) as r(done text);
select dblink_disconnect('setup');
select dblink_disconnect('sweep');
select dblink_disconnect('agent');

select * from finish();
rollback;
