-- One lock order for assignment: the global assignment lock (app_private.lock_team_assignment)
-- first, then ticket rows, then agent rows. Before, the capacity triggers held the ticket's
-- and the agent's rows when they asked for the lock (an agent resolving a ticket: row, agent
-- counter, then the queue hand-out) while routing held the lock and waited for the agent's
-- row: two sessions deadlocked. Now
-- * every UPDATE of tickets.status / assigned_to and every UPDATE of agents (Studio, the API,
--   SQL) takes the lock in a statement trigger, before the statement locks any row;
-- * the functions that lock a ticket row first (routing, the Slack console actions, spam
--   quarantine) take the lock before it;
-- * the active-ticket counter takes it before touching an agent row (for inserts too);
-- * nothing holding the lock waits for an agent row lock (the Slack reassign no longer locks
--   the chosen agent's row: every load change happens under the lock anyway).
-- The queue hand-out and the offline return already took it first. A statement may declare
-- that it moves no agent's slot (ists.assignment_lock = not_needed, as triage does for new
-- tickets); the counter then still takes the lock should a slot move after all.

-- Takes the assignment lock before a statement that may move agents' slots locks any row.
-- security definer: agents update their own tickets, but may not execute app_private functions.
create function app_private.take_assignment_lock()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if coalesce(current_setting('ists.assignment_lock', true), '') <> 'not_needed' then
    perform app_private.lock_team_assignment(null);
  end if;
  return null;
end;
$$;
create trigger tickets_take_assignment_lock before update of status, assigned_to or delete on public.tickets
  for each statement execute function app_private.take_assignment_lock();
create trigger agents_take_assignment_lock before update or delete on public.agents
  for each statement execute function app_private.take_assignment_lock();

-- The counter of active tickets per agent, moved under the assignment lock.
-- security definer: an agent updating their own ticket must move their own counter, and
-- agents cannot update the agents table themselves.
create or replace function app_private.tickets_count_active_per_agent()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_from uuid;
  v_to uuid;
begin
  if tg_op in ('UPDATE', 'DELETE') and old.assigned_to is not null and old.status in ('assigned', 'in_progress') then
    v_from := old.assigned_to;
  end if;
  if tg_op in ('INSERT', 'UPDATE') and new.assigned_to is not null and new.status in ('assigned', 'in_progress') then
    v_to := new.assigned_to;
  end if;
  if v_from is not distinct from v_to then
    return null;
  end if;
  perform app_private.lock_team_assignment(null);
  if v_from is not null then
    update public.agents a set active_tickets = a.active_tickets - 1 where a.id = v_from;
  end if;
  if v_to is not null then
    update public.agents a set active_tickets = a.active_tickets + 1 where a.id = v_to;
  end if;
  return null;
end;
$$;

