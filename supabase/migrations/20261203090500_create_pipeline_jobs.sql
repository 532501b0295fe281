-- The durable pipeline: one job row per stage and ticket, written in the same transaction
-- as the change that caused it, rung to the stage's edge function through pg_net after commit.

insert into app_private.settings (key, value, description) values
  ('alerts_slack_channel_id', '', 'Slack channel for pipeline alerts (dead letters)')
on conflict (key) do nothing;

create table app_private.jobs (
  id bigint generated always as identity primary key,
  stage text not null check (stage in ('triage', 'route', 'notify')),
  ticket_id uuid references public.tickets (id) on delete cascade,
  payload jsonb not null default '{}',
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 3 check (max_attempts > 0),
  run_after timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);
comment on table app_private.jobs is 'Pipeline work items; done and dead rows are kept (archived), never deleted by the pipeline.';
alter table app_private.jobs enable row level security;
grant all on app_private.jobs to service_role;

-- At most one waiting job per stage and ticket: duplicate enqueues are no-ops.
-- nulls not distinct: one queued ticket-less job (pipeline alerts) delivers every pending alert.
create unique index jobs_one_queued_per_stage_ticket on app_private.jobs (stage, ticket_id)
  nulls not distinct where status = 'queued';
create index jobs_due_idx on app_private.jobs (stage, run_after, id) where status = 'queued';
create index jobs_running_idx on app_private.jobs (locked_until) where status = 'running';
create index jobs_ticket_idx on app_private.jobs (ticket_id);

-- Queues a stage for a ticket unless one is already waiting; returns the job id or null.
create function app_private.enqueue_job(
  p_stage text,
  p_ticket_id uuid,
  p_payload jsonb default '{}',
  p_delay interval default interval '0'
)
returns bigint
language sql
set search_path = ''
as $$
  insert into app_private.jobs (stage, ticket_id, payload, run_after, max_attempts)
  values (p_stage, p_ticket_id, coalesce(p_payload, '{}'), now() + p_delay,
          coalesce(nullif(app_private.get_setting('job_max_attempts'), '')::integer, 3))
  on conflict (stage, ticket_id) where status = 'queued' do nothing
  returning id
$$;

-- Sends one webhook to a stage's edge function (delivered by pg_net after commit).
-- Returns the pg_net request id, or null when no functions URL is configured.
create function app_private.ring_stage(p_stage text)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_base text := rtrim(coalesce(app_private.get_setting('functions_base_url'), ''), '/');
  v_key text := coalesce(app_private.get_setting('service_role_key'), '');
begin
  if v_base = '' then
    return null;
  end if;
  return net.http_post(
    url := v_base || '/functions/v1/' || p_stage,
    body := jsonb_build_object('stage', p_stage),
    params := '{}'::jsonb,
    headers := jsonb_build_object('Content-Type', 'application/json', 'Authorization', 'Bearer ' || v_key),
    timeout_milliseconds := 60000
  );
end;
$$;

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
create function app_private.jobs_ring_after_insert()
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

-- Marks a stage as draining for the next 5 s, refreshed before every claim. A drain stuck on
-- a slow batch (a hanging AI call) lets the mark lapse, so new jobs ring another drain.
create function app_private.mark_drain_active(p_stage text)
returns void
language sql
set search_path = ''
as $$
  update app_private.stage_drains
  set active_until = now() + interval '5 seconds'
  where stage = p_stage and (active_until is null or active_until < now() + interval '4 seconds')
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

create trigger jobs_ring after insert on app_private.jobs
  referencing new table as new_jobs
  for each statement execute function app_private.jobs_ring_after_insert();

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
create function app_private.claim_jobs(p_stage text, p_limit integer, p_lock_seconds integer default 60)
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

-- Marks a claimed job done. False when the claim is stale (expired and re-claimed, or
-- already finished): the caller must then roll back its work, so late deliveries are no-ops.
create function app_private.complete_job(p_job_id bigint, p_attempt integer)
returns boolean
language sql
set search_path = ''
as $$
  with done as (
    update app_private.jobs
    set status = 'done', finished_at = now(), locked_until = null, updated_at = now()
    where id = p_job_id and status = 'running' and attempts = p_attempt
    returning 1
  )
  select exists (select 1 from done)
$$;

-- Raises unless the claim is still current; used by stage functions before committing work.
create function app_private.require_complete_job(p_job_id bigint, p_attempt integer)
returns void
language plpgsql
set search_path = ''
as $$
begin
  if not app_private.complete_job(p_job_id, p_attempt) then
    raise exception 'job % attempt % is no longer claimed', p_job_id, p_attempt
      using errcode = 'P0001', hint = 'stale_job';
  end if;
