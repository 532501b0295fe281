-- Auto-resolution answers only what a template can: never a ticket the analysis ranks high or
-- urgent priority, nor one the customer already added a message to before it was routed (that
-- reply would go unread). The first response of an auto-resolved ticket is its answer's
-- delivery, recorded by the send stage, not the moment routing wrote the answer; and when that
-- answer cannot be delivered, the ticket goes back to routing for a person.
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
  v_fallback text;
begin
  -- A ticket routed already (a late or repeated job) is left alone without waiting for the
  -- assignment lock; otherwise the lock comes before the ticket's row (take_assignment_lock()).
  select * into v_ticket from public.tickets where id = p_ticket_id;
  if found and v_ticket.status <> 'analyzed' then
    return jsonb_build_object('outcome', 'skipped', 'reason', 'status is ' || v_ticket.status);
  end if;
  perform app_private.lock_team_assignment(null);
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
  -- The seed's sentiment rule, applied here to the analysis itself: intensity above 8 and a
  -- negative emotion. The provider's own escalation flag is kept in ai_analysis, not obeyed.
  if v_analysis.sentiment_intensity > 8 and v_analysis.sentiment_emotion in ('angry', 'frustrated') then
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
  -- The first response is the answer's delivery (the send stage sets first_response_at).
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
    and coalesce(v_ticket.language, 'en') = 'en'
    -- A ticket the analysis ranks high (a security or business-impact cue) goes to a person.
    and v_ticket.priority not in ('high', 'urgent')
    -- So does one the customer already added to (a reply that arrived before routing).
    and not exists (select 1 from public.responses r
                    where r.ticket_id = p_ticket_id and r.direction = 'inbound');
  if v_auto then
    select * into v_template from public.response_templates rt where rt.sub_category = v_ticket.sub_category;
    v_auto := found;
  end if;

  if v_auto then
    update public.tickets
    set status = 'resolved', is_auto_resolved = true, resolved_at = now(),
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
    v_fallback := 'default team for category';
  end if;
  if v_team_id is null then
    select tm.id into v_team_id from public.teams tm where tm.name = 'General Support';
    v_fallback := 'no rule matched: General Support';
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

  v_agent := app_private.pick_agent(v_team_id, v_needs_senior, v_ticket.category, v_ticket.sub_category);

  v_decision := jsonb_build_object(
    'outcome', case when v_agent is null then 'queued' else 'assigned' end,
    'team_id', v_team_id, 'team', v_team_name,
    'rule_id', v_rule.id, 'rule', coalesce(v_rule.name, v_fallback),
    'escalation_reasons', to_jsonb(v_reasons), 'needs_senior', v_needs_senior,
    'sentiment', jsonb_build_object('emotion', v_analysis.sentiment_emotion, 'intensity', v_analysis.sentiment_intensity,
                                    'provider_flag', v_analysis.escalation_flag),
    'agent_id', v_agent,
    -- The agents who could take it, in the order assignment tried them (at most 20).
    'candidates', (select coalesce(jsonb_agg(c.candidate order by c.rank), '[]'::jsonb)
                   from (select jsonb_build_object('agent_id', a.id, 'name', a.name, 'active', a.active_tickets,
                                  'max', a.max_concurrent_tickets, 'skill_level', a.skill_level) as candidate,
                                row_number() over (order by a.active_tickets,
                                  coalesce(v_ticket.category = any (a.specializations)
                                           or v_ticket.sub_category = any (a.specializations), false) desc,
                                  a.last_assigned_at nulls first, a.id) as rank
                         from public.agents a
                         where a.team_id = v_team_id and a.is_available
                           and (not v_needs_senior or a.skill_level in ('senior', 'expert'))
                           and a.active_tickets < a.max_concurrent_tickets) c
                   where c.rank <= 20),
    'unavailable_or_full', (select count(*) from public.agents a where a.team_id = v_team_id
                              and not (a.is_available and a.active_tickets < a.max_concurrent_tickets)),
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

-- An auto-resolution answer that could not be delivered (the send stage gave up): the ticket
-- is not resolved after all; it is routed again, to a person (reopened_count keeps it from
-- being auto-resolved a second time).
create function app_private.responses_reopen_undelivered_auto_answer()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.tickets t
  set status = 'analyzed', is_auto_resolved = false, resolved_at = null,
      reopened_count = t.reopened_count + 1
  where t.id = new.ticket_id and t.is_auto_resolved and t.status = 'resolved';
  if found then
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (new.ticket_id, 'reopened', jsonb_build_object('reason', 'the automatic answer could not be delivered',
            'response_id', new.id, 'error', left(new.delivery_error, 500)), 'system');
    perform app_private.enqueue_job('route', new.ticket_id);
  end if;
  return null;
end;
$$;

create trigger responses_reopen_undelivered_auto_answer
  after update of delivery_status on public.responses
  for each row
  when (new.delivery_status = 'failed' and old.delivery_status is distinct from 'failed'
        and new.was_ai_generated and new.direction = 'outbound' and new.review_status = 'auto_sent')
  execute function app_private.responses_reopen_undelivered_auto_answer();

revoke all on all functions in schema app_private from public;
