-- Intake: one call creates (or finds) the customer and the ticket, deduplicated by
-- idempotency key within the dedupe window, and queues triage in the same transaction.

-- Finds or creates the customer of a message without rewriting (and locking) the row of a
-- repeat sender.
create function app_private.upsert_customer(p_email text, p_name text)
returns uuid
language plpgsql
set search_path = ''
as $$
declare
  v_id uuid;
  v_name text;
begin
  select c.id, c.name into v_id, v_name from public.customers c where c.email = p_email;
  if v_id is null then
    insert into public.customers (email, name) values (p_email, p_name)
    on conflict (email) do nothing
    returning id into v_id;
    if v_id is null then
      select c.id into v_id from public.customers c where c.email = p_email;
    end if;
  elsif v_name is null and p_name is not null then
    update public.customers set name = p_name where id = v_id and name is null;
  end if;
  return v_id;
end;
$$;

-- Creates a ticket for a normalised message, or returns the ticket that an identical
-- message created within the dedupe window. Safe under concurrent identical calls.
create function app_private.intake_ticket(
  p_idempotency_key text,
  p_message jsonb
)
returns table (ticket_id uuid, ticket_number bigint, duplicate boolean)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_window interval := make_interval(hours => coalesce(nullif(app_private.get_setting('dedupe_window_hours'), '')::integer, 24));
  v_existing record;
  v_customer_id uuid;
  v_email text := lower(btrim(p_message ->> 'email'));
  v_name text := nullif(btrim(coalesce(p_message ->> 'name', '')), '');
  v_ticket record;
begin
  if p_idempotency_key !~ '^[0-9a-f]{64}$' then
    raise exception 'idempotency key must be 64 hex characters' using errcode = '22023';
  end if;
  -- Serialises identical messages; different messages never wait for each other.
  perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));

  select t.id, t.ticket_number, t.created_at into v_existing
  from public.tickets t where t.idempotency_key = p_idempotency_key;
  if found then
    if v_existing.created_at > now() - v_window then
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
      values (v_existing.id, 'duplicate_received',
              jsonb_build_object('channel', p_message ->> 'channel'), 'customer');
      return query select v_existing.id, v_existing.ticket_number, true;
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
                              subject, body, attachments, raw_metadata)
  values (p_idempotency_key, p_message ->> 'channel', v_customer_id, v_email, v_name,
          p_message ->> 'subject', p_message ->> 'body',
          coalesce(p_message -> 'attachments', '[]'::jsonb),
          coalesce(p_message -> 'metadata', '{}'::jsonb))
  returning id, tickets.ticket_number into v_ticket;

  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (v_ticket.id, 'created',
          jsonb_build_object('channel', p_message ->> 'channel', 'subject', left(p_message ->> 'subject', 200)),
          'customer', v_customer_id);

  return query select v_ticket.id, v_ticket.ticket_number, false;
end;
$$;

-- Queues triage for every new ticket, in the inserting transaction.
create function app_private.tickets_enqueue_triage()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app_private.enqueue_job('triage', new.id);
  return null;
end;
$$;
create trigger tickets_enqueue_triage after insert on public.tickets
  for each row when (new.status = 'new') execute function app_private.tickets_enqueue_triage();

-- Stores a triage result, copies it to the ticket, logs the event, queues routing and
-- completes the job, all at once. A ticket that is no longer new is left as it is.
create function app_private.record_triage(
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

  update public.tickets
  set status = 'analyzed',
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

  perform app_private.enqueue_job('route', p_ticket_id);
  perform app_private.require_complete_job(p_job_id, p_attempt);
  return true;
end;
$$;

revoke all on function app_private.intake_ticket(text, jsonb) from public;
revoke all on function app_private.tickets_enqueue_triage() from public;
revoke all on function app_private.record_triage(bigint, integer, uuid, jsonb) from public;
grant execute on function app_private.intake_ticket(text, jsonb) to service_role;
grant execute on function app_private.record_triage(bigint, integer, uuid, jsonb) to service_role;