end;
$$;

-- Records a failed attempt: requeues with exponential backoff and jitter, or dead-letters
-- the job after its last attempt (error_logs row, ticket event, Slack alert in the outbox).
-- Returns the job's new status, or 'ignored' for a stale claim.
create function app_private.fail_job(p_job_id bigint, p_attempt integer, p_error text)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_job app_private.jobs;
  v_base numeric := coalesce(nullif(app_private.get_setting('job_backoff_base_seconds'), '')::numeric, 10);
begin
  select * into v_job from app_private.jobs
  where id = p_job_id and status = 'running' and attempts = p_attempt
  for update;
  if not found then
    return 'ignored';
  end if;

  if v_job.attempts < v_job.max_attempts then
    begin
      update app_private.jobs
      set status = 'queued', locked_until = null, last_error = left(p_error, 4000), updated_at = now(),
          run_after = now() + make_interval(secs => v_base * power(2, v_job.attempts - 1) * (1 + random() * 0.25))
      where id = p_job_id;
      return 'queued';
    exception when unique_violation then
      -- A newer job of the same stage and ticket is already queued and will do the work.
      update app_private.jobs
      set status = 'done', locked_until = null, finished_at = now(), updated_at = now(),
          last_error = left(p_error, 4000) || E'\nsuperseded by a queued job of the same stage and ticket'
      where id = p_job_id;
      return 'superseded';
    end;
  end if;

  update app_private.jobs
  set status = 'dead', locked_until = null, last_error = left(p_error, 4000), updated_at = now(),
      finished_at = now()
  where id = p_job_id;
  perform app_private.record_dead_letter(v_job, p_error);
  return 'dead';
end;
$$;

-- Logs a dead-lettered job and queues the alert (used by fail_job and the expiry sweep).
create function app_private.record_dead_letter(p_job app_private.jobs, p_error text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id, context, severity)
  values ('pipeline', p_job.stage, 'job_dead_lettered', left(p_error, 4000), p_job.ticket_id,
          jsonb_build_object('job_id', p_job.id, 'attempts', p_job.attempts, 'payload', p_job.payload),
          'critical');
  if p_job.ticket_id is not null then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (p_job.ticket_id, 'pipeline_failed',
            jsonb_build_object('stage', p_job.stage, 'job_id', p_job.id, 'error', left(p_error, 500)), 'system');
  end if;
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
          jsonb_build_object('text', format(':rotating_light: Pipeline stage %s failed %s times for ticket %s: %s',
            p_job.stage, p_job.attempts, coalesce(p_job.ticket_id::text, '-'), left(p_error, 300))));
  if p_job.stage <> 'notify' then
    perform app_private.enqueue_job('notify', null, '{"alerts": true}');
  end if;
end;
$$;

-- Sweep run by pg_cron every minute: returns expired claims to the queue (or dead-letters
-- them after the last attempt) and re-rings every stage that has due jobs, so a lost
-- request, a crashed function or a restart loses nothing. Returns the stages rung.
create function app_private.rering_due_jobs()
returns text[]
language plpgsql
set search_path = ''
as $$
declare
  v_job app_private.jobs;
  v_stages text[];
begin
  for v_job in
    select * from app_private.jobs j
    where j.status = 'running' and j.locked_until < now()
    for update skip locked
  loop
    if v_job.attempts >= v_job.max_attempts then
      update app_private.jobs
      set status = 'dead', locked_until = null, finished_at = now(), updated_at = now(),
          last_error = coalesce(last_error || E'\n', '') || 'claim expired after last attempt'
      where id = v_job.id;
      perform app_private.record_dead_letter(v_job, 'claim expired after last attempt');
    else
      begin
        update app_private.jobs
        set status = 'queued', locked_until = null, run_after = now(), updated_at = now(),
            last_error = coalesce(last_error || E'\n', '') || 'claim expired'
        where id = v_job.id;
      exception when unique_violation then
        update app_private.jobs
        set status = 'done', locked_until = null, finished_at = now(), updated_at = now(),
            last_error = coalesce(last_error || E'\n', '') || 'claim expired; superseded by a queued job of the same stage and ticket'
        where id = v_job.id;
      end;
    end if;
  end loop;

  select coalesce(array_agg(s.stage order by s.stage), '{}') into v_stages
  from (select distinct j.stage from app_private.jobs j
        where j.status = 'queued' and j.run_after <= now()) s;
  perform app_private.ring_stage(s) from unnest(v_stages) s;
  return v_stages;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;

select cron.schedule('ists-rering-due-jobs', '* * * * *', 'select app_private.rering_due_jobs()');
