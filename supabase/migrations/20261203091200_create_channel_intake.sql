-- Intake from every channel: one entry point, app_private.intake_message, for e-mail (webhook
-- and IMAP), Slack and the web/API form. It deduplicates by the channel's own message id and by
-- content, threads replies onto their ticket (In-Reply-To/References, a [#T-123] subject
-- reference from the same customer, the Slack thread), reopens resolved tickets within a
-- window, records auto-replies, bulk mail and bounces without answering them, and keeps what
-- cannot be parsed as an inspectable dead letter. Spam found by triage is quarantined.

-- Channel message ids (e-mail Message-ID, Slack channel:ts and event id) known to belong to a
-- ticket, inbound and outbound: the dedupe key of a channel and the thread index.
create table public.ticket_message_ids (
  channel varchar(20) not null check (channel in ('email', 'slack')),
  external_id text not null check (length(external_id) between 1 and 998),
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  direction varchar(20) not null check (direction in ('inbound', 'outbound')),
  response_id uuid references public.responses (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (channel, external_id)
);
create index ticket_message_ids_ticket_idx on public.ticket_message_ids (ticket_id);

-- Messages recorded without a ticket of their own: auto-replies and bounces that match no
-- ticket, mail from ourselves (loops), bulk mail over the per-sender cap, abuse reports.
create table public.suppressed_messages (
  id bigint generated always as identity primary key,
  channel varchar(20) not null check (channel in ('email', 'slack', 'api', 'web')),
  reason varchar(30) not null check (reason in ('auto_reply', 'bulk', 'bounce', 'loop', 'flood', 'feedback_report')),
  sender_email varchar(255),
  subject text,
  message_id text,
  ticket_id uuid references public.tickets (id) on delete set null,
  details jsonb not null default '{}',
  received_at timestamptz not null default now()
);
create index suppressed_messages_sender_idx on public.suppressed_messages (sender_email, received_at);
create index suppressed_messages_message_id_idx on public.suppressed_messages (message_id) where message_id is not null;

-- Accepted input that could not become a ticket (unparsable, no usable sender): kept with the
-- reason and the raw bytes, so nothing accepted is lost; each one is also in error_logs.
create table public.intake_dead_letters (
  id bigint generated always as identity primary key,
  channel varchar(20) not null check (channel in ('email', 'slack', 'api', 'web')),
  reason text not null,
  raw bytea,
  raw_bytes bigint not null default 0,
  details jsonb not null default '{}',
  received_at timestamptz not null default now(),
  resolved_at timestamptz,
  resolved_note text
);

-- The full original text when the analysed body was cleaned (quotes, signature, HTML removed,
-- or truncated), and how often a customer reopened the ticket.
alter table public.tickets
  add column body_original text,
  add column reopened_count integer not null default 0 check (reopened_count >= 0),
  add column previous_ticket_id uuid references public.tickets (id);

-- Quarantine: spam is kept and visible, never answered, until an agent releases it.
alter table public.tickets drop constraint tickets_status_check;
alter table public.tickets add constraint tickets_status_check check (status in (
  'new', 'analyzing', 'analyzed', 'queued', 'assigned', 'in_progress',
  'waiting_on_customer', 'resolved', 'closed', 'quarantined'));

-- Deliverability of the customer's address, set by bounces.
alter table public.customers
  add column email_undeliverable_at timestamptz,
  add column email_undeliverable_reason text;

-- Inbound replies are kept with their sender and whether a machine sent them.
alter table public.responses
  add column sender_email varchar(255),
  add column is_automated boolean not null default false,
  add column attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array');

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'ticket_assigned', 'ticket_queued', 'customer_reply', 'pipeline_alert', 'inbound_reply'));

insert into app_private.settings (key, value) values
  ('reopen_window_days', '14'),
  ('bulk_tickets_per_sender_per_day', '3'),
  ('auto_replies_per_customer_per_day', '3')
on conflict (key) do nothing;

