-- The respond stage: every routed ticket that was not auto-resolved gets an answer drafted
-- from the knowledge base (the respond function), checked by quality gates, and either queued
-- for sending (auto-send: every gate passed, confidence above the threshold, a ticket that
-- qualifies) or kept as a draft for an agent to review. The stage row itself exists since
-- 20261204090000; this adds the trigger that queues it, the answer's record on responses and
-- the SQL step the function calls.

insert into app_private.settings (key, value, description) values
  ('auto_send_enabled', 'true', 'false: every AI answer is kept as a draft for review'),
  ('auto_send_min_confidence', '0.9', 'An AI answer is sent without review only above this confidence (and with every gate passed)'),
  ('auto_send_excluded_sub_categories', 'refund_request,account_deletion,complaint,outage',
   'Comma-separated sub-categories whose AI answers always wait for review'),
  ('auto_send_languages', 'en', 'Comma-separated languages in which AI answers may be sent without review'),
  ('respond_kb_articles', '3', 'Knowledge-base articles given to the answer writer per ticket')
on conflict (key) do nothing;

alter table public.responses
  add column quality_gates jsonb check (quality_gates is null or jsonb_typeof(quality_gates) = 'object'),
  add column kb_article_ids uuid[] not null default '{}',
  add column language varchar(10),
  add column body_en text,
  add column review_reasons text[] not null default '{}';
comment on column public.responses.quality_gates is
  'AI answers: each quality gate with pass and, when it failed, why ({"has_greeting": {"pass": true}, …}).';
comment on column public.responses.kb_article_ids is 'Knowledge-base articles the AI answer was written from and cites.';
comment on column public.responses.language is 'Language of body (ISO 639-1).';
comment on column public.responses.body_en is 'The English draft an answer in another language was translated from.';
comment on column public.responses.review_reasons is 'Why an AI answer waits for review (failed gates, confidence, the ticket); empty when auto-sent.';
create index responses_ai_unsent_idx on public.responses (ticket_id)
  where review_status = 'auto_sent' and sent_at is null;

-- Why an AI answer to this ticket may not be sent without review (empty: it qualifies).
-- Read by the respond function before drafting and again, under the ticket's lock, when the
-- answer is recorded.
create function app_private.auto_send_blockers(p_ticket_id uuid)
returns text[]
language plpgsql
stable
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_customer public.customers;
  v_reasons text[] := '{}'::text[];
  v_list text[];
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if not found then
    return array['ticket_not_found'];
  end if;
  select * into v_customer from public.customers c where c.id = v_ticket.customer_id;

  if coalesce(app_private.get_setting('auto_send_enabled'), 'true') <> 'true' then
    v_reasons := v_reasons || 'auto_send_disabled'::text;
  end if;
  if v_ticket.status not in ('queued', 'assigned') then
    v_reasons := v_reasons || ('ticket_' || v_ticket.status);
  end if;
  if v_ticket.is_escalated then
    v_reasons := v_reasons || 'escalated'::text;
  end if;
  if v_customer.tier in ('vip', 'enterprise') then
    v_reasons := v_reasons || (v_customer.tier || '_customer');
  end if;
  if coalesce(v_ticket.raw_metadata ->> 'auto_submitted', 'no') <> 'no' or 'bulk' = any (v_ticket.tags) then
    v_reasons := v_reasons || 'automated_message'::text;
  end if;
  if v_ticket.is_spam then
    v_reasons := v_reasons || 'spam'::text;
  end if;
  if v_ticket.reopened_count > 0 then
    v_reasons := v_reasons || 'reopened'::text;
  end if;
  v_list := string_to_array(replace(coalesce(app_private.get_setting('auto_send_excluded_sub_categories'), ''), ' ', ''), ',');
  if v_ticket.sub_category = any (v_list) then
    v_reasons := v_reasons || ('sub_category_' || v_ticket.sub_category);
  end if;
  v_list := string_to_array(replace(coalesce(nullif(app_private.get_setting('auto_send_languages'), ''), 'en'), ' ', ''), ',');
  if not (coalesce(v_ticket.language, 'en') = any (v_list)) then
    v_reasons := v_reasons || ('language_' || coalesce(v_ticket.language, 'unknown'));
  end if;
  if v_ticket.channel in ('email', 'web') and v_customer.email_undeliverable_at is not null then
    v_reasons := v_reasons || 'undeliverable_address'::text;
  end if;
  if (select count(*) from public.responses r join public.tickets t on t.id = r.ticket_id
      where t.customer_id = v_ticket.customer_id and r.direction = 'outbound' and r.sender_type = 'ai'
        and not r.ai_draft and r.created_at > now() - interval '24 hours')
     >= coalesce(nullif(app_private.get_setting('auto_replies_per_customer_per_day'), '')::integer, 3) then
    v_reasons := v_reasons || 'daily_auto_reply_cap'::text;
  end if;
  if exists (select 1 from public.responses r where r.ticket_id = p_ticket_id
             and r.direction = 'outbound' and r.sender_type = 'agent') then
    v_reasons := v_reasons || 'agent_already_answered'::text;
  end if;
  if exists (select 1 from public.responses r where r.ticket_id = p_ticket_id
             and r.review_status = 'auto_sent' and r.sent_at is null) then
    v_reasons := v_reasons || 'auto_answer_pending'::text;
  end if;
  return v_reasons;
