-- The one intake path, hardened where real mail broke it:
-- * A known channel id (Message-ID) is a repeat only from the same sender or with the same
--   content; a colliding id from someone else is taken in normally and logged. Our own
--   outbound Message-ID coming back is a loop, recorded.
-- * Weak automated cues (kinds possible_auto_reply and bulk) open a ticket flagged automated
--   (tag, raw_metadata.auto_submitted: never auto-answered) within the per-sender cap; only
--   strong signals (auto_reply, loop, bounce, feedback_report) keep mail from a ticket, and
--   every suppressed message keeps its content (releasable, see 20261204100000).
-- * A reply threaded by In-Reply-To/References from someone other than the ticket's customer
--   (a colleague in CC, another Slack user in the thread) is kept on the ticket, marked as a
--   third party's (responses.is_third_party), and changes nothing about the ticket.
-- * A message whose sender nobody vouches for (the public web form: thread_by_subject false)
--   never threads onto a ticket through a [#T-n] subject reference.
-- * A customer reply that reopens a resolved ticket or answers a waiting one goes back to the
--   previous agent only when that agent is available and under max_concurrent_tickets;
--   otherwise to the team queue (returned_to_queue event saying why) and the queue hand-out.
--   Lock order: the global assignment lock before any ticket or agent row.
-- * Truncated mail (too large to read whole) is tagged 'truncated' and says so in its events.
-- submit_intake (the intake function's entry point) now returns the outcome, so a reply is
-- answered as a reply, not as a new ticket.

alter table public.responses
  add column is_third_party boolean not null default false;
comment on column public.responses.is_third_party is
  'Inbound message from someone other than the ticket''s customer (a colleague in CC, another Slack user in the thread): kept on the ticket, never treated as the customer (sender_type is null).';

-- p_message is the normalised message (see _shared/normalise.ts): channel, email, name,
-- subject, body (cleaned, for analysis), body_original, attachments, metadata (metadata.from:
-- the From address when email is a Reply-To; metadata.truncated), message_id, extra_ids,
-- references, automated (auto_reply | possible_auto_reply | bulk | loop | bounce |
-- feedback_report), automated_reason, bounce {recipients, permanent, status},
-- thread_by_subject (default true).
-- Outcomes: created, duplicate, reply, reopened, auto_reply (recorded on its ticket),
-- suppressed (recorded in suppressed_messages, no ticket), bounce.
create or replace function app_private.intake_message(
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
  -- The address the message came from (From), when the customer's address is its Reply-To.
  v_from text := lower(btrim(coalesce(nullif(p_message -> 'metadata' ->> 'from', ''), p_message ->> 'email', '')));
  v_name text := nullif(btrim(coalesce(p_message ->> 'name', '')), '');
  v_subject text := coalesce(p_message ->> 'subject', '');
  v_automated text := nullif(p_message ->> 'automated', '');
  v_reason text := p_message ->> 'automated_reason';
  -- Weak cues flag a ticket; they never suppress and never turn a person's reply into noise.
  v_person boolean := coalesce(nullif(p_message ->> 'automated', '') in ('possible_auto_reply', 'bulk'), true);
  v_by_subject boolean := coalesce((p_message ->> 'thread_by_subject')::boolean, true);
  v_truncated text := nullif(p_message -> 'metadata' ->> 'truncated', '');
  v_message_id text := app_private.normalise_message_id(p_message ->> 'message_id');
  v_flags jsonb;
  v_ids text[];
  v_refs text[];
  v_known record;
  v_parent public.tickets;
  v_parent_found boolean := false;
  v_third_party boolean := false;
  v_assignment_locked boolean := false;
  v_agent public.agents;
  v_queue_reason text;
  v_after record;
  v_bounced public.tickets;
  v_verified boolean := false;
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
  if v_automated is not null
     and v_automated not in ('auto_reply', 'possible_auto_reply', 'bulk', 'loop', 'bounce', 'feedback_report') then
    raise exception 'automated must be auto_reply, possible_auto_reply, bulk, loop, bounce or feedback_report'
      using errcode = '22023';
  end if;
  v_flags := jsonb_strip_nulls(jsonb_build_object(
    'automated', case when v_person then v_automated end,
    'automated_reason', case when v_person and v_automated is not null then v_reason end,
    'truncated', v_truncated));
  select coalesce(array_agg(distinct x) filter (where x is not null), '{}') into v_ids
  from (select v_message_id as x
        union all
        select app_private.normalise_message_id(e) from jsonb_array_elements_text(coalesce(p_message -> 'extra_ids', '[]')) e) ids;
  select coalesce(array_agg(x) filter (where x is not null), '{}') into v_refs
  from (select app_private.normalise_message_id(r) as x
        from jsonb_array_elements_text(coalesce(p_message -> 'references', '[]')) r) refs;

  -- 1. The same delivery again (a retried webhook, a second poll, Slack's retry): a known id
  --    from the same sender, or with the same content. Anyone can reuse a Message-ID, so an id
  --    alone never makes another sender's mail disappear.
  if cardinality(v_ids) > 0 then
    -- Serialises deliveries of one message id; different messages never wait for each other.
    perform pg_advisory_xact_lock(hashtextextended(v_id_channel || ':' || x, 1))
    from unnest(v_ids) x order by x;
    select m.ticket_id, t.ticket_number, m.external_id, coalesce(r.sender_email, t.sender_email) as sender,
           (lower(coalesce(r.sender_email, t.sender_email)) in (v_email, v_from)
            or coalesce(r.idempotency_key, t.idempotency_key) = p_idempotency_key) as same
    into v_known
    from public.ticket_message_ids m
    join public.tickets t on t.id = m.ticket_id
    left join public.responses r on r.id = m.response_id
    where m.channel = v_id_channel and m.external_id = any (v_ids) and m.direction = 'inbound'
    order by same desc, m.created_at
    limit 1;
    if found and v_known.same then
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_known.ticket_id, 'duplicate_received',
              jsonb_build_object('channel', v_channel, 'message_id', v_message_id), 'customer');
      return query select v_known.ticket_id, v_known.ticket_number, 'duplicate'::text, true;
      return;
    end if;
    if exists (select 1 from public.suppressed_messages s
               where s.message_id = any (v_ids) and s.received_at > now() - v_window and s.released_at is null
                 and (lower(s.sender_email) in (v_email, v_from) or s.idempotency_key = p_idempotency_key)) then
      return query select null::uuid, null::bigint, 'duplicate'::text, true;
      return;
    end if;
    if exists (select 1 from public.ticket_message_ids m
               where m.channel = v_id_channel and m.external_id = any (v_ids) and m.direction = 'outbound') then
      -- A message we sent, coming back under its own Message-ID: a loop.
      perform app_private.record_suppressed_message('loop', p_idempotency_key, p_message, null,
        jsonb_build_object('why', 'the Message-ID of a message we sent'));
      return query select null::uuid, null::bigint, 'suppressed'::text, false;
      return;
    end if;
    if v_known.ticket_id is not null then
      insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id, context, severity)
      values ('intake', v_channel, 'message_id_collision',
              format('Message id %s of #T-%s arrived again from another sender with other content: taken in as a new message',
                     v_known.external_id, v_known.ticket_number),
              v_known.ticket_id,
              jsonb_build_object('message_id', v_known.external_id, 'sender', v_email,
                                 'known_sender', v_known.sender, 'subject', left(v_subject, 200)),
              'warning');
    end if;
  end if;

  -- 2. Our own mail coming back, and abuse reports: recorded, never a ticket.
  if v_automated in ('loop', 'feedback_report') then
    perform app_private.record_suppressed_message(v_automated, p_idempotency_key, p_message, null,
      jsonb_build_object('why', v_reason));
    return query select null::uuid, null::bigint, 'suppressed'::text, false;
    return;
  end if;

  -- 3. The ticket this message answers: by message ids, then by a [#T-123] subject reference
  --    from the ticket's own customer (never for a sender nobody vouches for).
  if cardinality(v_refs) > 0 then
    select t.* into v_parent
    from public.ticket_message_ids m join public.tickets t on t.id = m.ticket_id
    where m.channel = v_id_channel and m.external_id = any (v_refs)
    order by m.created_at desc
    limit 1;
    v_parent_found := found;
  end if;
  if not v_parent_found and v_by_subject and v_channel <> 'slack' and v_subject ~ '\[#T-[0-9]{1,18}\]' then
    select t.* into v_parent
    from public.tickets t
    where t.ticket_number = (substring(v_subject from '\[#T-([0-9]{1,18})\]'))::bigint
      and t.sender_email = v_email;
    v_parent_found := found;
  end if;

  -- 4. Bounces mark the failed addresses and are recorded on the ticket they answer.
  if v_automated = 'bounce' then
    -- Only a bounce of mail we sent counts: it must name one of our outbound message ids (the
    -- parser adds the returned message's Message-ID to the references), and only that
    -- ticket's customer address is marked. A bounce naming nothing we sent is recorded as
    -- unverified: anyone can write "mailer-daemon" and a victim's address.
    select t.* into v_bounced
    from public.ticket_message_ids m join public.tickets t on t.id = m.ticket_id
    where m.channel = 'email' and m.direction = 'outbound' and m.external_id = any (v_refs)
    order by m.created_at desc
    limit 1;
    v_verified := found;
    if v_verified and coalesce((p_message -> 'bounce' ->> 'permanent')::boolean, false) then
      update public.customers c
      set email_undeliverable_at = now(),
          email_undeliverable_reason = left(coalesce(p_message -> 'bounce' ->> 'status', 'bounced'), 200)
      where c.id = v_bounced.customer_id
        and c.email in (select lower(btrim(r)) from jsonb_array_elements_text(coalesce(p_message -> 'bounce' -> 'recipients', '[]')) r);
    end if;
    if not v_verified and v_parent_found then
      v_bounced := v_parent;
    end if;
    perform app_private.record_suppressed_message('bounce', p_idempotency_key, p_message, v_bounced.id,
      coalesce(p_message -> 'bounce', '{}') || jsonb_build_object('verified', v_verified));
    if v_bounced.id is not null then
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_bounced.id, 'bounce_received',
              coalesce(p_message -> 'bounce', '{}') || jsonb_build_object('verified', v_verified), 'system');
    end if;
    return query select v_bounced.id, v_bounced.ticket_number, 'bounce'::text, false;
    return;
  end if;

  if v_parent_found then
    -- Someone other than the customer (a colleague in CC) answering in the thread.
    v_third_party := not (lower(v_parent.sender_email) in (v_email, v_from)
      or exists (select 1 from public.customers c
                 where c.id = v_parent.customer_id and lower(c.email) in (v_email, v_from)));
    -- LOCK ORDER: the global assignment lock before any ticket or agent row. The customer's
    -- reply may hand a resolved or waiting ticket back to its agent, which needs it.
    if v_person and not v_third_party and v_parent.status in ('resolved', 'closed', 'waiting_on_customer') then
      perform app_private.lock_team_assignment(v_parent.team_id);
      v_assignment_locked := true;
    end if;
    perform 1 from public.tickets t where t.id = v_parent.id for update;
    select t.* into v_parent from public.tickets t where t.id = v_parent.id;
    -- The same reply again (serialised by the ticket's lock): a duplicate, its ids kept.
    if exists (select 1 from public.responses r
               where r.ticket_id = v_parent.id and r.idempotency_key = p_idempotency_key
                 and r.created_at > now() - v_window) then
      insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
      select v_id_channel, x, v_parent.id, 'inbound' from unnest(v_ids) x
      on conflict do nothing;
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_parent.id, 'duplicate_received',
              jsonb_build_object('channel', v_channel, 'message_id', v_message_id), 'customer');
      return query select v_parent.id, v_parent.ticket_number, 'duplicate'::text, true;
      return;
    end if;
    if v_parent.status in ('resolved', 'closed')
       and coalesce(v_parent.resolved_at, v_parent.updated_at) < now() - v_reopen_window
       and v_person then
      -- Too old to reopen: a new ticket that links the old one.
      v_previous := v_parent.id;
    else
      insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_email,
                                    is_automated, is_third_party, attachments, created_at, idempotency_key)
      values (v_parent.id, 'inbound', v_channel, coalesce(nullif(p_message ->> 'body', ''), '(empty)'),
              case when v_third_party then null else 'customer' end,
              left(case when v_third_party then v_from else v_email end, 255), not v_person, v_third_party,
              coalesce(p_message -> 'attachments', '[]'::jsonb), now(), p_idempotency_key)
      returning id into v_response_id;
      insert into public.ticket_message_ids (channel, external_id, ticket_id, direction, response_id)
      select v_id_channel, x, v_parent.id, 'inbound', v_response_id from unnest(v_ids) x
      on conflict do nothing;
      if not v_person then
        -- An out-of-office on a ticket: recorded, no reopen, never answered.
        insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
        values (v_parent.id, 'auto_reply_received',
                jsonb_build_object('response_id', v_response_id, 'kind', v_automated, 'why', v_reason), 'system');
        return query select v_parent.id, v_parent.ticket_number, 'auto_reply'::text, false;
        return;
      end if;

      if v_third_party then
        -- Kept and shown, but the ticket is the customer's: no reopen, no clock change.
        insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
        values (v_parent.id, 'third_party_replied',
                jsonb_build_object('response_id', v_response_id, 'channel', v_channel, 'from', v_from,
                                   'reply_to', v_email, 'customer', v_parent.sender_email,
                                   'status', v_parent.status) || v_flags,
                null);
        v_status := v_parent.status;
      else
        -- Back to the previous agent only when they can take it now; otherwise the team queue.
        v_status := v_parent.status;
        if v_parent.status in ('resolved', 'closed', 'waiting_on_customer') then
          if v_parent.assigned_to is not null then
            select * into v_agent from public.agents a where a.id = v_parent.assigned_to;
            v_queue_reason := case
              when not v_assignment_locked then 'status_changed_meanwhile'
              when v_agent.id is null then 'agent_removed'
              when not v_agent.is_available then 'agent_' || v_agent.availability
              when v_parent.team_id is not null and v_agent.team_id is distinct from v_parent.team_id then 'agent_left_team'
              when v_agent.active_tickets >= v_agent.max_concurrent_tickets then 'agent_at_capacity'
            end;
            v_status := case
              when v_queue_reason is null then
                case when v_parent.status = 'waiting_on_customer' then 'in_progress' else 'assigned' end
              when v_parent.team_id is not null then 'queued'
              else 'analyzed' end;
          else
            v_status := case when v_parent.team_id is not null then 'queued' else 'analyzed' end;
          end if;
        end if;
        update public.tickets t
        set status = v_status,
            assigned_to = case when v_status in ('queued', 'analyzed') then null else t.assigned_to end,
            assigned_at = case when v_status in ('queued', 'analyzed') then null else t.assigned_at end,
            resolved_at = case when v_status <> t.status and t.status in ('resolved', 'closed') then null else t.resolved_at end,
            is_auto_resolved = case when t.status in ('resolved', 'closed') then false else t.is_auto_resolved end,
            reopened_count = t.reopened_count + case when t.status in ('resolved', 'closed') then 1 else 0 end
        where t.id = v_parent.id;
        insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
        values (v_parent.id, case when v_parent.status in ('resolved', 'closed') then 'reopened' else 'customer_replied' end,
                jsonb_build_object('response_id', v_response_id, 'channel', v_channel, 'from', v_email,
                                   'status_before', v_parent.status, 'status', v_status) || v_flags,
                'customer', v_parent.customer_id);
        if v_queue_reason is not null then
          insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
          values (v_parent.id, 'returned_to_queue',
                  jsonb_strip_nulls(jsonb_build_object('reason', v_queue_reason, 'trigger', 'customer_reply',
                    'agent_id', v_parent.assigned_to, 'availability', v_agent.availability,
                    'active_tickets', v_agent.active_tickets, 'max_concurrent_tickets', v_agent.max_concurrent_tickets,
                    'status', v_status)),
                  'system');
        end if;
        if v_status = 'analyzed' then
          perform app_private.enqueue_job('route', v_parent.id);
        elsif v_status = 'queued' and v_assignment_locked then
          -- The queue hand-out, under the lock already held: the best agent with room, if any.
          perform app_private.assign_queued_tickets(v_parent.team_id);
        end if;
      end if;

      -- Tell the agent (or the team) that someone answered.
      select t.assigned_to, t.team_id, t.status into v_after from public.tickets t where t.id = v_parent.id;
      insert into public.notifications (ticket_id, kind, channel, target, payload)
      select v_parent.id, 'inbound_reply', 'slack', coalesce(a.slack_user_id, tm.slack_channel_id),
             jsonb_build_object('text', format(':speech_balloon: %s%s replied on #T-%s %s: %s',
               coalesce(v_name, case when v_third_party then v_from else v_email end),
               case when v_third_party then ' (not the customer)' else '' end,
               v_parent.ticket_number, left(v_parent.subject, 80),
               left(regexp_replace(coalesce(p_message ->> 'body', ''), '\s+', ' ', 'g'), 300)))
      from (select 1) one
      left join public.agents a on a.id = v_after.assigned_to
      left join public.teams tm on tm.id = v_after.team_id
      where v_after.status <> 'analyzed' and (v_after.assigned_to is not null or v_after.team_id is not null);
      if found then
        perform app_private.enqueue_job('notify', v_parent.id);
      end if;
      return query select v_parent.id, v_parent.ticket_number,
        case when v_parent.status in ('resolved', 'closed') and not v_third_party then 'reopened' else 'reply' end, false;
      return;
    end if;
  end if;

  -- 5. A new conversation. Auto-replies that answer nothing we know are only recorded; mail
  --    with weak automated cues opens a flagged ticket, at most a few per sender and day.
  if v_automated = 'auto_reply' then
    perform app_private.record_suppressed_message('auto_reply', p_idempotency_key, p_message, null,
      jsonb_build_object('why', v_reason));
    return query select null::uuid, null::bigint, 'suppressed'::text, false;
    return;
  end if;
  if v_automated in ('possible_auto_reply', 'bulk') then
    perform pg_advisory_xact_lock(hashtextextended('bulk:' || v_email, 2));
    select count(*) into v_recent from public.tickets t
    where t.sender_email = v_email and t.created_at > now() - interval '24 hours'
      and ('automated' = any (t.tags) or 'bulk' = any (t.tags));
    if v_recent >= coalesce(nullif(app_private.get_setting('bulk_tickets_per_sender_per_day'), '')::integer, 3) then
      perform app_private.record_suppressed_message('flood', p_idempotency_key, p_message, null,
        jsonb_build_object('why', v_reason, 'kind', v_automated, 'tickets_today', v_recent));
      return query select null::uuid, null::bigint, 'suppressed'::text, false;
      return;
    end if;
    v_tags := array['automated', v_automated];
    v_metadata := v_metadata || jsonb_build_object('auto_submitted', v_automated, 'automated_reason', v_reason);
  end if;
  if v_truncated is not null then
    v_tags := v_tags || 'truncated'::text;
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
                                               'message_id', v_message_id, 'follow_up_of', v_previous)) || v_flags,
          'customer', v_customer_id);
  if v_previous is not null then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (v_previous, 'follow_up_opened', jsonb_build_object('ticket_id', v_ticket.id,
            'ticket_number', v_ticket.ticket_number), 'customer');
  end if;

  return query select v_ticket.id, v_ticket.ticket_number, 'created'::text, false;