-- Normalises a message id for matching: no angle brackets or spaces, lower case.
create function app_private.normalise_message_id(p_id text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(lower(btrim(p_id, ' <>' || chr(9) || chr(10) || chr(13))), '')
$$;

-- Keeps an accepted message that cannot become a ticket; returns the dead letter's id.
create function app_private.intake_dead_letter(
  p_channel text,
  p_reason text,
  p_raw bytea,
  p_details jsonb default '{}'
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.intake_dead_letters (channel, reason, raw, raw_bytes, details)
  values (p_channel, left(p_reason, 2000), p_raw, coalesce(length(p_raw), 0), coalesce(p_details, '{}'))
  returning id into v_id;
  insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
  values ('intake', p_channel, 'intake_dead_letter', left(p_reason, 2000),
          jsonb_build_object('dead_letter_id', v_id, 'raw_bytes', coalesce(length(p_raw), 0)) || coalesce(p_details, '{}'),
          'error');
  -- The team hears about it in the alerts channel (or the outbox without Slack).
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
          jsonb_build_object('text', format(':rotating_light: A %s message could not become a ticket (dead letter %s): %s',
            p_channel, v_id, left(p_reason, 300))));
  perform app_private.enqueue_job('notify', null, '{"alerts": true}');
  return v_id;
end;
$$;

-- Whether the system may send one more automatic reply to a customer: the address is
-- deliverable and the per-customer daily cap of automatic replies is not reached.
create function app_private.may_auto_reply(p_customer_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select coalesce((select c.email_undeliverable_at is null from public.customers c where c.id = p_customer_id), false)
    and (select count(*) from public.responses r join public.tickets t on t.id = r.ticket_id
         where t.customer_id = p_customer_id and r.direction = 'outbound' and r.sender_type = 'ai'
           and not r.ai_draft and r.created_at > now() - interval '24 hours')
        < coalesce(nullif(app_private.get_setting('auto_replies_per_customer_per_day'), '')::integer, 3)
$$;

-- The one intake path. p_message is the normalised message (see _shared/normalise.ts):
--   channel, email, name, subject, body (cleaned, for analysis), body_original, attachments,
--   metadata, message_id (the channel's own id), extra_ids (more ids of the same delivery, e.g.
--   a Slack event id), references (ids it replies to: In-Reply-To/References or the Slack
--   thread), automated (auto_reply | bulk | loop | bounce | feedback_report), automated_reason,
--   bounce {recipients, permanent, status}.
-- Outcomes: created, duplicate, reply, reopened, auto_reply (recorded on its ticket),
-- suppressed (recorded in suppressed_messages, no ticket), bounce.
create function app_private.intake_message(
  p_idempotency_key text,
  p_message jsonb
)
returns table (ticket_id uuid, ticket_number bigint, outcome text, duplicate boolean)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_window interval := make_interval(hours => coalesce(nullif(app_private.get_setting('dedupe_window_hours'), '')::integer, 24));
  v_reopen_window interval := make_interval(days => coalesce(nullif(app_private.get_setting('reopen_window_days'), '')::integer, 14));
  v_channel text := p_message ->> 'channel';
  v_id_channel text := case when p_message ->> 'channel' = 'slack' then 'slack' else 'email' end;
  v_email text := lower(btrim(p_message ->> 'email'));
  v_name text := nullif(btrim(coalesce(p_message ->> 'name', '')), '');
  v_subject text := coalesce(p_message ->> 'subject', '');
  v_automated text := nullif(p_message ->> 'automated', '');
  v_message_id text := app_private.normalise_message_id(p_message ->> 'message_id');
  v_ids text[];
  v_refs text[];
  v_known record;
  v_parent public.tickets;
  v_parent_found boolean := false;
  v_previous uuid;
  v_existing record;
  v_customer_id uuid;
  v_ticket record;
  v_response_id uuid;
  v_status text;
  v_recent integer;
  v_tags text[] := '{}'::text[];
  v_metadata jsonb := coalesce(p_message -> 'metadata', '{}'::jsonb);
begin
  if p_idempotency_key !~ '^[0-9a-f]{64}$' then
    raise exception 'idempotency key must be 64 hex characters' using errcode = '22023';
  end if;
  if v_automated is not null and v_automated not in ('auto_reply', 'bulk', 'loop', 'bounce', 'feedback_report') then
    raise exception 'automated must be auto_reply, bulk, loop, bounce or feedback_report' using errcode = '22023';
  end if;
  select coalesce(array_agg(distinct x) filter (where x is not null), '{}') into v_ids
  from (select v_message_id as x
        union all
        select app_private.normalise_message_id(e) from jsonb_array_elements_text(coalesce(p_message -> 'extra_ids', '[]')) e) ids;
  select coalesce(array_agg(x) filter (where x is not null), '{}') into v_refs
  from (select app_private.normalise_message_id(r) as x
        from jsonb_array_elements_text(coalesce(p_message -> 'references', '[]')) r) refs;

  -- 1. The same delivery again (a retried webhook, a second poll, Slack's retry).
  if cardinality(v_ids) > 0 then
    -- Serialises deliveries of one message id; different messages never wait for each other.
    perform pg_advisory_xact_lock(hashtextextended(v_id_channel || ':' || x, 1))
    from unnest(v_ids) x order by x;
    select m.ticket_id, t.ticket_number into v_known
    from public.ticket_message_ids m join public.tickets t on t.id = m.ticket_id
    where m.channel = v_id_channel and m.external_id = any (v_ids)
    limit 1;
    if found then
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_known.ticket_id, 'duplicate_received',
              jsonb_build_object('channel', v_channel, 'message_id', v_message_id), 'customer');
      return query select v_known.ticket_id, v_known.ticket_number, 'duplicate'::text, true;
      return;
    end if;
    if exists (select 1 from public.suppressed_messages s
               where s.message_id = any (v_ids) and s.received_at > now() - v_window) then
      return query select null::uuid, null::bigint, 'duplicate'::text, true;
      return;
    end if;
  end if;

  -- 2. Our own mail coming back, and abuse reports: recorded, never a ticket.
  if v_automated in ('loop', 'feedback_report') then
    insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, details)
    values (v_channel, v_automated, left(v_email, 255), left(v_subject, 998), v_message_id,
            jsonb_build_object('why', p_message ->> 'automated_reason'));
    return query select null::uuid, null::bigint, 'suppressed'::text, false;
    return;
  end if;

  -- 3. The ticket this message answers: by message ids, then by a [#T-123] subject reference
  --    from the ticket's own customer.
  if cardinality(v_refs) > 0 then
    select t.* into v_parent
    from public.ticket_message_ids m join public.tickets t on t.id = m.ticket_id
    where m.channel = v_id_channel and m.external_id = any (v_refs)
    order by m.created_at desc
    limit 1;
    v_parent_found := found;
  end if;
  if not v_parent_found and v_channel <> 'slack' and v_subject ~ '\[#T-[0-9]{1,18}\]' then
    select t.* into v_parent
    from public.tickets t
    where t.ticket_number = (substring(v_subject from '\[#T-([0-9]{1,18})\]'))::bigint
      and t.sender_email = v_email;
    v_parent_found := found;
  end if;

  -- 4. Bounces mark the failed addresses and are recorded on the ticket they answer.
  if v_automated = 'bounce' then
    if coalesce((p_message -> 'bounce' ->> 'permanent')::boolean, false) then
      update public.customers c
      set email_undeliverable_at = now(),
          email_undeliverable_reason = left(coalesce(p_message -> 'bounce' ->> 'status', 'bounced'), 200)
      where c.email in (select lower(btrim(r)) from jsonb_array_elements_text(coalesce(p_message -> 'bounce' -> 'recipients', '[]')) r);
    end if;
    insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, ticket_id, details)
    values (v_channel, 'bounce', left(v_email, 255), left(v_subject, 998), v_message_id,
            case when v_parent_found then v_parent.id end, coalesce(p_message -> 'bounce', '{}'));
    if v_parent_found then
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_parent.id, 'bounce_received', coalesce(p_message -> 'bounce', '{}'), 'system');
    end if;
    return query select case when v_parent_found then v_parent.id end,
                        case when v_parent_found then v_parent.ticket_number end, 'bounce'::text, false;
    return;
  end if;

  if v_parent_found then
    perform 1 from public.tickets t where t.id = v_parent.id for update;
    select t.* into v_parent from public.tickets t where t.id = v_parent.id;
    if v_parent.status in ('resolved', 'closed')
       and coalesce(v_parent.resolved_at, v_parent.updated_at) < now() - v_reopen_window
       and v_automated is null then
      -- Too old to reopen: a new ticket that links the old one.
      v_previous := v_parent.id;
    else
      insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_email,
                                    is_automated, attachments, created_at)
      values (v_parent.id, 'inbound', v_channel, coalesce(nullif(p_message ->> 'body', ''), '(empty)'),
              'customer', left(v_email, 255), v_automated is not null,
              coalesce(p_message -> 'attachments', '[]'::jsonb), now())
      returning id into v_response_id;
      insert into public.ticket_message_ids (channel, external_id, ticket_id, direction, response_id)
      select v_id_channel, x, v_parent.id, 'inbound', v_response_id from unnest(v_ids) x
      on conflict do nothing;
      if v_automated is not null then
        -- An out-of-office or list mail on a ticket: recorded, no reopen, never answered.
        insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
        values (v_parent.id, 'auto_reply_received',
                jsonb_build_object('response_id', v_response_id, 'kind', v_automated,
                                   'why', p_message ->> 'automated_reason'), 'system');
        return query select v_parent.id, v_parent.ticket_number, 'auto_reply'::text, false;
        return;
      end if;
      v_status := case
        when v_parent.status in ('resolved', 'closed') then
          case when v_parent.assigned_to is not null then 'assigned'
               when v_parent.team_id is not null then 'queued'
               else 'analyzed' end
        when v_parent.status = 'waiting_on_customer' then 'in_progress'
        else v_parent.status end;
      update public.tickets t
      set status = v_status,
          resolved_at = case when v_status <> t.status and t.status in ('resolved', 'closed') then null else t.resolved_at end,
          is_auto_resolved = case when t.status in ('resolved', 'closed') then false else t.is_auto_resolved end,
          reopened_count = t.reopened_count + case when t.status in ('resolved', 'closed') then 1 else 0 end
      where t.id = v_parent.id;
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
      values (v_parent.id, case when v_parent.status in ('resolved', 'closed') then 'reopened' else 'customer_replied' end,
              jsonb_build_object('response_id', v_response_id, 'channel', v_channel, 'from', v_email,
                                 'status_before', v_parent.status, 'status', v_status),
              'customer', v_parent.customer_id);
      if v_status = 'analyzed' then
        perform app_private.enqueue_job('route', v_parent.id);
      end if;
      -- Tell the agent (or the team) that the customer answered.
      insert into public.notifications (ticket_id, kind, channel, target, payload)
      select v_parent.id, 'inbound_reply', 'slack', coalesce(a.slack_user_id, tm.slack_channel_id),
             jsonb_build_object('text', format(':speech_balloon: %s replied on #T-%s %s: %s',
               coalesce(v_name, v_email), v_parent.ticket_number, left(v_parent.subject, 80),
               left(regexp_replace(coalesce(p_message ->> 'body', ''), '\s+', ' ', 'g'), 300)))
      from (select 1) one
      left join public.agents a on a.id = v_parent.assigned_to
      left join public.teams tm on tm.id = v_parent.team_id
      where v_status <> 'analyzed' and (v_parent.assigned_to is not null or v_parent.team_id is not null);
      if found then
        perform app_private.enqueue_job('notify', v_parent.id);
      end if;
      return query select v_parent.id, v_parent.ticket_number,
        case when v_parent.status in ('resolved', 'closed') then 'reopened' else 'reply' end, false;
      return;
    end if;
  end if;

  -- 5. A new conversation. Auto-replies that answer nothing we know are only recorded; bulk
  --    mail opens at most a few tickets per sender and day.
  if v_automated = 'auto_reply' then
    insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, details)
    values (v_channel, 'auto_reply', left(v_email, 255), left(v_subject, 998), v_message_id,
            jsonb_build_object('why', p_message ->> 'automated_reason'));
    return query select null::uuid, null::bigint, 'suppressed'::text, false;
    return;
  end if;
  if v_automated = 'bulk' then
    perform pg_advisory_xact_lock(hashtextextended('bulk:' || v_email, 2));
    select count(*) into v_recent from public.tickets t
    where t.sender_email = v_email and t.created_at > now() - interval '24 hours' and 'bulk' = any (t.tags);
    if v_recent >= coalesce(nullif(app_private.get_setting('bulk_tickets_per_sender_per_day'), '')::integer, 3) then
      insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, details)
      values (v_channel, 'flood', left(v_email, 255), left(v_subject, 998), v_message_id,
              jsonb_build_object('why', p_message ->> 'automated_reason', 'tickets_today', v_recent));
      return query select null::uuid, null::bigint, 'suppressed'::text, false;
      return;
    end if;
    v_tags := array['bulk'];
    v_metadata := v_metadata || jsonb_build_object('auto_submitted', 'bulk',
                                                    'automated_reason', p_message ->> 'automated_reason');
  end if;

  -- Identical content within the dedupe window is the same ticket, whatever the channel.
  perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));
  select t.id, t.ticket_number, t.created_at into v_existing
  from public.tickets t where t.idempotency_key = p_idempotency_key;
  if found then
    if v_existing.created_at > now() - v_window then
      insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
      select v_id_channel, x, v_existing.id, 'inbound' from unnest(v_ids) x
      on conflict do nothing;
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_existing.id, 'duplicate_received',
              jsonb_build_object('channel', v_channel, 'message_id', v_message_id), 'customer');
      return query select v_existing.id, v_existing.ticket_number, 'duplicate'::text, true;
      return;
    end if;
    -- Outside the window: the old ticket keeps a derived key so the new one can take it.
    update public.tickets t
    set idempotency_key = encode(sha256(convert_to(p_idempotency_key || ':' || t.id::text, 'UTF8')), 'hex'),
        raw_metadata = t.raw_metadata || jsonb_build_object('superseded_idempotency_key', p_idempotency_key)
    where t.id = v_existing.id;
  end if;

  v_customer_id := app_private.upsert_customer(v_email, v_name);

  insert into public.tickets (idempotency_key, channel, customer_id, sender_email, sender_name,
                              subject, body, body_original, attachments, raw_metadata, tags,
                              previous_ticket_id)
  values (p_idempotency_key, v_channel, v_customer_id, v_email, v_name,
          v_subject, p_message ->> 'body', nullif(p_message ->> 'body_original', p_message ->> 'body'),
          coalesce(p_message -> 'attachments', '[]'::jsonb), v_metadata, v_tags, v_previous)
  returning id, tickets.ticket_number into v_ticket;

  insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
  select v_id_channel, x, v_ticket.id, 'inbound' from unnest(v_ids) x
  on conflict do nothing;

  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (v_ticket.id, 'created',
          jsonb_strip_nulls(jsonb_build_object('channel', v_channel, 'subject', left(v_subject, 200),
                                               'message_id', v_message_id, 'follow_up_of', v_previous,
                                               'automated', v_automated)),
          'customer', v_customer_id);
  if v_previous is not null then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (v_previous, 'follow_up_opened', jsonb_build_object('ticket_id', v_ticket.id,
            'ticket_number', v_ticket.ticket_number), 'customer');
  end if;

  return query select v_ticket.id, v_ticket.ticket_number, 'created'::text, false;
