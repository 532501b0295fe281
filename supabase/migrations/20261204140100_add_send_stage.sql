-- The send stage delivers answers to the customer on the ticket's channel: e-mail (SMTP),
-- the Slack thread, or for API and web tickets the signed 'answer.sent' webhook. A
-- deliverable answer (an AI answer auto-sent, approved or edited; an agent's answer) queues
-- the stage when its transaction commits, whoever wrote it (the respond stage, the
-- auto-resolution path, the Slack console, Studio). Each answer is claimed before it goes out
-- ('sending', with a lease and a claim token, committed first) and its outcome recorded
-- after: a duplicated or retried job finds it claimed or sent and sends nothing, and an
-- answer found still 'sending' after its lease (a crash between sending and recording) is
-- never sent blindly again: a Slack answer is looked up in its thread first, an e-mail is
-- marked 'uncertain' for a person to check.

insert into app_private.settings (key, value, description) values
  ('send_lease_seconds', '120', 'How long one delivery attempt of an answer may take before it counts as interrupted')
on conflict (key) do nothing;

alter table public.responses
  add column delivery_status varchar(20)
    check (delivery_status in ('queued', 'sending', 'sent', 'dispatched', 'held', 'failed', 'uncertain')),
  add column delivery_attempts integer not null default 0 check (delivery_attempts >= 0),
  add column delivery_claim uuid,
  add column delivery_claimed_at timestamptz,
  add column delivery_locked_until timestamptz,
  add column delivery_error text,
  add column delivered_via varchar(20) check (delivered_via in ('email', 'slack', 'webhook')),
  add column external_message_id text;
comment on column public.responses.delivery_status is
  'Outbound answers: queued (waiting for the send stage), sending (an attempt is in flight), sent, dispatched (API/web: handed to the answer.sent webhooks, sent at the first acknowledgement), held (no transport configured: waits), failed (given up: see delivery_error), uncertain (an attempt was interrupted after the message may have left: check before resending).';
comment on column public.responses.external_message_id is
  'E-mail Message-ID, Slack message ts or the answer.sent webhook event id of the delivered answer.';
create index responses_delivery_open_idx on public.responses (ticket_id, created_at)
  where delivery_status in ('queued', 'sending');
create index responses_delivery_attention_idx on public.responses (created_at)
  where delivery_status in ('held', 'failed', 'uncertain');

-- True for an outbound answer that should reach the customer and has not yet: an AI answer
-- sent without review or approved/edited by an agent, or an agent's own answer.
create function app_private.response_is_deliverable(p_response public.responses)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select p_response.direction = 'outbound' and not p_response.is_third_party and p_response.sent_at is null
    and (p_response.review_status in ('auto_sent', 'approved', 'edited')
         or (p_response.review_status is null and p_response.sender_type = 'agent'))
$$;

-- Answers that existed before sending did are not sent now (their moment has passed): they
-- are held for an operator to release with app_private.requeue_response_delivery().
update public.responses r
set delivery_status = 'held', delivery_error = 'written before outbound sending was available'
where app_private.response_is_deliverable(r);

-- At commit (a deferred constraint trigger, so whoever writes the row and then queues the
-- stage itself, like record_response, is not second-guessed): a deliverable answer without a
-- delivery status is queued for the send stage.
create function app_private.responses_queue_send()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
begin
  select * into v_response from public.responses r where r.id = new.id;
  if found and v_response.delivery_status is null and app_private.response_is_deliverable(v_response) then
    update public.responses set delivery_status = 'queued' where id = v_response.id;
    perform app_private.enqueue_job('send', v_response.ticket_id, jsonb_build_object('response_id', v_response.id));
  end if;
  return null;
end;
$$;
create constraint trigger responses_queue_send after insert or update of review_status, sender_type, sent_at
  on public.responses deferrable initially deferred
  for each row execute function app_private.responses_queue_send();

-- Logs a delivery problem of an answer: ticket event, error_logs and a Slack alert.
create function app_private.alert_response_delivery(p_response public.responses, p_kind text, p_error text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_number bigint;
begin
  select t.ticket_number into v_number from public.tickets t where t.id = p_response.ticket_id;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  values (p_response.ticket_id, 'response_' || p_kind,
          jsonb_build_object('response_id', p_response.id, 'channel', p_response.channel,
                             'attempts', p_response.delivery_attempts, 'error', left(p_error, 500)), 'system');
  insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id, context, severity)
  values ('send', p_response.channel, 'response_' || p_kind, left(p_error, 4000), p_response.ticket_id,
          jsonb_build_object('response_id', p_response.id, 'attempts', p_response.delivery_attempts),
          case when p_kind = 'held' then 'warning' else 'error' end);
  if p_kind <> 'held' then
    insert into public.notifications (ticket_id, kind, channel, target, payload)
    values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
            jsonb_build_object('text', format(
              case p_kind
                when 'uncertain' then ':warning: The answer to #T-%s may or may not have reached the customer (%s): check, then resend with select app_private.requeue_response_delivery(''%s'')'
                else ':rotating_light: The answer to #T-%s could not be delivered (%s); response %s' end,
              v_number, left(p_error, 300), p_response.id)));
    perform app_private.enqueue_job('notify', null, '{"alerts": true}');
  end if;
