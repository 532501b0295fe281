-- A notification is never lost and never sent twice. Before, the notify stage posted to Slack
-- inside the job's transaction: a claim that expired meanwhile rolled an already posted
-- message back to pending (posted again later), and after 3 failed attempts the job was
-- dead-lettered while its notification stayed pending with nothing left to send it.
-- Now every attempt is recorded by itself, outside any long transaction:
-- * begin_notification_delivery() leases the notification for one attempt (a second run
--   leaves it alone) and says whether an earlier attempt may have reached Slack;
-- * finish_notification_delivery() records the outcome as soon as Slack answers (the posted
--   message's ts, a refusal, or "try again", remembering when an attempt ended uncertain:
--   a timeout, a 5xx, no answer at all);
-- * the notify stage then looks the message up by its marker (the notification id in the
--   message's metadata) before it posts again after an uncertain attempt;
-- * requeue_stranded_notifications() (pg_cron, every minute) queues a new notify job for
--   pending notifications whose job died, with growing backoff, alerts once, and after
--   notification_max_requeues marks them failed with a critical alert.

alter table public.notifications
  add column delivery_started_at timestamptz,
  add column delivery_token uuid,
  add column uncertain_since timestamptz,
  add column last_attempt_at timestamptz,
  add column requeues integer not null default 0 check (requeues >= 0);
comment on column public.notifications.delivery_started_at is
  'Start of the attempt in progress (a lease of notification_lease_seconds); null when none runs.';
comment on column public.notifications.delivery_token is 'Identifies the attempt in progress.';
comment on column public.notifications.uncertain_since is
  'Start of the first attempt that may have reached Slack without its answer being recorded; the next attempt looks for the message first.';
comment on column public.notifications.requeues is
  'Times the stranded-notification sweep queued a new notify job after the job had died.';
create index notifications_pending_created_idx on public.notifications (created_at) where status = 'pending';

insert into app_private.settings (key, value, description) values
  ('notification_lease_seconds', '120', 'How long one delivery attempt of a notification may take before another run may try'),
  ('notification_requeue_base_seconds', '300', 'Wait after the last attempt before a stranded notification is queued again; doubles per re-queue (at most 6 h)'),
  ('notification_max_requeues', '10', 'Re-queues of a stranded notification before it is marked failed and alerted')
on conflict (key) do nothing;

-- Leases a pending notification for one delivery attempt. Returns the attempt's token and,
-- when an earlier attempt may have posted the message (look for it first), check_since in
-- Unix seconds; busy when another attempt holds the lease; no row when it is no longer pending.
create function app_private.begin_notification_delivery(p_id uuid)
returns table (token uuid, check_since double precision, busy boolean)
language plpgsql
set search_path = ''
as $$
declare
  v_lease interval := make_interval(secs => coalesce(nullif(app_private.get_setting('notification_lease_seconds'), '')::integer, 120));
  v_row public.notifications;
begin
  select * into v_row from public.notifications n where n.id = p_id and n.status = 'pending' for update;
  if not found then
    return;
  end if;
  if v_row.delivery_started_at is not null and v_row.delivery_started_at >= now() - v_lease then
    return query select null::uuid, extract(epoch from v_row.uncertain_since)::double precision, true;
    return;
  end if;
  -- An attempt that never finished (a crash, a lost answer) may have posted.
  update public.notifications n
  set delivery_started_at = clock_timestamp(), delivery_token = gen_random_uuid(),
      last_attempt_at = clock_timestamp(), attempts = n.attempts + 1,
      uncertain_since = coalesce(n.uncertain_since, n.delivery_started_at)
  where n.id = p_id
  returning * into v_row;
  return query select v_row.delivery_token, extract(epoch from v_row.uncertain_since)::double precision, false;
end;
$$;

-- Records how an attempt ended: sent (with Slack's ts in p_external_id), failed (Slack
-- refused it for good), stored (no transport configured) or pending (try again later;
-- p_uncertain: the attempt may have reached Slack). A final outcome is kept whenever it comes
-- (a posted message's ts is always worth keeping) and logged as a 'notified' ticket event;
-- "try again" only ends the caller's own attempt (p_token). Returns whether it applied.
create function app_private.finish_notification_delivery(
  p_id uuid,
  p_token uuid,
  p_status text,
  p_details jsonb default '{}'
)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  v_row public.notifications;
  v_note text := nullif(p_details ->> 'note', '');
begin
  if p_status not in ('sent', 'failed', 'stored', 'pending') then
    raise exception 'status must be sent, failed, stored or pending' using errcode = '22023';
  end if;
  if p_status = 'pending' then
    update public.notifications n
    set delivery_started_at = null, delivery_token = null, last_error = v_note,
        uncertain_since = case when coalesce((p_details ->> 'uncertain')::boolean, false)
                               then coalesce(n.uncertain_since, n.delivery_started_at) else n.uncertain_since end
    where n.id = p_id and n.status = 'pending' and n.delivery_token = p_token;
    return found;
  end if;
  update public.notifications n
  set status = p_status, last_error = v_note, external_id = nullif(p_details ->> 'external_id', ''),
      payload = n.payload || coalesce(p_details -> 'payload', '{}'),
      sent_at = case when p_status = 'sent' then now() else n.sent_at end,
      delivery_started_at = null, delivery_token = null, uncertain_since = null
  where n.id = p_id and n.status = 'pending'
  returning * into v_row;
  if not found then
    return false;
  end if;
  if v_row.ticket_id is not null then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (v_row.ticket_id, 'notified', jsonb_build_object('kind', v_row.kind, 'channel', v_row.channel,
              'target', v_row.target, 'status', p_status, 'note', v_note)
              || case when p_details ? 'found' then jsonb_build_object('found', p_details -> 'found') else '{}' end,
            'system');
  end if;
  return true;
end;
$$;

-- Queues a new notify job for pending notifications whose job died (dead-lettered, or
-- finished without sending them) once notification_requeue_base_seconds have passed since
-- their last attempt, doubling per re-queue (at most 6 h); one never tried at once. The first re-queue of each is
-- alerted (one alert per sweep); after notification_max_requeues they are marked failed with
-- a critical alert. Run by pg_cron every minute; returns the notifications re-queued.
create function app_private.requeue_stranded_notifications()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_lease interval := make_interval(secs => coalesce(nullif(app_private.get_setting('notification_lease_seconds'), '')::integer, 120));
  v_base numeric := coalesce(nullif(app_private.get_setting('notification_requeue_base_seconds'), '')::numeric, 300);
  v_max integer := coalesce(nullif(app_private.get_setting('notification_max_requeues'), '')::integer, 10);
  v_stranded public.notifications[];
  v_requeued integer;
  v_first text;
  v_given_up text;
begin
  if not pg_try_advisory_xact_lock(hashtextextended('ists-notification-sweep', 0)) then
    return 0;
  end if;
  select coalesce(array_agg(n order by n.created_at), '{}') into v_stranded
  from public.notifications n
  where n.id in (
    select x.id from public.notifications x
    where x.status = 'pending'
      and (x.delivery_started_at is null or x.delivery_started_at < now() - v_lease)
      -- Never tried (no job was queued for it, as for the notify stage's own dead letters):
      -- at once; else after the backoff.
      and (x.last_attempt_at is null
           or x.last_attempt_at < now() - make_interval(secs => least(v_base * power(2, least(x.requeues, 20)), 21600)))
      -- Two probes, not "is not distinct from": each uses an index (a plain join on that
      -- predicate scanned every job for every pending row: minutes under a backlog).
      and not exists (select 1 from app_private.jobs j
                      where j.ticket_id = x.ticket_id and j.stage = 'notify' and j.status in ('queued', 'running'))
      and (x.ticket_id is not null
           or not exists (select 1 from app_private.jobs j
                          where j.ticket_id is null and j.stage = 'notify' and j.status in ('queued', 'running')))
    order by x.created_at
    limit 1000
    for update of x skip locked);
  if cardinality(v_stranded) = 0 then
    return 0;
  end if;

  -- Given up: failed, logged as critical, alerted.
  update public.notifications n
  set status = 'failed', delivery_started_at = null, delivery_token = null,
      last_error = coalesce(n.last_error || E'\n', '') || format('given up after %s re-queues', n.requeues)
  from unnest(v_stranded) s
  where n.id = s.id and s.requeues >= v_max;
  select string_agg(format('%s %s (%s)', coalesce('#T-' || t.ticket_number, 'alert'), s.kind, left(coalesce(s.last_error, '?'), 80)), ', ')
  into v_given_up
  from unnest(v_stranded) s left join public.tickets t on t.id = s.ticket_id
  where s.requeues >= v_max;
  if v_given_up is not null then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
    values ('pipeline', 'notify', 'notification_given_up', left('Notifications never delivered: ' || v_given_up, 4000),
            jsonb_build_object('notification_ids', (select jsonb_agg(s.id) from unnest(v_stranded) s where s.requeues >= v_max)),
            'critical');
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    select s.ticket_id, 'notified', jsonb_build_object('kind', s.kind, 'channel', s.channel, 'target', s.target,
             'status', 'failed', 'note', format('given up after %s re-queues: %s', s.requeues, s.last_error)), 'system'
    from unnest(v_stranded) s where s.requeues >= v_max and s.ticket_id is not null;
  end if;

  -- Re-queued: a new notify job per ticket (one for the ticket-less pipeline alerts).
  update public.notifications n set requeues = n.requeues + 1
  from unnest(v_stranded) s
  where n.id = s.id and s.requeues < v_max;
  get diagnostics v_requeued = row_count;
  -- In one statement: one ring of the notify stage, however many tickets (as sweep_sla does).
  insert into app_private.jobs (stage, ticket_id, payload, max_attempts)
  select 'notify', t.ticket_id, case when t.ticket_id is null then '{"alerts": true}'::jsonb else '{}'::jsonb end,
         coalesce(nullif(app_private.get_setting('job_max_attempts'), '')::integer, 3)
  from (select distinct s.ticket_id from unnest(v_stranded) s where s.requeues < v_max) t
  on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing;

  select string_agg(format('%s %s (%s)', coalesce('#T-' || t.ticket_number, 'alert'), s.kind, left(coalesce(s.last_error, '?'), 80)), ', ')
  into v_first
  from unnest(v_stranded) s left join public.tickets t on t.id = s.ticket_id
  where s.requeues = 0 and s.kind <> 'pipeline_alert';
  if v_first is not null or v_given_up is not null then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
    select 'pipeline', 'notify', 'notification_requeued', left('Notifications re-queued after their job died: ' || v_first, 4000),
           jsonb_build_object('notification_ids', (select jsonb_agg(s.id) from unnest(v_stranded) s where s.requeues = 0)),
           'warning'
    where v_first is not null;
    -- Alerts about alerts would loop: a failing alert is only logged.
    insert into public.notifications (ticket_id, kind, channel, target, payload)
    values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
            jsonb_build_object('text', concat_ws(E'\n',
              case when v_first is not null then format(
                ':warning: Slack notifications not delivered after every retry, queued again (next try within %s min): %s',
                ceil(v_base / 60), left(v_first, 1500)) end,
              case when v_given_up is not null then format(
                ':rotating_light: Slack notifications given up after %s re-queues (kept as failed in notifications): %s',
                v_max, left(v_given_up, 1500)) end)));
    perform app_private.enqueue_job('notify', null, '{"alerts": true}');
  end if;
  return v_requeued;
end;
$$;
select cron.schedule('ists-requeue-stranded-notifications', '* * * * *',
                     'select app_private.requeue_stranded_notifications()');

revoke all on all functions in schema app_private from public;
grant execute on function app_private.begin_notification_delivery(uuid),
  app_private.finish_notification_delivery(uuid, uuid, text, jsonb),
  app_private.requeue_stranded_notifications() to service_role;