end;
$$;

-- The earlier entry point, kept for callers that only need the ticket.
create or replace function app_private.intake_ticket(
  p_idempotency_key text,
  p_message jsonb
)
returns table (ticket_id uuid, ticket_number bigint, duplicate boolean)
language sql
set search_path = ''
as $$
  select m.ticket_id, m.ticket_number, m.duplicate
  from app_private.intake_message(p_idempotency_key, p_message) m
$$;

-- Lets an agent release a quarantined ticket (it then goes through routing like any other)
-- or quarantine one the AI missed. p_agent_id is the acting agent (Slack console); in Studio
-- the signed-in agent acts.
create function app_private.set_quarantine(p_ticket_id uuid, p_quarantine boolean, p_agent_id uuid default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_agent uuid := coalesce(p_agent_id, app_private.current_agent_id());
  v_status text;
begin
  select t.status into v_status from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    raise exception 'ticket % not found', p_ticket_id using errcode = 'P0002';
  end if;
  if p_quarantine then
    if v_status = 'quarantined' then return v_status; end if;
    update public.tickets t set status = 'quarantined', is_spam = true, assigned_to = null where t.id = p_ticket_id;
    v_status := 'quarantined';
  else
    if v_status <> 'quarantined' then return v_status; end if;
    update public.tickets t set status = 'analyzed', is_spam = false where t.id = p_ticket_id;
    perform app_private.enqueue_job('route', p_ticket_id);
    v_status := 'analyzed';
  end if;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket_id, case when p_quarantine then 'quarantined' else 'released_from_quarantine' end,
          jsonb_build_object('by', case when v_agent is null then 'service' else 'agent' end),
          case when v_agent is null then 'system' else 'agent' end, v_agent);
  return v_status;
