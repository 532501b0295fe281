-- The same reply delivered twice (a double-submitted form, a webhook retried without a
-- Message-ID, the same mail through two channels) is stored once, as the same new message
-- already is: an inbound response keeps the message's content key, and a second delivery
-- with that key on the same ticket within the dedupe window is a duplicate.
alter table public.responses add column idempotency_key text
  check (idempotency_key is null or idempotency_key ~ '^[0-9a-f]{64}$');
create index responses_ticket_idempotency_key_idx on public.responses (ticket_id, idempotency_key)
  where idempotency_key is not null;

-- The one intake path (as in 20261203091200_create_channel_intake, plus the reply dedupe). p_message is the normalised message (see _shared/normalise.ts):
--   channel, email, name, subject, body (cleaned, for analysis), body_original, attachments,
--   metadata, message_id (the channel's own id), extra_ids (more ids of the same delivery, e.g.
--   a Slack event id), references (ids it replies to: In-Reply-To/References or the Slack
--   thread), automated (auto_reply | bulk | loop | bounce | feedback_report), automated_reason,
--   bounce {recipients, permanent, status}.
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
  v_name text := nullif(btrim(coalesce(p_message ->> 'name', '')), '');
  v_subject text := coalesce(p_message ->> 'subject', '');
  v_automated text := nullif(p_message ->> 'automated', '');
  v_message_id text := app_private.normalise_message_id(p_message ->> 'message_id');
  v_ids text[];
  v_refs text[];
  v_known record;
  v_parent public.tickets;
  v_parent_found boolean := false;
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
    insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, ticket_id, details)
    values (v_channel, 'bounce', left(v_email, 255), left(v_subject, 998), v_message_id, v_bounced.id,
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
       and v_automated is null then
      -- Too old to reopen: a new ticket that links the old one.
      v_previous := v_parent.id;
    else
      insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_email,
                                    is_automated, attachments, created_at, idempotency_key)
      values (v_parent.id, 'inbound', v_channel, coalesce(nullif(p_message ->> 'body', ''), '(empty)'),
              'customer', left(v_email, 255), v_automated is not null,
              coalesce(p_message -> 'attachments', '[]'::jsonb), now(), p_idempotency_key)
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