end;
$$;

-- Queues the respond stage when routing finishes (the 'routed' event route_ticket writes for
-- every ticket it gives a team; auto-resolved tickets get 'auto_resolved' instead).
create function app_private.ticket_events_enqueue_respond()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform app_private.enqueue_job('respond', new.ticket_id);
  return null;
end;
$$;
create trigger ticket_events_enqueue_respond after insert on public.ticket_events
  for each row when (new.event_type = 'routed' and new.ticket_id is not null)
  execute function app_private.ticket_events_enqueue_respond();

-- Records one drafted answer and completes its job (stale claims raise, rolling it back).
-- p_result: {body, body_en, language, confidence, model, provider, prompt_tokens,
-- completion_tokens, total_cost, gates: {name: {pass, detail}}, kb_article_ids, kb_articles,
-- auto_send, review_reasons, fallback_reason}. The auto-send decision of the function is
-- checked again here: every gate passed, confidence above auto_send_min_confidence, and no
-- blocker on the ticket now. An auto-sent answer queues the send stage; every answer leaves
-- a 'response_drafted' event. Returns {outcome: auto_sent | draft | skipped, response_id}.
create function app_private.record_response(
  p_job_id bigint,
  p_attempt integer,
  p_ticket_id uuid,
  p_result jsonb
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_blockers text[];
  v_reasons text[];
  v_failed text[];
  v_confidence numeric := least(greatest(coalesce((p_result ->> 'confidence')::numeric, 0), 0), 1);
  v_min numeric := coalesce(nullif(app_private.get_setting('auto_send_min_confidence'), '')::numeric, 0.9);
  v_auto boolean;
  v_response_id uuid;
  v_decision jsonb;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found or v_ticket.status not in ('queued', 'assigned', 'in_progress', 'waiting_on_customer') then
    perform app_private.require_complete_job(p_job_id, p_attempt);
    return jsonb_build_object('outcome', 'skipped', 'reason',
      case when v_ticket.id is null then 'ticket not found' else 'status is ' || v_ticket.status end);
  end if;
  if coalesce(btrim(p_result ->> 'body'), '') = '' then
    raise exception 'respond result for ticket % has no body', p_ticket_id using errcode = '22023';
  end if;

  v_failed := array(select g.key from jsonb_each(coalesce(p_result -> 'gates', '{}')) g
                    where coalesce((g.value ->> 'pass')::boolean, false) is not true order by g.key);
  v_blockers := app_private.auto_send_blockers(p_ticket_id);
  v_reasons := array(select distinct r from unnest(
    array(select jsonb_array_elements_text(coalesce(p_result -> 'review_reasons', '[]')))
    || array(select 'gate_' || f from unnest(v_failed) f)
    || v_blockers
    || case when v_confidence <= v_min then array['low_confidence']
            else '{}'::text[] end) r order by r);
  v_auto := coalesce((p_result ->> 'auto_send')::boolean, false)
    and p_result -> 'gates' is not null and cardinality(v_failed) = 0
    and cardinality(v_reasons) = 0;

  insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft,
                                review_status, ai_confidence, model_name, prompt_tokens, completion_tokens,
                                total_cost, quality_gates, kb_article_ids, language, body_en, review_reasons)
  values (p_ticket_id, 'outbound', v_ticket.channel, btrim(p_result ->> 'body'), 'ai', true, not v_auto,
          case when v_auto then 'auto_sent' else 'pending' end, round(v_confidence, 3),
          left(p_result ->> 'model', 100), (p_result ->> 'prompt_tokens')::integer,
          (p_result ->> 'completion_tokens')::integer, (p_result ->> 'total_cost')::numeric,
          coalesce(p_result -> 'gates', '{}'),
          array(select jsonb_array_elements_text(coalesce(p_result -> 'kb_article_ids', '[]'))::uuid),
          left(coalesce(p_result ->> 'language', v_ticket.language, 'en'), 10), p_result ->> 'body_en',
          case when v_auto then '{}'::text[] else v_reasons end)
  returning id into v_response_id;

  if v_auto and app_private.enqueue_job('send', p_ticket_id, jsonb_build_object('response_id', v_response_id)) is null then
    -- Another delivery of this ticket is already waiting: this answer waits for an agent.
    v_auto := false;
    update public.responses
    set ai_draft = true, review_status = 'pending', review_reasons = array['send_already_queued']
    where id = v_response_id;
    v_reasons := array['send_already_queued'];
  end if;

  v_decision := jsonb_build_object(
    'response_id', v_response_id,
    'decision', case when v_auto then 'auto_send' else 'review' end,
    'reasons', to_jsonb(case when v_auto then '{}'::text[] else v_reasons end),
    'gates', (select coalesce(jsonb_object_agg(g.key, coalesce((g.value ->> 'pass')::boolean, false)), '{}')
              from jsonb_each(coalesce(p_result -> 'gates', '{}')) g),
    'failed_gates', to_jsonb(v_failed),
    'confidence', round(v_confidence, 3),
    'model', p_result ->> 'model',
    'language', coalesce(p_result ->> 'language', v_ticket.language, 'en'),
    'kb_articles', coalesce(p_result -> 'kb_articles', '[]'),
    'fallback_reason', p_result ->> 'fallback_reason');
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  values (p_ticket_id, 'response_drafted', v_decision, 'ai');

  if p_result ->> 'fallback_reason' is not null then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id, context, severity)
    values ('respond', coalesce(p_result ->> 'fallback_from', 'openai'), 'ai_provider_fallback',
            left(p_result ->> 'fallback_reason', 4000), p_ticket_id,
            jsonb_build_object('answered_by', p_result ->> 'model', 'response_id', v_response_id), 'warning');
  end if;

  perform app_private.require_complete_job(p_job_id, p_attempt);
  return jsonb_build_object('outcome', case when v_auto then 'auto_sent' else 'draft' end,
                            'response_id', v_response_id);
end;
$$;

-- Runs record_response for a batch of respond jobs, each in its own subtransaction: a job
-- that fails (or that the function could not draft, `error`) is recorded with fail_job
-- (retry or dead letter) without undoing the others; a stale claim is skipped.
-- p_jobs: [{job_id, attempt, ticket_id, result?, error?}]. Returns [{job_id, outcome, detail}].
create function app_private.run_respond_batch(p_jobs jsonb)
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
      if v_job ? 'error' then
        raise exception '%', v_job ->> 'error';
      end if;
      v_detail := app_private.record_response((v_job ->> 'job_id')::bigint, (v_job ->> 'attempt')::integer,
                                              (v_job ->> 'ticket_id')::uuid, v_job -> 'result');
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
