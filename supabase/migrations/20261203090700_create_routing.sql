-- Routing: auto-resolution of simple tickets, routing rules to a team, escalation flags,
-- least-loaded agent assignment within capacity, the SLA timer and the Slack notification.

-- Sorts priorities: urgent first.
create function app_private.priority_rank(p_priority text)
returns integer
language sql
immutable
set search_path = ''
as $$
  select case p_priority when 'urgent' then 1 when 'high' then 2 when 'medium' then 3 when 'low' then 4 else 5 end
$$;

-- Chooses the least-loaded available agent of a team with room for one more ticket
-- (seniors only when required); ties go to matching specialization, then to the least
-- recently assigned. The caller holds the team's assignment lock.
create function app_private.pick_agent(
  p_team_id uuid,
  p_needs_senior boolean,
  p_category text,
  p_sub_category text
)
returns uuid
language sql
stable
set search_path = ''
as $$
  select a.id
  from public.agents a
  left join public.tickets t on t.assigned_to = a.id and t.status in ('assigned', 'in_progress')
  where a.team_id = p_team_id
    and a.is_available
    and (not p_needs_senior or a.skill_level in ('senior', 'expert'))
  group by a.id
  having count(t.id) < a.max_concurrent_tickets
  order by count(t.id),
           coalesce(p_category = any (a.specializations) or p_sub_category = any (a.specializations), false) desc,
           a.last_assigned_at nulls first,
           a.id
  limit 1
$$;

-- Takes the transaction-scoped lock that serialises assignment, so two workers never race
-- for an agent's last free slot. It is one lock for all teams (not one per team) because a
-- route batch assigns tickets of several teams in one transaction: per-team locks taken in
-- ticket order could deadlock; a single lock cannot. Assignment itself takes microseconds.
create function app_private.lock_team_assignment(p_team_id uuid)
returns void
language sql
set search_path = ''
as $$
  select pg_advisory_xact_lock(hashtextextended('ists-assignment', 0))
$$;

-- Assigns a ticket to an agent and queues the Slack notification.
create function app_private.assign_ticket(p_ticket_id uuid, p_agent_id uuid, p_reason text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update public.tickets
  set status = 'assigned', assigned_to = p_agent_id, assigned_at = now()
  where id = p_ticket_id;
  update public.agents set last_assigned_at = now() where id = p_agent_id;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  values (p_ticket_id, 'assigned', jsonb_build_object('agent_id', p_agent_id, 'reason', p_reason), 'system');
  insert into public.notifications (ticket_id, kind, channel, target)
  select p_ticket_id, 'ticket_assigned', 'slack', tm.slack_channel_id
  from public.tickets t join public.teams tm on tm.id = t.team_id
  where t.id = p_ticket_id;
  perform app_private.enqueue_job('notify', p_ticket_id);
end;
$$;

-- Hands queued tickets of a team (or of every team) to agents with free capacity, highest
-- priority first, then oldest first. Returns the number of tickets assigned.
create function app_private.assign_queued_tickets(p_team_id uuid default null)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_team uuid;
  v_ticket record;
  v_agent uuid;
  v_count integer := 0;
begin
  for v_team in
    select tm.id from public.teams tm where p_team_id is null or tm.id = p_team_id order by tm.id
  loop
    perform app_private.lock_team_assignment(v_team);
    for v_ticket in
      select t.id, t.category, t.sub_category, t.priority, t.is_escalated
      from public.tickets t
      where t.team_id = v_team and t.status = 'queued'
      order by app_private.priority_rank(t.priority), t.created_at
      for update skip locked
    loop
      v_agent := app_private.pick_agent(v_team, v_ticket.priority = 'urgent' or v_ticket.is_escalated,
                                        v_ticket.category, v_ticket.sub_category);
      continue when v_agent is null;
      perform app_private.assign_ticket(v_ticket.id, v_agent, 'capacity_freed');
      v_count := v_count + 1;
    end loop;
  end loop;
  return v_count;
end;
$$;

-- Fills {{first_name}}, {{ticket_number}} and {{organisation_name}} in a template.
create function app_private.fill_template(p_template text, p_ticket public.tickets)
returns text
language sql
stable
set search_path = ''
as $$
  select replace(replace(replace(p_template,
    '{{first_name}}', coalesce(split_part(nullif(btrim(p_ticket.sender_name), ''), ' ', 1), 'there')),
    '{{ticket_number}}', 'T-' || p_ticket.ticket_number::text),
    '{{organisation_name}}', coalesce(app_private.get_setting('organisation_name'), 'Support'))
$$;

-- Routes one analysed ticket exactly once: auto-resolves simple cases, otherwise picks the
-- team by routing rules, sets escalation flags, assigns the least-loaded qualified agent or
-- queues the ticket for its team, starts the SLA timer and queues the notification.
-- Returns the decision; a ticket that is not in status 'analyzed' is left alone.
create function app_private.route_ticket(p_ticket_id uuid)
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

-- Runs the route stage for one claimed job: routes and completes the job in one transaction.
create function app_private.run_route_job(p_job_id bigint, p_attempt integer, p_ticket_id uuid)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_decision jsonb := app_private.route_ticket(p_ticket_id);
begin
  perform app_private.require_complete_job(p_job_id, p_attempt);
  return v_decision;
end;
$$;

-- Hands queued work to an agent as soon as capacity frees: a ticket leaving an agent's
-- active set, or an agent becoming available or gaining capacity.
-- security definer: an agent closing their own ticket must be able to hand the freed slot
-- to a queued ticket they cannot see or update themselves.
create function app_private.tickets_release_capacity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_team uuid;
begin
  select a.team_id into v_team from public.agents a where a.id = old.assigned_to;
  if v_team is not null then
    perform app_private.assign_queued_tickets(v_team);
  end if;
  return null;
end;
$$;
create trigger tickets_release_capacity after update of status, assigned_to on public.tickets
  for each row
  when (old.assigned_to is not null and old.status in ('assigned', 'in_progress')
        and (new.status not in ('assigned', 'in_progress') or new.assigned_to is distinct from old.assigned_to))
  execute function app_private.tickets_release_capacity();

-- Same as tickets_release_capacity, for changes to the agent row itself.
-- security definer: same reason as tickets_release_capacity().
create function app_private.agents_release_capacity()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.team_id is not null then
    perform app_private.assign_queued_tickets(new.team_id);
  end if;
  return null;
end;
$$;
create trigger agents_release_capacity after update of is_available, max_concurrent_tickets, team_id on public.agents
  for each row
  when (new.is_available and (not old.is_available or new.max_concurrent_tickets > old.max_concurrent_tickets
                              or new.team_id is distinct from old.team_id))
  execute function app_private.agents_release_capacity();

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;

select cron.schedule('ists-assign-queued-tickets', '* * * * *', 'select app_private.assign_queued_tickets()');
