-- Outbound webhooks: subscribers (n8n, Zapier, the customer's backend) configured in a table
-- receive ticket events (created, assigned, resolved, closed, SLA breach, answer sent) as
-- signed JSON POSTs. Each event is stored once with its body; each subscriber gets its own
-- delivery row (the delivery log) with status, attempts, response code and backoff, so a dead
-- subscriber never holds up the others. The webhooks function delivers them (stage
-- 'webhooks', rung by a ticket-less job; pg_cron rings it for retries that come due).

insert into app_private.pipeline_stages (stage, description) values
  ('webhooks', 'signed outbound webhook deliveries to the subscribers of ticket events');
insert into app_private.stage_drains (stage) values ('webhooks') on conflict (stage) do nothing;

insert into app_private.settings (key, value, description) values
  ('webhook_max_attempts', '4', 'Attempts at one webhook delivery in all (the first and 3 retries) before it fails'),
  ('webhook_backoff_base_seconds', '30', 'Wait before the first webhook retry; each further retry waits 4 times longer (30 s, 2 min, 8 min)')
on conflict (key) do nothing;

-- The event types a subscriber can ask for (rows, so a feature adds its own with an insert).
create table public.webhook_event_types (
  event_type varchar(50) primary key check (event_type ~ '^[a-z]+(\.[a-z_]+)+$'),
  description text not null
);
comment on table public.webhook_event_types is 'Event types of outbound webhooks (webhook_subscriptions.event_types).';
alter table public.webhook_event_types enable row level security;
revoke all on public.webhook_event_types from anon, authenticated;
grant select on public.webhook_event_types to authenticated;
grant all on public.webhook_event_types to service_role;
create policy webhook_event_types_select_signed_in on public.webhook_event_types
  for select to authenticated using (true);
insert into public.webhook_event_types (event_type, description) values
  ('ticket.created', 'a new ticket was opened (any channel)'),
  ('ticket.assigned', 'a ticket was given to an agent (routing, the queue, Slack or Studio)'),
  ('ticket.resolved', 'a ticket was resolved (by an agent or auto-resolution)'),
  ('ticket.closed', 'a ticket was closed (by an agent or the follow-up auto-close)'),
  ('ticket.sla_breached', 'a first-response or resolution deadline was missed'),
  ('answer.sent', 'an answer went to the customer; for API and web tickets this event is the delivery');

-- Who receives which events. Operators manage it in Studio or SQL (service role only: the
-- secret signs the deliveries).
create table public.webhook_subscriptions (
  id uuid primary key default gen_random_uuid(),
  name varchar(100) not null,
  url text not null check (url ~ '^https?://[^\s/?#]+[^\s]*$' and length(url) <= 2000),
  secret text not null check (length(secret) >= 16 and secret !~ '\s'),
  event_types text[] not null check (cardinality(event_types) > 0),
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.webhook_subscriptions is 'Outbound webhook subscribers: URL, signing secret (16+ characters), event types, active.';
comment on column public.webhook_subscriptions.secret is 'Signs every delivery: x-ists-signature: v1=<hex HMAC-SHA256 of "<x-ists-timestamp>.<raw body>">.';
alter table public.webhook_subscriptions enable row level security;
revoke all on public.webhook_subscriptions from anon, authenticated;
grant all on public.webhook_subscriptions to service_role;

-- An event type a subscription names must exist (an array cannot carry a foreign key).
create function app_private.webhook_subscriptions_check_event_types()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_unknown text[];
begin
  v_unknown := array(select e from unnest(new.event_types) e
                     where not exists (select 1 from public.webhook_event_types t where t.event_type = e));
  if cardinality(v_unknown) > 0 then
    raise exception 'unknown webhook event type(s): %', array_to_string(v_unknown, ', ')
      using errcode = '23503',
            hint = 'use the event types of public.webhook_event_types';
  end if;
  new.updated_at := now();
  return new;
end;
$$;
create trigger webhook_subscriptions_check_event_types before insert or update on public.webhook_subscriptions
  for each row execute function app_private.webhook_subscriptions_check_event_types();

-- One row per event that had at least one subscriber; body is the exact JSON every
-- subscriber receives (the signature covers it byte for byte).
create table public.webhook_events (
  id uuid primary key default gen_random_uuid(),
  event_type varchar(50) not null references public.webhook_event_types (event_type),
  ticket_id uuid references public.tickets (id) on delete set null,
  response_id uuid references public.responses (id) on delete set null,
  body text not null,
  created_at timestamptz not null default now()
);
comment on table public.webhook_events is 'Outbound webhook events with the JSON body sent to each subscriber.';
create index webhook_events_ticket_idx on public.webhook_events (ticket_id, created_at);
create index webhook_events_response_idx on public.webhook_events (response_id) where response_id is not null;
alter table public.webhook_events enable row level security;
revoke all on public.webhook_events from anon, authenticated;
grant all on public.webhook_events to service_role;

-- The delivery log: one row per event and subscriber (a queue in the pgmq pattern: claimed
-- with skip locked and a visibility timeout, attempts counted, kept when finished).
create table public.webhook_deliveries (
  id bigint generated always as identity primary key,
  event_id uuid not null references public.webhook_events (id) on delete cascade,
  subscription_id uuid not null references public.webhook_subscriptions (id) on delete cascade,
  status varchar(20) not null default 'pending'
    check (status in ('pending', 'delivering', 'delivered', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts > 0),
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  response_status integer,
  response_body text,
  last_error text,
  duration_ms integer,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  delivered_at timestamptz,
  unique (event_id, subscription_id)
);
comment on table public.webhook_deliveries is 'Delivery log of outbound webhooks: one row per event and subscriber (pending, delivering, delivered, failed), with attempts, the last response code and body excerpt, and the next retry.';
create index webhook_deliveries_due_idx on public.webhook_deliveries (next_attempt_at, id) where status = 'pending';
create index webhook_deliveries_running_idx on public.webhook_deliveries (locked_until) where status = 'delivering';
create index webhook_deliveries_subscription_idx on public.webhook_deliveries (subscription_id, created_at desc);
alter table public.webhook_deliveries enable row level security;
revoke all on public.webhook_deliveries from anon, authenticated;
grant all on public.webhook_deliveries to service_role;

-- The ticket as webhooks show it.
create function app_private.webhook_ticket_json(p_ticket_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', t.id, 'number', t.ticket_number, 'reference', 'T-' || t.ticket_number,
    'status', t.status, 'channel', t.channel, 'subject', t.subject, 'priority', t.priority,
    'category', t.category, 'sub_category', t.sub_category, 'language', t.language,
    'is_escalated', t.is_escalated, 'escalation_reasons', to_jsonb(t.escalation_reasons),
    'customer', jsonb_build_object('email', t.sender_email, 'name', coalesce(t.sender_name, c.name), 'tier', c.tier),
    'team', tm.name,
    'assignee', case when a.id is null then null else jsonb_build_object('id', a.id, 'name', a.name, 'email', a.email) end,
    'metadata', t.raw_metadata,
    'created_at', t.created_at, 'first_response_at', t.first_response_at, 'resolved_at', t.resolved_at,
    'first_response_deadline', s.first_response_deadline, 'resolution_deadline', s.resolution_deadline)
  from public.tickets t
  join public.customers c on c.id = t.customer_id
  left join public.teams tm on tm.id = t.team_id
  left join public.agents a on a.id = t.assigned_to
  left join public.sla_tracking s on s.ticket_id = t.id
  where t.id = p_ticket_id
$$;

-- Stores an event for every active subscriber of its type and rings the webhooks stage.
-- Returns how many deliveries were queued (0: nobody subscribes, nothing is stored).
create function app_private.emit_webhook_event(
  p_event_type text,
  p_ticket_id uuid,
  p_data jsonb default '{}',
  p_response_id uuid default null
)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_event_id uuid := gen_random_uuid();
  v_count integer;
  v_max integer := coalesce(nullif(app_private.get_setting('webhook_max_attempts'), '')::integer, 4);
begin
  if not exists (select 1 from public.webhook_subscriptions s
                 where s.active and p_event_type = any (s.event_types)) then
    return 0;
  end if;
  insert into public.webhook_events (id, event_type, ticket_id, response_id, body)
  values (v_event_id, p_event_type, p_ticket_id, p_response_id,
          jsonb_build_object('id', v_event_id, 'type', p_event_type, 'created_at', now(),
                             'data', coalesce(p_data, '{}'::jsonb)
                                     || case when p_ticket_id is null then '{}'::jsonb
                                             else jsonb_build_object('ticket', app_private.webhook_ticket_json(p_ticket_id)) end)::text);
  insert into public.webhook_deliveries (event_id, subscription_id, max_attempts)
  select v_event_id, s.id, greatest(v_max, 1)
  from public.webhook_subscriptions s
  where s.active and p_event_type = any (s.event_types);
  get diagnostics v_count = row_count;
  perform app_private.enqueue_job('webhooks', null);
  return v_count;
end;
$$;

-- Ticket events for subscribers: created, assigned (a new assignee), resolved and closed.
-- security definer: an agent resolving their own ticket (RLS) must store the event and its
-- deliveries, which only the service role may read or write.
create function app_private.tickets_emit_webhook_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform app_private.emit_webhook_event('ticket.created', new.id);
    return null;
  end if;
  if new.assigned_to is not null and new.assigned_to is distinct from old.assigned_to then
    perform app_private.emit_webhook_event('ticket.assigned', new.id,
      jsonb_build_object('previous_assignee_id', old.assigned_to));
  end if;
  if new.status is distinct from old.status and new.status in ('resolved', 'closed') then
    perform app_private.emit_webhook_event('ticket.' || new.status, new.id,
      jsonb_build_object('previous_status', old.status, 'auto_resolved', new.is_auto_resolved));
  end if;
  return null;
end;
$$;
create trigger tickets_emit_webhook_events_insert after insert on public.tickets
  for each row execute function app_private.tickets_emit_webhook_events();
create trigger tickets_emit_webhook_events_update after update of assigned_to, status on public.tickets
  for each row execute function app_private.tickets_emit_webhook_events();

-- SLA breaches for subscribers (one per deadline, as the sweep fires it).
-- security definer: like tickets_emit_webhook_events(), whoever caused the breach alert.
create function app_private.sla_alerts_emit_webhook_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform app_private.emit_webhook_event('ticket.sla_breached', new.ticket_id,
    jsonb_build_object('deadline_kind', new.deadline_kind, 'deadline', new.deadline, 'detected_at', new.fired_at));
  return null;
end;
$$;
create trigger sla_alerts_emit_webhook_event after insert on public.sla_alerts
  for each row when (new.level = 'breach') execute function app_private.sla_alerts_emit_webhook_event();

-- Claims up to p_limit due deliveries for p_lock_seconds (returns them with what to send);
-- deliveries of inactive subscriptions are failed instead of sent.
create function app_private.claim_webhook_deliveries(p_limit integer, p_lock_seconds integer default 60)
returns table (delivery_id bigint, event_id uuid, event_type text, url text, secret text, body text,
               attempt integer, max_attempts integer)
language plpgsql
set search_path = ''
as $$
begin
  update public.webhook_deliveries d
  set status = 'failed', last_error = 'subscription is no longer active', updated_at = now()
  from public.webhook_subscriptions s
  where s.id = d.subscription_id and not s.active and d.status = 'pending';

  return query
  with due as (
    select d.id from public.webhook_deliveries d
    where d.status = 'pending' and d.next_attempt_at <= now()
    order by d.next_attempt_at, d.id
    limit p_limit
    for update skip locked
  )
  update public.webhook_deliveries d
  set status = 'delivering', attempts = d.attempts + 1, updated_at = now(),
      locked_until = now() + make_interval(secs => p_lock_seconds)
  from due, public.webhook_events e, public.webhook_subscriptions s
  where d.id = due.id and e.id = d.event_id and s.id = d.subscription_id
  returning d.id, e.id, e.event_type::text, s.url, s.secret, e.body, d.attempts, d.max_attempts;
end;
$$;

-- Records delivery attempts: [{delivery_id, attempt, status (http status or null), error,
-- duration_ms, response_body, retryable}]. 2xx: delivered. Otherwise a retryable failure
-- (408, 425, 429, 5xx, timeouts, connection errors) waits base·4^(n-1) with jitter, until
-- the last attempt; then, and for any other answer, the delivery fails: logged and alerted.
-- A result for a claim that is no longer current is ignored. Returns counts per outcome.
create function app_private.record_webhook_deliveries(p_results jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_result jsonb;
  v_delivery public.webhook_deliveries;
  v_base numeric := coalesce(nullif(app_private.get_setting('webhook_backoff_base_seconds'), '')::numeric, 30);
  v_code integer;
  v_ok boolean;
  v_retry boolean;
  v_counts jsonb := jsonb_build_object('delivered', 0, 'retrying', 0, 'failed', 0, 'ignored', 0);
  v_outcome text;
  v_event public.webhook_events;
  v_subscription public.webhook_subscriptions;
begin
  for v_result in select * from jsonb_array_elements(p_results)
  loop
    select * into v_delivery from public.webhook_deliveries d
    where d.id = (v_result ->> 'delivery_id')::bigint and d.status = 'delivering'
      and d.attempts = (v_result ->> 'attempt')::integer
    for update;
    if not found then
      v_counts := jsonb_set(v_counts, '{ignored}', to_jsonb((v_counts ->> 'ignored')::integer + 1));
      continue;
    end if;
    v_code := (v_result ->> 'status')::integer;
    v_ok := coalesce(v_code between 200 and 299, false);
    v_retry := not v_ok and coalesce((v_result ->> 'retryable')::boolean, false)
               and v_delivery.attempts < v_delivery.max_attempts;
    v_outcome := case when v_ok then 'delivered' when v_retry then 'retrying' else 'failed' end;
    update public.webhook_deliveries d
    set status = case v_outcome when 'delivered' then 'delivered' when 'retrying' then 'pending' else 'failed' end,
        locked_until = null, updated_at = now(),
        response_status = v_code,
        response_body = left(v_result ->> 'response_body', 2000),
        last_error = case when v_ok then null else left(coalesce(v_result ->> 'error', 'HTTP ' || v_code), 2000) end,
        duration_ms = (v_result ->> 'duration_ms')::integer,
        delivered_at = case when v_ok then now() end,
        next_attempt_at = case when v_retry
          then now() + make_interval(secs => v_base * power(4, v_delivery.attempts - 1) * (1 + random() * 0.25))
          else d.next_attempt_at end
    where d.id = v_delivery.id;
    v_counts := jsonb_set(v_counts, array[v_outcome], to_jsonb((v_counts ->> v_outcome)::integer + 1));
    if v_outcome = 'failed' then
      select * into v_event from public.webhook_events e where e.id = v_delivery.event_id;
      select * into v_subscription from public.webhook_subscriptions s where s.id = v_delivery.subscription_id;
      insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id, context, severity)
      values ('webhooks', v_subscription.name, 'webhook_delivery_failed',
              left(coalesce(v_result ->> 'error', 'HTTP ' || v_code), 4000), v_event.ticket_id,
              jsonb_build_object('delivery_id', v_delivery.id, 'event_id', v_event.id, 'event_type', v_event.event_type,
                                 'url', v_subscription.url, 'attempts', v_delivery.attempts, 'status', v_code),
              'error');
      insert into public.notifications (ticket_id, kind, channel, target, payload)
      values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
              jsonb_build_object('text', format(':rotating_light: Webhook %s to "%s" (%s) failed after %s attempt(s): %s',
                v_event.event_type, v_subscription.name, v_subscription.url, v_delivery.attempts,
                left(coalesce(v_result ->> 'error', 'HTTP ' || v_code), 300))));
      perform app_private.enqueue_job('notify', null, '{"alerts": true}');
    end if;
  end loop;
  return v_counts;
end;
$$;

-- pg_cron, every minute: returns expired claims to the queue (a crashed delivery is sent
-- again: receivers deduplicate by the event id) and rings the stage when deliveries are due.
create function app_private.ring_due_webhook_deliveries()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_due integer;
begin
  update public.webhook_deliveries d
  set status = case when d.attempts >= d.max_attempts then 'failed' else 'pending' end,
      last_error = coalesce(d.last_error || E'\n', '') || 'claim expired', locked_until = null,
      next_attempt_at = now(), updated_at = now()
  where d.status = 'delivering' and d.locked_until < now();
  select count(*) into v_due from public.webhook_deliveries d
  where d.status = 'pending' and d.next_attempt_at <= now();
  if v_due > 0 then
    perform app_private.enqueue_job('webhooks', null);
  end if;
  return v_due;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.webhook_ticket_json(uuid), app_private.emit_webhook_event(text, uuid, jsonb, uuid),
  app_private.claim_webhook_deliveries(integer, integer), app_private.record_webhook_deliveries(jsonb),
  app_private.ring_due_webhook_deliveries() to service_role;

select cron.schedule('ists-webhooks-due', '* * * * *', 'select app_private.ring_due_webhook_deliveries()');