-- Routing, unchanged but for the lock taken before the ticket's row (and not at all for a
-- ticket that is routed already).
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

  v_agent := app_private.pick_agent(v_team_id, v_needs_senior, v_ticket.category, v_ticket.sub_category);

  v_decision := jsonb_build_object(
    'outcome', case when v_agent is null then 'queued' else 'assigned' end,
    'team_id', v_team_id, 'team', v_team_name,
    'rule_id', v_rule.id, 'rule', coalesce(v_rule.name, 'default team for category'),
    'escalation_reasons', to_jsonb(v_reasons), 'needs_senior', v_needs_senior,
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

-- The Slack console's actions that move slots take the lock before the ticket's row.

-- Reassign button, teammates menu and "/ticket N assign me": to p_target_id (checked: team,
-- availability, capacity, seniority), or with no target to the next best available agent of
-- the team other than the current assignee (the choice routing makes).
create or replace function app_private.slack_reassign(
  p_ticket_id uuid,
  p_actor_id uuid,
  p_target_id uuid,
  p_expected jsonb default null,
  p_message jsonb default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_actor public.agents;
  v_target public.agents;
  v_problem text;
begin
  perform app_private.lock_team_assignment(null);
  select * into v_actor from public.agents a where a.id = p_actor_id;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  v_problem := app_private.slack_ticket_problem(v_ticket, p_expected);
  if v_problem is not null then
    return app_private.slack_answer(false, v_problem, v_ticket);
  end if;
  if p_target_id is null then
    select * into v_target from public.agents a
    where a.team_id = v_ticket.team_id
      and a.is_available
      and (not (v_ticket.priority = 'urgent' or v_ticket.is_escalated) or a.skill_level in ('senior', 'expert'))
      and a.active_tickets < a.max_concurrent_tickets
      and a.id is distinct from v_ticket.assigned_to
    order by a.active_tickets,
             coalesce(v_ticket.category = any (a.specializations) or v_ticket.sub_category = any (a.specializations), false) desc,
             a.last_assigned_at nulls first,
             a.id
    limit 1;
    if not found then
      return app_private.slack_answer(false, format(
        'No other available agent of %s has room for %s; nothing was changed. Pick someone from the menu, or escalate.',
        coalesce((select tm.name::text from public.teams tm where tm.id = v_ticket.team_id), 'the team'),
        app_private.ticket_label(v_ticket)), v_ticket);
    end if;
  else
    -- No row lock: every change of a load happens under the assignment lock held here.
    select * into v_target from public.agents a where a.id = p_target_id;
    if not found then
      return app_private.slack_answer(false, 'That agent no longer exists; nothing was changed.', v_ticket);
    end if;
    if v_target.id = v_ticket.assigned_to then
      return app_private.slack_answer(false, case when v_target.id = p_actor_id
        then format('%s is already assigned to you.', app_private.ticket_label(v_ticket))
        else format('%s is already assigned to %s.', app_private.ticket_label(v_ticket), v_target.name) end, v_ticket);
    end if;
    v_problem := app_private.slack_assignment_problem(v_ticket, v_target);
    if v_problem is not null then
      return app_private.slack_answer(false, v_problem || ' Nothing was changed.', v_ticket);
    end if;
  end if;
  return app_private.slack_hand_over(v_ticket, v_target, v_actor,
    case when p_target_id is null then 'next_best' when p_target_id = p_actor_id then 'self' else 'chosen' end,
    p_message);
end;
$$;

-- Escalate button: priority one step up (urgent stays urgent), escalated with the reason
-- agent_escalated, moved to the least-loaded available senior or expert of the team unless
-- the assignee is one (no senior free: back to the queue, where only seniors take it), and an
-- 'escalated' event, whose trigger alerts the lead channel.
create or replace function app_private.slack_escalate(
  p_ticket_id uuid,
  p_actor_id uuid,
  p_expected jsonb default null,
  p_message jsonb default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_actor public.agents;
  v_problem text;
  v_priority text;
  v_keep boolean;
  v_agent uuid;
  v_note text;
begin
  perform app_private.lock_team_assignment(null);
  select * into v_actor from public.agents a where a.id = p_actor_id;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  v_problem := app_private.slack_ticket_problem(v_ticket, p_expected);
  if v_problem is not null then
    return app_private.slack_answer(false, v_problem, v_ticket);
  end if;
  if 'agent_escalated' = any (v_ticket.escalation_reasons) then
    return app_private.slack_answer(false, format('%s was already escalated by an agent; nothing was changed.',
      app_private.ticket_label(v_ticket)), v_ticket);
  end if;
  v_priority := case v_ticket.priority when 'low' then 'medium' when 'medium' then 'high' else 'urgent' end;
  v_keep := exists (select 1 from public.agents a
                    where a.id = v_ticket.assigned_to and a.skill_level in ('senior', 'expert'));
  if v_keep then
    v_agent := v_ticket.assigned_to;
  else
    v_agent := app_private.pick_agent(v_ticket.team_id, true, v_ticket.category, v_ticket.sub_category);
  end if;
  update public.tickets t
  set priority = v_priority, is_escalated = true,
      escalation_reasons = array_append(t.escalation_reasons, 'agent_escalated'),
      assigned_to = v_agent,
      status = case when v_keep then t.status when v_agent is null then 'queued' else 'assigned' end,
      assigned_at = case when v_keep then t.assigned_at when v_agent is null then null else now() end
  where t.id = p_ticket_id;
  perform app_private.apply_priority_deadlines(p_ticket_id);
  perform app_private.slack_attribute_corrections(p_ticket_id, p_actor_id);
  if not v_keep and v_agent is not null then
    update public.agents a set last_assigned_at = now() where a.id = v_agent;
    insert into public.notifications (ticket_id, kind, channel, target)
    select p_ticket_id, 'ticket_assigned', 'slack', a.slack_user_id
    from public.agents a where a.id = v_agent and a.slack_user_id is not null and a.id <> p_actor_id;
  end if;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket_id, 'escalated', jsonb_build_object(
            'reasons', jsonb_build_array('agent_escalated'), 'via', 'slack',
            'priority', jsonb_build_array(v_ticket.priority, v_priority),
            'from_agent_id', v_ticket.assigned_to, 'agent_id', v_agent),
          'agent', p_actor_id);
  v_note := format('Escalated by %s: priority %s → %s, %s', v_actor.name, v_ticket.priority, v_priority,
    case when v_keep then 'stays with ' || app_private.agent_name(v_agent)
         when v_agent is not null then 'moved to ' || app_private.agent_name(v_agent)
         else 'back in the queue for a senior' end);
  perform app_private.slack_queue_message_updates(p_ticket_id, v_note, p_message);
  perform app_private.enqueue_job('notify', p_ticket_id);
  return app_private.slack_answer(true, format('%s escalated: priority %s, %s; the team lead is told.',
    app_private.ticket_label(v_ticket), v_priority,
    case when v_keep then 'it stays with ' || app_private.agent_name(v_agent)
         when v_agent is not null then 'it moved to ' || app_private.agent_name(v_agent)
         else 'no senior has room, so it waits in the queue for the next senior' end), v_ticket);
end;
$$;

-- "/ticket N resolve": resolves an open ticket as the acting agent (frees the assignee's slot).
create or replace function app_private.slack_resolve(p_ticket_id uuid, p_actor_id uuid, p_message jsonb default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_problem text;
begin
  perform app_private.lock_team_assignment(null);
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  v_problem := app_private.slack_ticket_problem(v_ticket, null);
  if v_problem is not null then
    return app_private.slack_answer(false, replace(v_problem, ' meanwhile', ' already'), v_ticket);
  end if;
  update public.tickets t set status = 'resolved', resolved_at = now() where t.id = p_ticket_id;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket_id, 'resolved', jsonb_build_object('via', 'slack', 'previous_status', v_ticket.status,
                                                      'agent_id', v_ticket.assigned_to), 'agent', p_actor_id);
  perform app_private.slack_queue_message_updates(p_ticket_id,
    format('Resolved by %s', app_private.agent_name(p_actor_id)), p_message);
  return app_private.slack_answer(true, format('%s is resolved.', app_private.ticket_label(v_ticket)), v_ticket);
end;
$$;


-- Lets an agent release a quarantined ticket (it then goes through routing like any other)
-- or quarantine one the AI missed. p_agent_id is the acting agent (Slack console); in Studio
-- the signed-in agent acts.
create or replace function app_private.set_quarantine(p_ticket_id uuid, p_quarantine boolean, p_agent_id uuid default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_agent uuid := coalesce(p_agent_id, app_private.current_agent_id());
  v_status text;
begin
  -- Quarantining an assigned ticket frees its agent's slot.
  perform app_private.lock_team_assignment(null);
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


-- Unchanged but for the note that its status update needs no assignment lock.
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
  -- A new ticket holds no agent's slot, nor does an analysed or quarantined one: this update
  -- needs no assignment lock (a triage batch must not hold it while routing waits).
  perform set_config('ists.assignment_lock', 'not_needed', true);
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
  perform set_config('ists.assignment_lock', '', true);

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


revoke all on all functions in schema app_private from public;
