-- Slack intake: POST /functions/v1/slack-events verifies Slack's signature, stores the event
-- here in one insert and answers at once (Slack wants an answer within 3 s). The stored event
-- is processed from the pipeline's durable job queue (stage 'slack-events', rung to the same
-- function with the service-role bearer), so retries with backoff, dead letters and alerts
-- work as for every other stage. Slack's retries of one event share its event_id: stored once.

create table app_private.slack_events (
  id bigint generated always as identity primary key,
  event_id text not null unique check (length(event_id) between 1 and 200),
  team_id text,
  event_type text not null,
  -- The whole envelope Slack signed (event_callback), as received.
  payload jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'processed', 'ignored', 'dead_letter', 'failed')),
  -- Why it was ignored, dead-lettered or failed.
  reason text,
  -- What intake did (created, reply, duplicate, ...), once processed.
  outcome text,
  ticket_id uuid references public.tickets (id) on delete set null,
  deliveries integer not null default 1 check (deliveries >= 1),
  last_retry_num integer,
  last_retry_reason text,
  received_at timestamptz not null default now(),
  processed_at timestamptz
);
comment on table app_private.slack_events is 'Signed Slack Events API deliveries, one row per event_id (retries counted in deliveries); kept after processing.';
create index slack_events_open_idx on app_private.slack_events (received_at) where status = 'queued';
alter table app_private.slack_events enable row level security;
grant all on app_private.slack_events to service_role;

-- The new stage: every stored event is one job (payload {"slack_event_id": n}, no ticket).
alter table app_private.jobs drop constraint jobs_stage_check;
alter table app_private.jobs add constraint jobs_stage_check
  check (stage in ('triage', 'route', 'notify', 'slack-events'));
alter table app_private.stage_drains drop constraint stage_drains_stage_check;
alter table app_private.stage_drains add constraint stage_drains_stage_check
  check (stage in ('triage', 'route', 'notify', 'slack-events'));
insert into app_private.stage_drains (stage) values ('slack-events') on conflict do nothing;

-- "One waiting job per stage and ticket" would let only one ticket-less Slack event wait at a
-- time: the rule now leaves out 'slack-events', whose jobs are one per stored event.
drop index app_private.jobs_one_queued_per_stage_ticket;
create unique index jobs_one_queued_per_stage_ticket on app_private.jobs (stage, ticket_id)
  nulls not distinct where status = 'queued' and stage <> 'slack-events';

-- Queues a stage for a ticket unless one is already waiting; returns the job id or null.
-- Slack events are never merged: each stored event gets its own job.
create or replace function app_private.enqueue_job(
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
  on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing
  returning id
$$;

-- Stores one verified Slack event unless its event_id is already stored (Slack's retry), and
-- queues its processing job. p_ignore_reason set: stored as ignored, no job (an edit, a bot,
-- another channel). Returns the stored row's id, whether it was a repeat, and its status.
create function app_private.receive_slack_event(
  p_event_id text,
  p_payload jsonb,
  p_ignore_reason text default null,
  p_retry_num integer default null,
  p_retry_reason text default null
)
returns table (slack_event_id bigint, duplicate boolean, status text)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_id bigint;
  v_status text := case when p_ignore_reason is null then 'queued' else 'ignored' end;
begin
  insert into app_private.slack_events (event_id, team_id, event_type, payload, status, reason,
                                        processed_at, last_retry_num, last_retry_reason)
  values (p_event_id, p_payload ->> 'team_id', coalesce(p_payload -> 'event' ->> 'type', 'unknown'),
          p_payload, v_status, p_ignore_reason,
          case when p_ignore_reason is not null then now() end, p_retry_num, p_retry_reason)
  on conflict (event_id) do nothing
  returning id into v_id;
  if v_id is null then
    return query
      update app_private.slack_events e
      set deliveries = e.deliveries + 1,
          last_retry_num = coalesce(p_retry_num, e.last_retry_num),
          last_retry_reason = coalesce(p_retry_reason, e.last_retry_reason)
      where e.event_id = p_event_id
      returning e.id, true, e.status;
    return;
  end if;
  if v_status = 'queued' then
    perform app_private.enqueue_job('slack-events', null, jsonb_build_object('slack_event_id', v_id));
  end if;
  return query select v_id, false, v_status;
end;
$$;

-- Records what processing decided for a stored event (processed, ignored, dead_letter,
-- failed) and completes its job in the same transaction; raises for a stale claim.
create function app_private.finish_slack_event(
  p_job_id bigint,
  p_attempt integer,
  p_slack_event_id bigint,
  p_status text,
  p_reason text default null,
  p_outcome text default null,
  p_ticket_id uuid default null
)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update app_private.slack_events
  set status = p_status, reason = left(p_reason, 2000), outcome = p_outcome,
      ticket_id = p_ticket_id, processed_at = now()
  where id = p_slack_event_id;
  if p_job_id is not null then
    perform app_private.require_complete_job(p_job_id, p_attempt);
  end if;
end;
$$;

revoke all on function app_private.receive_slack_event(text, jsonb, text, integer, text) from public;
revoke all on function app_private.finish_slack_event(bigint, integer, bigint, text, text, text, uuid) from public;
revoke all on function app_private.enqueue_job(text, uuid, jsonb, interval) from public;
grant execute on function app_private.receive_slack_event(text, jsonb, text, integer, text) to service_role;
grant execute on function app_private.finish_slack_event(bigint, integer, bigint, text, text, text, uuid) to service_role;
grant execute on function app_private.enqueue_job(text, uuid, jsonb, interval) to service_role;