end;
$$;

-- Settles the customer_reply outbox rows of an answer's ticket (written by the
-- auto-resolution path): the send stage, not notify, delivers customer answers.
create function app_private.settle_customer_reply_notifications(
  p_response public.responses,
  p_status text,
  p_note text
)
returns void
language sql
set search_path = ''
as $$
  update public.notifications n
  set status = p_status, last_error = p_note, attempts = n.attempts + 1,
      external_id = case when p_status = 'sent' then p_response.external_message_id else n.external_id end,
      sent_at = case when p_status = 'sent' then now() else n.sent_at end,
      payload = n.payload || jsonb_build_object('response_id', p_response.id, 'delivered_via', p_response.delivered_via)
  where n.ticket_id = p_response.ticket_id and n.kind = 'customer_reply' and n.status in ('pending', 'stored')
    and coalesce(n.payload ->> 'response_id', p_response.id::text) = p_response.id::text
$$;

-- Records an answer as delivered: sent_at, the first response of its ticket, the outbound
-- Slack id (replies thread by it), a 'response_sent' event, the outbox row and, except where
-- the webhook was itself the delivery, the answer.sent webhook.
create function app_private.mark_response_sent(p_response_id uuid, p_via text, p_external_id text)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
  v_now timestamptz := app_private.sla_now();
begin
  update public.responses r
  set delivery_status = 'sent', sent_at = v_now, delivered_via = p_via,
      external_message_id = coalesce(p_external_id, r.external_message_id), delivery_error = null,
      delivery_claim = null, delivery_locked_until = null
  where r.id = p_response_id and r.sent_at is null
  returning * into v_response;
  if not found then
    return;
  end if;
  update public.tickets t set first_response_at = v_now where t.id = v_response.ticket_id and t.first_response_at is null;
  if p_via = 'slack' and p_external_id is not null then
    insert into public.ticket_message_ids (channel, external_id, ticket_id, direction, response_id)
    select 'slack', (t.raw_metadata -> 'slack' ->> 'channel') || ':' || p_external_id, t.id, 'outbound', v_response.id
    from public.tickets t where t.id = v_response.ticket_id and t.raw_metadata -> 'slack' ->> 'channel' is not null
    on conflict do nothing;
  end if;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (v_response.ticket_id, 'response_sent',
          jsonb_build_object('response_id', v_response.id, 'channel', v_response.channel, 'via', p_via,
                             'external_id', v_response.external_message_id, 'attempts', v_response.delivery_attempts,
                             'automatic', v_response.review_status = 'auto_sent', 'sender_type', v_response.sender_type),
          case when v_response.sender_type = 'agent' then 'agent' else 'ai' end,
          case when v_response.sender_type = 'agent' then v_response.sender_id end);
  perform app_private.settle_customer_reply_notifications(v_response, 'sent', null);
  if p_via <> 'webhook' then
    perform app_private.emit_webhook_event('answer.sent', v_response.ticket_id,
      jsonb_build_object('answer', app_private.webhook_answer_json(v_response)), v_response.id);
  end if;
end;
$$;