end;
$$;

-- Studio/API entry points for a signed-in agent.
create function public.release_from_quarantine(p_ticket_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Signed-in agents, the service role (Slack console) and admins in Studio (postgres).
  if app_private.current_agent_id() is null and coalesce(auth.role(), '') <> 'service_role'
     and session_user not in ('postgres', 'supabase_admin') then
    raise exception 'only agents can release tickets from quarantine' using errcode = '42501';
  end if;
  return app_private.set_quarantine(p_ticket_id, false);
end;
$$;

create function public.mark_as_spam(p_ticket_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Signed-in agents, the service role (Slack console) and admins in Studio (postgres).
  if app_private.current_agent_id() is null and coalesce(auth.role(), '') <> 'service_role'
     and session_user not in ('postgres', 'supabase_admin') then
    raise exception 'only agents can mark tickets as spam' using errcode = '42501';
  end if;
  return app_private.set_quarantine(p_ticket_id, true);
end;
$$;


-- Tickets: analysis of quarantined spam is stored, routing is not queued.
create or replace function app_private.record_triage(
  p_job_id bigint,
  p_attempt integer,
  p_ticket_id uuid,
  p_result jsonb
)
returns boolean
language plpgsql
set search_path = ''
as $$
declare
  v_status text;
  v_spam boolean;
begin
  select t.status into v_status from public.tickets t where t.id = p_ticket_id for update;
  if not found or v_status <> 'new' then
    perform app_private.require_complete_job(p_job_id, p_attempt);
    return false;
  end if;

  insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion,
    sentiment_intensity, priority_recommendation, urgency_score, escalation_flag, language,
    reasoning, content_hash, cache_hit, cached_from, fallback_reason, model_name, prompt_tokens,
    completion_tokens, total_cost)
  values (p_ticket_id, p_result ->> 'category', p_result ->> 'sub_category',
    (p_result ->> 'confidence')::numeric, p_result ->> 'emotion', (p_result ->> 'intensity')::integer,
    p_result ->> 'priority', (p_result ->> 'urgency_score')::integer,
    coalesce((p_result ->> 'escalation_needed')::boolean, false), p_result ->> 'language',
    p_result -> 'reasoning', p_result ->> 'content_hash',
    coalesce((p_result ->> 'cache_hit')::boolean, false), (p_result ->> 'cached_from')::uuid,
    p_result ->> 'fallback_reason', p_result ->> 'model',
    (p_result ->> 'prompt_tokens')::integer, (p_result ->> 'completion_tokens')::integer,
    (p_result ->> 'total_cost')::numeric);

  -- A provider failure that the fallback absorbed is still an error worth seeing.
  if p_result ->> 'fallback_reason' is not null then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id,
                                   context, severity)
    values ('triage', p_result ->> 'fallback_from', 'ai_provider_fallback',
            p_result ->> 'fallback_reason', p_ticket_id,
            jsonb_build_object('answered_by', p_result ->> 'model'), 'warning');
  end if;

  -- Spam (the provider's verdict; OpenAI above 0.9) is quarantined instead of routed.
  v_spam := coalesce((coalesce(p_result -> 'spam', p_result -> 'reasoning' -> 'spam') ->> 'isSpam')::boolean, false);
  update public.tickets
  set status = case when v_spam then 'quarantined' else 'analyzed' end,
      is_spam = v_spam,
      category = p_result ->> 'category',
      sub_category = p_result ->> 'sub_category',
      priority = p_result ->> 'priority',
      language = p_result ->> 'language',
      subject_en = p_result ->> 'subject_en',
      body_en = p_result ->> 'body_en',
      sentiment_emotion = p_result ->> 'emotion',
      sentiment_intensity = (p_result ->> 'intensity')::integer,
      ai_confidence = (p_result ->> 'confidence')::numeric,
      -- A message in another language without a translation is flagged for a human.
      tags = array(select distinct x from unnest(tags || array[p_result ->> 'category', p_result ->> 'sub_category',
                     case when coalesce(p_result ->> 'language', 'en') <> 'en' and p_result ->> 'body_en' is null
                          then 'needs_translation:' || (p_result ->> 'language') end]) x where x is not null)
  where id = p_ticket_id;

  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  values (p_ticket_id, 'analyzed', jsonb_build_object(
    'category', p_result ->> 'category', 'sub_category', p_result ->> 'sub_category',
    'confidence', (p_result ->> 'confidence')::numeric, 'priority', p_result ->> 'priority',
    'emotion', p_result ->> 'emotion', 'intensity', (p_result ->> 'intensity')::integer,
    'model', p_result ->> 'model'), 'ai');

  if v_spam then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (p_ticket_id, 'quarantined', jsonb_build_object('spam_score',
            (coalesce(p_result -> 'spam', p_result -> 'reasoning' -> 'spam') ->> 'score')::numeric,
            'model', p_result ->> 'model'), 'ai');
  else
    perform app_private.enqueue_job('route', p_ticket_id);
  end if;
  perform app_private.require_complete_job(p_job_id, p_attempt);
  return true;
end;
$$;

-- Routing: auto-resolution also requires a first contact, a deliverable address and the
-- customer's daily cap of automatic replies not reached.
create or replace function app_private.route_ticket(p_ticket_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_tier text;
  v_analysis public.ai_analysis;
  v_reasons text[] := '{}'::text[];
  v_recent integer;
  v_auto boolean;
  v_template public.response_templates;
  v_rule record;
  v_team_id uuid;
  v_team_name text;
  v_needs_senior boolean;
  v_agent uuid;
  v_policy public.sla_policies;
  v_first_deadline timestamptz;
  v_resolution_deadline timestamptz;
  v_decision jsonb;
begin
  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found then
    return jsonb_build_object('outcome', 'skipped', 'reason', 'ticket not found');
  end if;
  if v_ticket.status <> 'analyzed' then
    return jsonb_build_object('outcome', 'skipped', 'reason', 'status is ' || v_ticket.status);
  end if;
  select c.tier into v_tier from public.customers c where c.id = v_ticket.customer_id;
  select * into v_analysis from public.ai_analysis a
  where a.ticket_id = p_ticket_id order by a.created_at desc limit 1;

  -- Escalation flags.
  if v_tier in ('vip', 'enterprise') then
    v_reasons := v_reasons || (v_tier || '_customer');
  end if;
  if coalesce(v_analysis.escalation_flag, false) then
    v_reasons := v_reasons || 'negative_sentiment'::text;
  end if;
  select count(*) into v_recent from public.tickets t
  where t.customer_id = v_ticket.customer_id and t.created_at > v_ticket.created_at - interval '7 days'
    and t.created_at <= v_ticket.created_at;
  if v_recent >= coalesce(nullif(app_private.get_setting('repeat_contact_threshold'), '')::integer, 3) then
    v_reasons := v_reasons || 'repeat_contact'::text;
  end if;
  if v_ticket.priority = 'urgent' then
    v_reasons := v_reasons || 'urgent_priority'::text;
  end if;

  -- SLA deadlines count from the ticket's arrival.
  select * into v_policy from public.sla_policies p where p.priority = v_ticket.priority;
  v_first_deadline := v_ticket.created_at + make_interval(mins => v_policy.first_response_minutes);
  v_resolution_deadline := v_ticket.created_at + make_interval(mins => v_policy.resolution_minutes);

  -- The seed's auto-resolve rule, never for VIP/enterprise, escalated, spam or auto-replies.
  v_auto := v_analysis.confidence > coalesce(nullif(app_private.get_setting('auto_resolve_min_confidence'), '')::numeric, 0.85)
    and v_ticket.sub_category in ('password_reset', 'invoice_request', 'documentation')
    and v_analysis.sentiment_intensity < coalesce(nullif(app_private.get_setting('auto_resolve_max_intensity'), '')::integer, 7)
    and length(v_ticket.body) < coalesce(nullif(app_private.get_setting('auto_resolve_max_body_chars'), '')::integer, 500)
    and cardinality(v_reasons) = 0
    and not v_ticket.is_spam
    and coalesce(v_ticket.raw_metadata ->> 'auto_submitted', 'no') = 'no'
    -- A reopened ticket goes to a person; bounced addresses and the daily cap stop replies.
    and v_ticket.reopened_count = 0
    and app_private.may_auto_reply(v_ticket.customer_id)
    -- The answers are English: another language goes to a person.
    and coalesce(v_ticket.language, 'en') = 'en';
  if v_auto then
    select * into v_template from public.response_templates rt where rt.sub_category = v_ticket.sub_category;
    v_auto := found;
  end if;

  if v_auto then
    update public.tickets
    set status = 'resolved', is_auto_resolved = true, resolved_at = now(), first_response_at = now(),
        routed_at = now(), sla_deadline = v_resolution_deadline
    where id = p_ticket_id;
    insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, sent_at)
    values (p_ticket_id, 'outbound', v_ticket.channel, app_private.fill_template(v_template.body, v_ticket),
            'ai', true, false, null);
    insert into public.notifications (ticket_id, kind, channel, target, payload)
    values (p_ticket_id, 'customer_reply', 'email', v_ticket.sender_email,
            jsonb_build_object('subject', app_private.fill_template(v_template.subject, v_ticket)));
    insert into public.sla_tracking (ticket_id, priority, first_response_deadline, resolution_deadline, status)
    values (p_ticket_id, v_ticket.priority, v_first_deadline, v_resolution_deadline, 'met')
    on conflict (ticket_id) do update set status = 'met';
    v_decision := jsonb_build_object('outcome', 'auto_resolved', 'sub_category', v_ticket.sub_category,
      'confidence', v_analysis.confidence, 'intensity', v_analysis.sentiment_intensity);
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (p_ticket_id, 'auto_resolved', v_decision, 'ai');
    perform app_private.enqueue_job('notify', p_ticket_id);
    return v_decision;
  end if;

  -- Routing rules in rule_priority order; no match: the team handling the category, then General Support.
  select r.id, r.name, r.team_id into v_rule
  from public.routing_rules r
  where r.is_active
    and (r.category is null or r.category = v_ticket.category)
    and (r.sub_category is null or r.sub_category = v_ticket.sub_category)
    and (r.priority is null or r.priority = v_ticket.priority)
    and (r.customer_tier is null or r.customer_tier = v_tier)
    and (r.language is null or r.language = v_ticket.language)
    and (r.channel is null or r.channel = v_ticket.channel)
  order by r.rule_priority, r.created_at, r.id
  limit 1;
  v_team_id := v_rule.team_id;
  if v_team_id is null then
    select tm.id into v_team_id from public.teams tm
    where v_ticket.category = any (tm.handles_categories) order by tm.created_at, tm.id limit 1;
  end if;
  if v_team_id is null then
    select tm.id into v_team_id from public.teams tm where tm.name = 'General Support';
  end if;
  if v_team_id is null then
    raise exception 'no team matches ticket % and there is no General Support team', p_ticket_id;
  end if;
  select tm.name into v_team_name from public.teams tm where tm.id = v_team_id;

  v_needs_senior := v_ticket.priority = 'urgent' or cardinality(v_reasons) > 0;
  update public.tickets
  set team_id = v_team_id, routed_at = now(), is_escalated = cardinality(v_reasons) > 0,
      escalation_reasons = v_reasons, sla_deadline = v_resolution_deadline, status = 'queued'
  where id = p_ticket_id;
  insert into public.sla_tracking (ticket_id, priority, first_response_deadline, resolution_deadline)
  values (p_ticket_id, v_ticket.priority, v_first_deadline, v_resolution_deadline)
  on conflict (ticket_id) do update
    set priority = excluded.priority, first_response_deadline = excluded.first_response_deadline,
        resolution_deadline = excluded.resolution_deadline;

  perform app_private.lock_team_assignment(v_team_id);
  v_agent := app_private.pick_agent(v_team_id, v_needs_senior, v_ticket.category, v_ticket.sub_category);

  v_decision := jsonb_build_object(
    'outcome', case when v_agent is null then 'queued' else 'assigned' end,
    'team_id', v_team_id, 'team', v_team_name,
    'rule_id', v_rule.id, 'rule', coalesce(v_rule.name, 'default team for category'),
    'escalation_reasons', to_jsonb(v_reasons), 'needs_senior', v_needs_senior,
    'agent_id', v_agent,
    'candidates', (select count(*) from public.agents a where a.team_id = v_team_id and a.is_available
                     and (not v_needs_senior or a.skill_level in ('senior', 'expert'))),
    'first_response_deadline', v_first_deadline, 'resolution_deadline', v_resolution_deadline);
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  values (p_ticket_id, 'routed', v_decision, 'system');
  if v_ticket.is_escalated is distinct from (cardinality(v_reasons) > 0) and cardinality(v_reasons) > 0 then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (p_ticket_id, 'escalated', jsonb_build_object('reasons', to_jsonb(v_reasons)), 'system');
  end if;

  if v_agent is null then
    insert into public.notifications (ticket_id, kind, channel, target)
    select p_ticket_id, 'ticket_queued', 'slack', tm.slack_channel_id from public.teams tm where tm.id = v_team_id;
    perform app_private.enqueue_job('notify', p_ticket_id);
  else
    perform app_private.assign_ticket(p_ticket_id, v_agent, 'routed');
  end if;
  return v_decision;
end;
$$;

-- Views: quarantined spam is not active work; the quarantine and the intake errors have
-- their own views.
drop view public.active_tickets_view;
create view public.active_tickets_view with (security_invoker = true) as
select
  t.*,
  a.category as ai_category,
  a.confidence,
  a.sentiment_emotion as ai_sentiment_emotion,
  ag.name as agent_name,
  tm.name as team_name,
  s.first_response_deadline,
  s.resolution_deadline
from public.tickets t
left join lateral (
  select x.category, x.confidence, x.sentiment_emotion from public.ai_analysis x
  where x.ticket_id = t.id order by x.created_at desc limit 1
) a on true
left join public.agents ag on ag.id = t.assigned_to
left join public.teams tm on tm.id = t.team_id
left join public.sla_tracking s on s.ticket_id = t.id
where t.status not in ('resolved', 'closed', 'quarantined')
order by app_private.priority_rank(t.priority), t.created_at;

create view public.spam_quarantine with (security_invoker = true) as
select t.id as ticket_id, t.ticket_number, t.channel, t.sender_email, t.subject, left(t.body, 500) as body_preview,
       (select (e.event_data ->> 'spam_score')::numeric from public.ticket_events e
        where e.ticket_id = t.id and e.event_type = 'quarantined' order by e.created_at desc limit 1) as spam_score,
       t.created_at
from public.tickets t
where t.status = 'quarantined'
order by t.created_at desc;

-- Row-level security: service_role does everything; agents read what belongs to tickets they
-- see; anon nothing.
alter table public.ticket_message_ids enable row level security;
alter table public.suppressed_messages enable row level security;
alter table public.intake_dead_letters enable row level security;
revoke all on public.ticket_message_ids, public.suppressed_messages, public.intake_dead_letters
  from anon, authenticated;
grant all on public.ticket_message_ids, public.suppressed_messages, public.intake_dead_letters to service_role;
grant select on public.ticket_message_ids, public.suppressed_messages to authenticated;
create policy ticket_message_ids_select_of_visible_tickets on public.ticket_message_ids
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));
create policy suppressed_messages_select_signed_in_agents on public.suppressed_messages
  for select to authenticated using (app_private.current_agent_id() is not null);

revoke all on public.active_tickets_view, public.spam_quarantine from anon, authenticated;
grant select on public.active_tickets_view, public.spam_quarantine to authenticated, service_role;

revoke all on function app_private.intake_message(text, jsonb) from public;
revoke all on function app_private.intake_dead_letter(text, text, bytea, jsonb) from public;
revoke all on function app_private.may_auto_reply(uuid) from public;
revoke all on function app_private.set_quarantine(uuid, boolean, uuid) from public;
revoke all on function app_private.normalise_message_id(text) from public;
revoke all on function public.release_from_quarantine(uuid) from public, anon;
revoke all on function public.mark_as_spam(uuid) from public, anon;
grant execute on function app_private.intake_message(text, jsonb) to service_role;
grant execute on function app_private.intake_dead_letter(text, text, bytea, jsonb) to service_role;
grant execute on function app_private.set_quarantine(uuid, boolean, uuid) to service_role;
grant execute on function app_private.may_auto_reply(uuid), app_private.normalise_message_id(text) to service_role;
grant execute on function public.release_from_quarantine(uuid) to authenticated, service_role;
grant execute on function public.mark_as_spam(uuid) to authenticated, service_role;