end;
$$;

-- Intake's entry point (as in 20261203092000, now with the outcome): answers a duplicate
-- within the dedupe window without counting it; otherwise takes the sender's and, when
-- given, the client IP's rate limit, then takes the message in. A limited request changes
-- nothing and returns null ticket columns with retry_after_seconds and limited_by.
drop function app_private.submit_intake(text, jsonb, text);
create function app_private.submit_intake(
  p_idempotency_key text,
  p_message jsonb,
  p_client_ip text default null
)
returns table (ticket_id uuid, ticket_number bigint, duplicate boolean, retry_after_seconds integer,
               limited_by text, outcome text)
language plpgsql
set search_path = ''
as $$
declare
  v_window interval := make_interval(hours => coalesce(nullif(app_private.get_setting('dedupe_window_hours'), '')::integer, 24));
  v_limit record;
begin
  if p_idempotency_key !~ '^[0-9a-f]{64}$' then
    raise exception 'idempotency key must be 64 hex characters' using errcode = '22023';
  end if;
  -- The same lock intake_message takes (re-entrant): a concurrent identical message waits
  -- here and then sees the first one's ticket, so it is not counted either.
  perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));

  if not exists (select 1 from public.tickets t
                 where t.idempotency_key = p_idempotency_key and t.created_at > now() - v_window) then
    select l.retry_after_seconds, l.limited_by into v_limit
    from app_private.take_intake_rate_limit(p_message ->> 'email', p_client_ip) l;
    if v_limit.limited_by is not null then
      return query select null::uuid, null::bigint, false, v_limit.retry_after_seconds, v_limit.limited_by,
                          null::text;
      return;
    end if;
  end if;

  return query
    select i.ticket_id, i.ticket_number, i.duplicate, null::integer, null::text, i.outcome
    from app_private.intake_message(p_idempotency_key, p_message) i;
end;
$$;

revoke all on function app_private.submit_intake(text, jsonb, text) from public;
grant execute on function app_private.submit_intake(text, jsonb, text) to service_role;

revoke all on all functions in schema app_private from public;