-- The answer as webhooks show it.
create function app_private.webhook_answer_json(p_response public.responses)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'id', p_response.id, 'body', p_response.body, 'language', p_response.language,
    'sender_type', p_response.sender_type, 'agent', (select a.name from public.agents a where a.id = p_response.sender_id),
    'automatic', p_response.review_status = 'auto_sent', 'review_status', p_response.review_status,
    'channel', p_response.channel, 'delivered_via', coalesce(p_response.delivered_via, 'webhook'),
    'sent_at', p_response.sent_at, 'created_at', p_response.created_at)
$$;

-- Claims the deliverable answers of one send job's ticket, oldest first, and returns what
-- the function must send. p_options: {transports: ["email", "slack"] (configured ones),
-- message_id_domain, lease_seconds}. In SQL alone: API and web answers are dispatched to
-- the answer.sent webhooks; an answer whose transport is not configured is held; an e-mail
-- found still 'sending' after its lease is marked uncertain. Claimed e-mails get their
-- Message-ID recorded as ours before they leave. Raises for a stale job claim.
-- Returns {deliveries: [...], busy: <answers in flight in another attempt>, handled: [...]}.
create function app_private.claim_response_deliveries(
  p_job_id bigint,
  p_attempt integer,
  p_ticket_id uuid,
  p_options jsonb
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_transports text[] := array(select jsonb_array_elements_text(coalesce(p_options -> 'transports', '[]')));
  v_domain text := coalesce(nullif(p_options ->> 'message_id_domain', ''), 'ists.invalid');
  v_lease integer := coalesce((p_options ->> 'lease_seconds')::integer,
                              nullif(app_private.get_setting('send_lease_seconds'), '')::integer, 120);
  v_ticket public.tickets;
  v_customer public.customers;
  v_response public.responses;
  v_interrupted boolean;
  v_event uuid;
  v_claim uuid;
  v_message_id text;
  v_deliveries jsonb := '[]'::jsonb;
  v_handled jsonb := '[]'::jsonb;
  v_busy integer := 0;
  v_reason text;
begin
  if not exists (select 1 from app_private.jobs j where j.id = p_job_id and j.status = 'running'
                 and j.attempts = p_attempt) then
    raise exception 'job % attempt % is no longer claimed', p_job_id, p_attempt
      using errcode = 'P0001', hint = 'stale_job';
  end if;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if not found then
    return jsonb_build_object('deliveries', v_deliveries, 'busy', 0, 'handled', v_handled);
  end if;
  select * into v_customer from public.customers c where c.id = v_ticket.customer_id;

  for v_response in
    select * from public.responses r
    where r.ticket_id = p_ticket_id and r.delivery_status in ('queued', 'sending')
    order by r.created_at, r.id
    for update
  loop
    if not app_private.response_is_deliverable(v_response) then
      -- Changed since it was queued (a draft rejected again, sent by hand): nothing to send.
      update public.responses set delivery_status = null, delivery_claim = null, delivery_locked_until = null
      where id = v_response.id;
      continue;
    end if;
    if v_response.delivery_status = 'sending' and v_response.delivery_locked_until > now() then
      v_busy := v_busy + 1;
      continue;
    end if;
    v_interrupted := v_response.delivery_status = 'sending';
    v_reason := null;

    if v_ticket.channel in ('api', 'web') then
      v_event := null;
      if exists (select 1 from public.webhook_subscriptions s where s.active and 'answer.sent' = any (s.event_types)) then
        update public.responses r
        set delivery_attempts = r.delivery_attempts + 1, delivered_via = 'webhook', delivery_status = 'dispatched'
        where r.id = v_response.id returning * into v_response;
        perform app_private.emit_webhook_event('answer.sent', p_ticket_id,
          jsonb_build_object('answer', app_private.webhook_answer_json(v_response)), v_response.id);
        select e.id into v_event from public.webhook_events e
        where e.response_id = v_response.id and e.event_type = 'answer.sent' order by e.created_at desc limit 1;
        update public.responses set external_message_id = v_event::text where id = v_response.id;
        v_handled := v_handled || jsonb_build_object('response_id', v_response.id, 'status', 'dispatched');
        continue;
      end if;
      v_reason := 'no active webhook subscription for answer.sent: API and web answers are delivered by webhook';
    elsif v_ticket.channel = 'email' and not ('email' = any (v_transports)) then
      v_reason := 'SMTP is not configured (ISTS_SMTP_HOST): the answer waits in the outbox';
    elsif v_ticket.channel = 'slack' and not ('slack' = any (v_transports)) then
      v_reason := 'Slack is not configured (SLACK_BOT_TOKEN): the answer waits in the outbox';
    end if;
    if v_reason is not null then
      update public.responses r set delivery_status = 'held', delivery_error = v_reason,
        delivery_claim = null, delivery_locked_until = null
      where r.id = v_response.id returning * into v_response;
      perform app_private.settle_customer_reply_notifications(v_response, 'stored', v_reason);
      perform app_private.alert_response_delivery(v_response, 'held', v_reason);
      v_handled := v_handled || jsonb_build_object('response_id', v_response.id, 'status', 'held');
      continue;
    end if;

    if v_ticket.channel = 'email' and (v_interrupted or v_customer.email_undeliverable_at is not null) then
      v_reason := case when v_interrupted
        then 'an earlier attempt was interrupted after handing the message to the SMTP server; it may have been delivered'
        else 'the customer''s address is marked undeliverable (bounced)' end;
      update public.responses r
      set delivery_status = case when v_interrupted then 'uncertain' else 'failed' end, delivery_error = v_reason,
          delivery_claim = null, delivery_locked_until = null
      where r.id = v_response.id returning * into v_response;
      perform app_private.settle_customer_reply_notifications(v_response, 'failed', v_reason);
      perform app_private.alert_response_delivery(v_response, v_response.delivery_status, v_reason);
      v_handled := v_handled || jsonb_build_object('response_id', v_response.id, 'status', v_response.delivery_status);
      continue;
    end if;
    if v_ticket.channel = 'slack' and coalesce(v_ticket.raw_metadata -> 'slack' ->> 'channel', '') = '' then
      update public.responses r
      set delivery_status = 'failed', delivery_error = 'the ticket has no Slack channel and message to answer in'
      where r.id = v_response.id returning * into v_response;
      perform app_private.alert_response_delivery(v_response, 'failed', v_response.delivery_error);
      v_handled := v_handled || jsonb_build_object('response_id', v_response.id, 'status', 'failed');
      continue;
    end if;

    v_claim := gen_random_uuid();
    update public.responses r
    set delivery_status = 'sending', delivery_attempts = r.delivery_attempts + 1, delivery_claim = v_claim,
        delivery_claimed_at = coalesce(r.delivery_claimed_at, now()),
        delivery_locked_until = now() + make_interval(secs => v_lease)
    where r.id = v_response.id
    returning * into v_response;

    if v_ticket.channel = 'email' then
      v_message_id := 'ists.' || v_response.id || '@' || lower(v_domain);
      insert into public.ticket_message_ids (channel, external_id, ticket_id, direction, response_id)
      values ('email', v_message_id, p_ticket_id, 'outbound', v_response.id)
      on conflict do nothing;
      update public.responses set external_message_id = '<' || v_message_id || '>' where id = v_response.id;
      v_deliveries := v_deliveries || jsonb_build_object(
        'response_id', v_response.id, 'claim', v_claim, 'channel', 'email', 'attempt', v_response.delivery_attempts,
        'body', v_response.body, 'automatic', v_response.review_status = 'auto_sent',
        'agent_name', (select a.name from public.agents a where a.id = v_response.sender_id and v_response.sender_type = 'agent'),
        'ticket_number', v_ticket.ticket_number, 'subject', v_ticket.subject,
        'to_email', v_ticket.sender_email, 'to_name', coalesce(nullif(btrim(v_ticket.sender_name), ''), v_customer.name),
        'message_id', '<' || v_message_id || '>',
        'in_reply_to', (select case when m.external_id = app_private.normalise_message_id(v_ticket.raw_metadata ->> 'message_id')
                                    then '<' || btrim(v_ticket.raw_metadata ->> 'message_id', ' <>') || '>'
                                    else '<' || m.external_id || '>' end
                        from public.ticket_message_ids m
                        where m.ticket_id = p_ticket_id and m.channel = 'email' and m.direction = 'inbound'
                        order by m.created_at desc limit 1),
        'references', coalesce((select jsonb_agg('<' || case
                                  when x.external_id = app_private.normalise_message_id(v_ticket.raw_metadata ->> 'message_id')
                                  then btrim(v_ticket.raw_metadata ->> 'message_id', ' <>') else x.external_id end || '>'
                                  order by x.created_at)
                                from (select m.external_id, m.created_at from public.ticket_message_ids m
                                      where m.ticket_id = p_ticket_id and m.channel = 'email'
                                        and m.external_id <> v_message_id
                                      order by m.created_at desc limit 20) x), '[]'::jsonb));
    else
      v_deliveries := v_deliveries || jsonb_build_object(
        'response_id', v_response.id, 'claim', v_claim, 'channel', 'slack', 'attempt', v_response.delivery_attempts,
        'body', v_response.body, 'automatic', v_response.review_status = 'auto_sent',
        'agent_name', (select a.name from public.agents a where a.id = v_response.sender_id and v_response.sender_type = 'agent'),
        'ticket_number', v_ticket.ticket_number,
        'slack_channel', v_ticket.raw_metadata -> 'slack' ->> 'channel',
        'thread_ts', coalesce(nullif(v_ticket.raw_metadata -> 'slack' ->> 'thread_ts', ''), v_ticket.raw_metadata -> 'slack' ->> 'ts'),
        -- An earlier attempt may have posted it: look in the thread before posting again.
        'verify', v_response.delivery_attempts > 1,
        'claimed_at', extract(epoch from v_response.delivery_claimed_at));
    end if;
  end loop;
  return jsonb_build_object('deliveries', v_deliveries, 'busy', v_busy, 'handled', v_handled);
end;
$$;

-- Records what became of the claimed answers of one send job, then completes the job, or
-- fails it (retry with backoff, dead letter after the last attempt) when an answer must be
-- tried again or was in flight elsewhere. p_results: [{response_id, claim, outcome: sent |
-- retry | failed | uncertain, via, external_id, error}]. A result is applied only to the claim
-- it belongs to, or to an answer marked uncertain meanwhile that it shows was sent; so it
-- counts even when the job's own claim went stale. Returns {outcome, detail}.
create function app_private.record_response_deliveries(
  p_job_id bigint,
  p_attempt integer,
  p_results jsonb,
  p_busy integer default 0
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_result jsonb;
  v_response public.responses;
  v_job app_private.jobs;
  v_last boolean;
  v_retry_errors text[] := '{}'::text[];
  v_outcome text;
  v_error text;
begin
  select * into v_job from app_private.jobs j where j.id = p_job_id;
  v_last := v_job.id is null or v_job.attempts >= v_job.max_attempts;
  for v_result in select * from jsonb_array_elements(coalesce(p_results, '[]'))
  loop
    select * into v_response from public.responses r
    where r.id = (v_result ->> 'response_id')::uuid
      and ((r.delivery_status = 'sending' and r.delivery_claim = (v_result ->> 'claim')::uuid)
           or (r.delivery_status = 'uncertain' and v_result ->> 'outcome' = 'sent'))
    for update;
    if not found then
      continue;
    end if;
    v_error := left(coalesce(v_result ->> 'error', 'unknown error'), 4000);
    case v_result ->> 'outcome'
      when 'sent' then
        perform app_private.mark_response_sent(v_response.id, v_result ->> 'via', v_result ->> 'external_id');
      when 'retry' then
        if v_last then
          update public.responses r
          set delivery_status = 'failed', delivery_claim = null, delivery_locked_until = null,
              delivery_error = format('gave up after %s attempts: %s', r.delivery_attempts, v_error)
          where r.id = v_response.id returning * into v_response;
          perform app_private.settle_customer_reply_notifications(v_response, 'failed', v_response.delivery_error);
          perform app_private.alert_response_delivery(v_response, 'failed', v_response.delivery_error);
        else
          update public.responses r
          set delivery_status = 'queued', delivery_claim = null, delivery_locked_until = null, delivery_error = v_error
          where r.id = v_response.id;
        end if;
        v_retry_errors := v_retry_errors || v_error;
      when 'failed', 'uncertain' then
        update public.responses r
        set delivery_status = v_result ->> 'outcome', delivery_claim = null, delivery_locked_until = null,
            delivery_error = v_error
        where r.id = v_response.id returning * into v_response;
        perform app_private.settle_customer_reply_notifications(v_response, 'failed', v_error);
        perform app_private.alert_response_delivery(v_response, v_result ->> 'outcome', v_error);
      else
        raise exception 'unknown delivery outcome %', v_result ->> 'outcome' using errcode = '22023';
    end case;
  end loop;

  if coalesce(p_busy, 0) > 0 then
    v_retry_errors := v_retry_errors || format('%s answer(s) of the ticket are being sent by another attempt', p_busy);
  end if;
  if cardinality(v_retry_errors) > 0 then
    v_outcome := app_private.fail_job(p_job_id, p_attempt, array_to_string(v_retry_errors, '; '));
    return jsonb_build_object('outcome', case when v_outcome in ('queued', 'dead') then v_outcome else 'done' end,
                              'detail', array_to_string(v_retry_errors, '; '));
  end if;
  perform app_private.complete_job(p_job_id, p_attempt);
  return jsonb_build_object('outcome', 'done');
end;
$$;

-- An API or web answer dispatched to the answer.sent webhooks counts as sent once the first
-- subscriber acknowledges it; when every delivery of it failed, the answer failed.
create function app_private.webhook_deliveries_settle_response()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
begin
  select r.* into v_response from public.webhook_events e join public.responses r on r.id = e.response_id
  where e.id = new.event_id and e.event_type = 'answer.sent' and r.delivery_status = 'dispatched';
  if not found then
    return null;
  end if;
  if new.status = 'delivered' then
    perform app_private.mark_response_sent(v_response.id, 'webhook', new.event_id::text);
  elsif not exists (select 1 from public.webhook_deliveries d
                    where d.event_id = new.event_id and d.status in ('pending', 'delivering', 'delivered')) then
    update public.responses r
    set delivery_status = 'failed', delivery_error = 'every answer.sent webhook delivery failed: ' || coalesce(new.last_error, '')
    where r.id = v_response.id returning * into v_response;
    perform app_private.settle_customer_reply_notifications(v_response, 'failed', v_response.delivery_error);
    perform app_private.alert_response_delivery(v_response, 'failed', v_response.delivery_error);
  end if;
  return null;
end;
$$;
create trigger webhook_deliveries_settle_response after update of status on public.webhook_deliveries
  for each row when (new.status in ('delivered', 'failed') and old.status is distinct from new.status)
  execute function app_private.webhook_deliveries_settle_response();

-- Sends an answer again that is held, failed or uncertain (an operator checked it), or every
-- held answer when no id is given (after configuring SMTP, Slack or a webhook). Returns how
-- many were queued.
create function app_private.requeue_response_delivery(p_response_id uuid default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
  v_count integer := 0;
begin
  for v_response in
    update public.responses r
    set delivery_status = 'queued', delivery_error = null, delivery_claim = null, delivery_locked_until = null
    where app_private.response_is_deliverable(r)
      and ((p_response_id is null and r.delivery_status = 'held')
           or (r.id = p_response_id and r.delivery_status in ('held', 'failed', 'uncertain')))
    returning r.*
  loop
    perform app_private.enqueue_job('send', v_response.ticket_id, jsonb_build_object('response_id', v_response.id));
    v_count := v_count + 1;
  end loop;
  return v_count;
end;
$$;

-- Answers waiting for a person: held, failed or possibly delivered twice if resent.
create view public.undelivered_responses with (security_invoker = true) as
select r.id as response_id, r.ticket_id, t.ticket_number, t.channel, r.delivery_status, r.delivery_error,
       r.delivery_attempts, r.sender_type, r.review_status, r.created_at, left(r.body, 200) as body_start
from public.responses r join public.tickets t on t.id = r.ticket_id
where r.delivery_status in ('held', 'failed', 'uncertain')
order by r.created_at desc;
comment on view public.undelivered_responses is
  'Answers that did not reach the customer: held (no transport configured), failed, or uncertain (check before resending with app_private.requeue_response_delivery(id)).';
revoke all on public.undelivered_responses from anon, authenticated;
grant select on public.undelivered_responses to service_role;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.response_is_deliverable(public.responses),
  app_private.claim_response_deliveries(bigint, integer, uuid, jsonb),
  app_private.record_response_deliveries(bigint, integer, jsonb, integer),
  app_private.mark_response_sent(uuid, text, text),
  app_private.requeue_response_delivery(uuid) to service_role;
