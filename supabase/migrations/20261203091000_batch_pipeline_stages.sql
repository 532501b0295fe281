-- Throughput: stage functions hand a whole claimed batch to one SQL call, each job in its
-- own subtransaction, and the derived (re-runnable) stage work commits asynchronously.
-- Intake keeps synchronous commit: an accepted message is never lost.

-- Lets the rest of the transaction commit without waiting for the WAL flush. Only for
-- work that a crash may safely redo: the job's claim and its result commit together.
create function app_private.use_async_commit()
returns void
language sql
set search_path = ''
as $$
  select set_config('synchronous_commit', 'off', true);
  select null::void
$$;

-- Claims up to p_limit due jobs of a stage for p_lock_seconds (visibility timeout).
create or replace function app_private.claim_jobs(p_stage text, p_limit integer, p_lock_seconds integer default 60)
returns table (job_id bigint, ticket_id uuid, payload jsonb, attempt integer)
language plpgsql
set search_path = ''
as $$
begin
  perform app_private.use_async_commit();
  return query
  with due as (
    select j.id from app_private.jobs j
    where j.stage = p_stage and j.status = 'queued' and j.run_after <= now()
    order by j.run_after, j.id
    limit p_limit
    for update skip locked
  )
  update app_private.jobs j
  set status = 'running', attempts = j.attempts + 1,
      locked_until = now() + make_interval(secs => p_lock_seconds), updated_at = now()
  from due
  where j.id = due.id
  returning j.id, j.ticket_id, j.payload, j.attempts;
end;
$$;

-- Runs one stage step per job, each in a subtransaction: a job that fails is recorded with
-- fail_job (retry or dead letter) without undoing the others; a stale claim is skipped.
-- p_jobs: [{job_id, attempt, ticket_id, result?}]. Returns [{job_id, outcome, detail}].
create function app_private.run_stage_batch(p_stage text, p_jobs jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_job jsonb;
  v_out jsonb := '[]'::jsonb;
  v_detail jsonb;
  v_status text;
begin
  perform app_private.use_async_commit();
  for v_job in select * from jsonb_array_elements(p_jobs)
  loop
    begin
      if p_stage = 'triage' then
        if v_job ? 'error' then
          raise exception '%', v_job ->> 'error';
        end if;
        v_detail := to_jsonb(app_private.record_triage((v_job ->> 'job_id')::bigint,
          (v_job ->> 'attempt')::integer, (v_job ->> 'ticket_id')::uuid, v_job -> 'result'));
      elsif p_stage = 'route' then
        -- Taken once, before any ticket row is locked, so batches queue up instead of deadlocking.
        perform app_private.lock_team_assignment(null);
        v_detail := app_private.run_route_job((v_job ->> 'job_id')::bigint,
          (v_job ->> 'attempt')::integer, (v_job ->> 'ticket_id')::uuid);
      else
        raise exception 'stage % has no batch step', p_stage;
      end if;
      v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', 'done', 'detail', v_detail);
    exception when others then
      if sqlerrm like '%is no longer claimed%' then
        v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', 'stale');
      else
        v_status := app_private.fail_job((v_job ->> 'job_id')::bigint, (v_job ->> 'attempt')::integer, sqlerrm);
        v_out := v_out || jsonb_build_object('job_id', v_job -> 'job_id', 'outcome', v_status,
                                             'detail', to_jsonb(sqlerrm));
      end if;
    end;
  end loop;
  return v_out;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;

-- Ring coalescing: while a stage function is draining its queue, new jobs need no webhook,
-- since the running drain claims them. A drain marks its stage active; inserting a job takes
-- a shared lock on the stage and rings only when no drain is active. A drain that runs dry
-- clears the mark under the exclusive lock, which waits until every transaction that saw
-- the mark has committed, then claims once more: so no job is ever left without a ring.
create table app_private.stage_drains (
  stage text primary key check (stage in ('triage', 'route', 'notify')),
  active_until timestamptz
);
comment on table app_private.stage_drains is 'Stages with a drain in progress (until active_until); see jobs_ring_after_insert().';
alter table app_private.stage_drains enable row level security;
grant all on app_private.stage_drains to service_role;
insert into app_private.stage_drains (stage) values ('triage'), ('route'), ('notify');

-- The advisory lock key of a stage's drain mark.
create function app_private.stage_drain_key(p_stage text)
returns bigint
language sql
immutable
set search_path = ''
as $$
  select hashtextextended('ists-drain:' || p_stage, 0)
$$;

-- Rings each stage that received due jobs in the inserting statement, unless it is draining.
create or replace function app_private.jobs_ring_after_insert()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_stage text;
begin
  for v_stage in
    select distinct n.stage from new_jobs n where n.status = 'queued' and n.run_after <= now()
  loop
    perform pg_advisory_xact_lock_shared(app_private.stage_drain_key(v_stage));
    if not exists (select 1 from app_private.stage_drains d
                   where d.stage = v_stage and d.active_until > now()) then
      perform app_private.ring_stage(v_stage);
    end if;
  end loop;
  return null;
end;
$$;

-- Marks a stage as draining for the next 30 s (refreshed by the drain while it works).
create function app_private.mark_drain_active(p_stage text)
returns void
language sql
set search_path = ''
as $$
  update app_private.stage_drains
  set active_until = now() + interval '30 seconds'
  where stage = p_stage and (active_until is null or active_until < now() + interval '20 seconds')
$$;

-- Clears a stage's drain mark once every transaction that saw it has committed.
create function app_private.finish_drain(p_stage text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform set_config('lock_timeout', '5s', true);
  perform pg_advisory_xact_lock(app_private.stage_drain_key(p_stage));
  update app_private.stage_drains set active_until = null where stage = p_stage;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
