-- Every path that can move an agent's slot waits for the assignment lock before it locks a
-- ticket or agent row, so no session ever holds a row while waiting for the lock (the order
-- that deadlocked against routing): an agent resolving their ticket by a plain UPDATE, an
-- availability change, routing and the Slack console. One session (holder) takes the lock;
-- each other session (through dblink) starts its work and must be found waiting for it with
-- the rows still free. The rows are committed by a setup session and removed at the end.
begin;
set local search_path = extensions, public;
create extension if not exists dblink with schema extensions;
select plan(10);

-- SETUP: a team with one agent holding one ticket, and one analysed ticket to route
select format('dbname=%s user=%s host=%s port=%s', current_database(), current_user,
              split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('holder', :'conn');
select dblink_connect('resolver', :'conn');
select dblink_connect('router', :'conn');
select dblink_connect('probe', :'conn');
select id as team_id from dblink('setup', 'select tests.create_team(''pgTAP lock order'')') as r(id uuid) \gset
select id as agent_id from dblink('setup', format('select tests.create_agent_user(team_id => %L)', :'team_id')) as r(id uuid) \gset
select dblink_exec('setup', format($$update public.agents set slack_user_id = 'UPGTAPLOCK' || substr(%1$L, 1, 8) where id = %1$L$$, :'agent_id'));
select id as customer_id from dblink('setup', 'select tests.create_customer()') as r(id uuid) \gset
select id as held from dblink('setup', format($$select tests.create_ticket(%L, status => 'assigned', team_id => %L, assigned_to => %L)$$,
  :'customer_id', :'team_id', :'agent_id')) as r(id uuid) \gset
select id as held_too from dblink('setup', format($$select tests.create_ticket(%L, status => 'assigned', team_id => %L, assigned_to => %L)$$,
  :'customer_id', :'team_id', :'agent_id')) as r(id uuid) \gset
select id as analysed from dblink('setup', format($$select tests.create_analyzed_ticket(%L)$$, :'customer_id')) as r(id uuid) \gset
select pid as resolver_pid from dblink('resolver', 'select pg_backend_pid()') as r(pid int) \gset
select pid as router_pid from dblink('router', 'select pg_backend_pid()') as r(pid int) \gset

-- Waits (up to 5 s) until a session waits for an advisory lock; returns its wait event.
create function pg_temp.wait_event_of(p_pid int) returns text language plpgsql as $$
declare
  v_event text;
begin
  for i in 1..100 loop
    select a.wait_event into v_event from pg_catalog.pg_stat_activity a where a.pid = p_pid;
    exit when v_event = 'advisory';
    perform pg_catalog.pg_sleep(0.05);
  end loop;
  return v_event;
end;
$$;

-- True when the probe session can lock the row at once (nobody holds it).
create function pg_temp.row_is_free(p_table text, p_id uuid) returns boolean language plpgsql as $$
begin
  perform dblink_exec('probe', 'begin');
  perform * from dblink('probe', format('select 1 from %s where id = %L for update nowait', p_table, p_id)) as r(x int);
  perform dblink_exec('probe', 'rollback');
  return true;
exception when others then
  perform dblink_exec('probe', 'rollback');
  return false;
end;
$$;

-- TEST: an agent's plain UPDATE resolving their ticket (Studio, the API)
select dblink_exec('holder', 'begin');
select * from dblink('holder', 'select app_private.lock_team_assignment(null)::text') as r(x text);
select dblink_send_query('resolver', format($$update public.tickets set status = 'resolved', resolved_at = now() where id = %L$$, :'held'));
select is(pg_temp.wait_event_of(:resolver_pid), 'advisory', 'the resolving UPDATE waits for the assignment lock');
select ok(pg_temp.row_is_free('public.tickets', :'held'), 'meanwhile it holds no lock on the ticket''s row');
select ok(pg_temp.row_is_free('public.agents', :'agent_id'), 'nor on the agent''s row');
select dblink_exec('holder', 'commit');
select count(*) from dblink_get_result('resolver') as r(status text);
select count(*) from dblink_get_result('resolver') as r(status text);

-- TEST: an availability change (Studio, /ticket away)
select dblink_exec('holder', 'begin');
select * from dblink('holder', 'select app_private.lock_team_assignment(null)::text') as r(x text);
select dblink_send_query('resolver', format($$select app_private.set_agent_availability(%L, 'away')$$, :'agent_id'));
select is(pg_temp.wait_event_of(:resolver_pid), 'advisory', 'an availability change waits for the assignment lock');
select ok(pg_temp.row_is_free('public.agents', :'agent_id'), 'meanwhile it holds no lock on the agent''s row');
select dblink_exec('holder', 'commit');
select count(*) from dblink_get_result('resolver') as r(availability text);
select count(*) from dblink_get_result('resolver') as r(availability text);
select * from dblink('setup', format($$select app_private.set_agent_availability(%L, 'available')$$, :'agent_id')) as r(x text);

-- TEST: routing a ticket
select dblink_exec('holder', 'begin');
select * from dblink('holder', 'select app_private.lock_team_assignment(null)::text') as r(x text);
select dblink_send_query('router', format($$select app_private.route_ticket(%L)::text$$, :'analysed'));
select is(pg_temp.wait_event_of(:router_pid), 'advisory', 'routing waits for the assignment lock');
select ok(pg_temp.row_is_free('public.tickets', :'analysed'), 'meanwhile it holds no lock on the ticket''s row');
select dblink_exec('holder', 'commit');
select count(*) from dblink_get_result('router') as r(decision text);
select count(*) from dblink_get_result('router') as r(decision text);

-- TEST: /ticket N resolve from Slack
select dblink_exec('holder', 'begin');
select * from dblink('holder', 'select app_private.lock_team_assignment(null)::text') as r(x text);
select slack_user_id as agent_slack from public.agents where id = :'agent_id' \gset
select dblink_send_query('resolver', format($$select app_private.slack_console(%L, 'resolve', jsonb_build_object('ticket_id', %L::uuid))::text$$,
  :'agent_slack', :'held_too'));
select is(pg_temp.wait_event_of(:resolver_pid), 'advisory', 'a Slack action waits for the assignment lock');
select ok(pg_temp.row_is_free('public.tickets', :'held_too'), 'meanwhile it holds no lock on the ticket''s row');
select dblink_exec('holder', 'commit');
select ok((select (answer::jsonb ->> 'ok')::boolean from dblink_get_result('resolver') as r(answer text)),
  'and then resolves the ticket');
select count(*) from dblink_get_result('resolver') as r(answer text);

-- Clean up the committed rows; the notify stage may be delivering their messages right now:
-- take its rows first (waiting for it to finish), so the deletes cannot deadlock with it.
select dblink_exec('setup', format($$
  select 1 from app_private.jobs where ticket_id in (%1$L, %2$L, %3$L) for update;
  select 1 from public.notifications where ticket_id in (%1$L, %2$L, %3$L) for update;
  delete from app_private.jobs where ticket_id in (%1$L, %2$L, %3$L);
  delete from public.tickets where id in (%1$L, %2$L, %3$L);
  delete from public.customers where id = %4$L;
  delete from public.agents where id = %5$L;
  delete from public.teams where id = %6$L$$, :'held', :'held_too', :'analysed', :'customer_id', :'agent_id', :'team_id'));
select dblink_disconnect('setup');
select dblink_disconnect('holder');
select dblink_disconnect('resolver');
select dblink_disconnect('router');
select dblink_disconnect('probe');

select * from finish();
rollback;
