-- Slack as the console: the buttons of the "New Ticket Assigned" message (Reassign, the
-- teammates menu, Escalate) and the /ticket command act on tickets through
-- app_private.slack_console(). Every action checks that the ticket is still as the message
-- showed it (assignee and status), respects capacity under the assignment lock, logs a ticket
-- event with the acting agent, queues an update of every posted copy of the ticket's message
-- (delivered and retried by the notify stage), and returns what to tell the person.

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'ticket_assigned', 'ticket_queued', 'customer_reply', 'pipeline_alert', 'inbound_reply',
  'ticket_escalated', 'ticket_updated'));
comment on column public.notifications.payload is
  'Message facts; ticket_updated rows carry the ts of the message to update and the note to show, sent rows the posted_channel.';

insert into app_private.settings (key, value, description) values
  ('ticket_url_template', '',
   'Link of the View Ticket button, {{id}} and {{number}} filled in (e.g. a Studio table editor row); empty: the REST row of functions_base_url')
on conflict (key) do nothing;

-- A ticket's label as people say it: #T-1234.
create function app_private.ticket_label(p_ticket public.tickets)
returns text
language sql
immutable
set search_path = ''
as $$
  select '#T-' || p_ticket.ticket_number::text
$$;

-- An agent's name, or the fallback when there is no agent.
create function app_private.agent_name(p_agent_id uuid, p_fallback text default 'nobody')
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce((select a.name::text from public.agents a where a.id = p_agent_id), p_fallback)
$$;

-- Coarse phase of a status, as a message shows it: queued, open (with an agent), closed, new.
create function app_private.ticket_phase(p_status text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case
    when p_status = 'queued' then 'queued'
    when p_status in ('assigned', 'in_progress', 'waiting_on_customer') then 'open'
    when p_status in ('resolved', 'closed') then 'closed'
    else 'new' end
$$;

-- Why a Slack action must not touch the ticket, or null: it is closed, not routed yet, or no
-- longer as the message showed it (p_expected: {"assignee": uuid or "", "status": text}).
create function app_private.slack_ticket_problem(p_ticket public.tickets, p_expected jsonb)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when p_ticket.status in ('resolved', 'closed') then
      format('%s was %s meanwhile; nothing was changed.', app_private.ticket_label(p_ticket), p_ticket.status)
    when app_private.ticket_phase(p_ticket.status) = 'new' then
      format('%s is still being triaged; try again in a moment.', app_private.ticket_label(p_ticket))
    when p_expected is not null and p_expected ? 'assignee'
         and p_ticket.assigned_to is distinct from nullif(p_expected ->> 'assignee', '')::uuid then
      format('%s is now %s (the message showed %s); nothing was changed.', app_private.ticket_label(p_ticket),
        case when p_ticket.assigned_to is null then 'waiting in the queue'
             else 'assigned to ' || app_private.agent_name(p_ticket.assigned_to) end,
        case when nullif(p_expected ->> 'assignee', '') is null then 'it queued'
             else app_private.agent_name(nullif(p_expected ->> 'assignee', '')::uuid, 'another agent') end)
    when p_expected is not null and p_expected ? 'status'
         and app_private.ticket_phase(p_expected ->> 'status') <> app_private.ticket_phase(p_ticket.status) then
      format('%s is now %s (the message showed %s); nothing was changed.', app_private.ticket_label(p_ticket),
        p_ticket.status, p_expected ->> 'status')
  end
$$;

-- Why an agent cannot take the ticket now, or null: another team, not available, at capacity,
-- or not senior enough for an urgent or escalated ticket. The caller holds the assignment lock.
create function app_private.slack_assignment_problem(p_ticket public.tickets, p_agent public.agents)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when p_agent.team_id is distinct from p_ticket.team_id then
      format('%s is not in %s, the team of %s.', p_agent.name,
        coalesce((select tm.name::text from public.teams tm where tm.id = p_ticket.team_id), 'the team'),
        app_private.ticket_label(p_ticket))
    when not p_agent.is_available then
      format('%s is %s and takes no new tickets.', p_agent.name, p_agent.availability)
    when p_agent.active_tickets >= p_agent.max_concurrent_tickets then
      format('%s already has %s of %s tickets.', p_agent.name, p_agent.active_tickets, p_agent.max_concurrent_tickets)
    when (p_ticket.priority = 'urgent' or p_ticket.is_escalated) and p_agent.skill_level not in ('senior', 'expert') then
      format('%s is %s and needs a senior or expert agent; %s is %s.', app_private.ticket_label(p_ticket),
        case when p_ticket.priority = 'urgent' then 'urgent' else 'escalated' end, p_agent.name, p_agent.skill_level)
  end
$$;

-- Queues an update of every posted copy of the ticket's "New Ticket" message (team channel,
-- direct messages) and of the message the action came from (p_message: {channel, ts}), each
-- showing the ticket as it now is and the note. The notify stage delivers them (chat.update).
create function app_private.slack_queue_message_updates(p_ticket_id uuid, p_note text, p_message jsonb)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_count integer;
begin
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select p_ticket_id, 'ticket_updated', 'slack', c.channel,
         jsonb_build_object('ts', c.ts, 'note', p_note, 'at', extract(epoch from now())::bigint)
  from (
    select coalesce(n.payload ->> 'posted_channel', n.target) as channel, n.external_id as ts
    from public.notifications n
    where n.ticket_id = p_ticket_id and n.kind in ('ticket_assigned', 'ticket_queued')
      and n.status = 'sent' and n.external_id is not null
    union
    select p_message ->> 'channel', p_message ->> 'ts'
    where nullif(p_message ->> 'channel', '') is not null and nullif(p_message ->> 'ts', '') is not null
  ) c
  where c.channel is not null;
  get diagnostics v_count = row_count;
  if v_count > 0 then
    perform app_private.enqueue_job('notify', p_ticket_id);
  end if;
  return v_count;
end;
$$;

-- Credits the agent with the AI corrections and correction events this transaction recorded
-- for the ticket (the trigger cannot see who acted from Slack).
create function app_private.slack_attribute_corrections(p_ticket_id uuid, p_agent_id uuid)
returns void
language sql
set search_path = ''
as $$
  update public.ai_corrections c set corrected_by = p_agent_id
  where c.ticket_id = p_ticket_id and c.corrected_by is null and c.created_at = now();
  update public.ticket_events e set actor_type = 'agent', actor_id = p_agent_id
  where e.ticket_id = p_ticket_id and e.event_type = 'classification_corrected'
    and e.actor_id is null and e.created_at = now();
$$;

-- Moves the SLA deadlines of a ticket to its (new) priority, counted from its arrival.
create function app_private.apply_priority_deadlines(p_ticket_id uuid)
returns void
language sql
set search_path = ''
as $$
  update public.sla_tracking s
  set priority = t.priority,
      first_response_deadline = t.created_at + make_interval(mins => p.first_response_minutes),
      resolution_deadline = t.created_at + make_interval(mins => p.resolution_minutes)
  from public.tickets t join public.sla_policies p on p.priority = t.priority
  where s.ticket_id = p_ticket_id and t.id = p_ticket_id;
  update public.tickets t
  set sla_deadline = s.resolution_deadline
  from public.sla_tracking s
  where s.ticket_id = t.id and t.id = p_ticket_id;
$$;

-- The answer of a Slack action.
create function app_private.slack_answer(p_ok boolean, p_text text, p_ticket public.tickets default null)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object('ok', p_ok, 'text', p_text, 'ticket_id', p_ticket.id,
                            'ticket_number', p_ticket.ticket_number)
$$;

-- Gives the ticket to an agent (a queued ticket, a reassignment, "assign me"), logs it as the
-- acting agent, tells the new assignee by direct message and refreshes the posted messages.
-- The caller holds the ticket row and the assignment lock and has checked the agent.
create function app_private.slack_hand_over(
  p_ticket public.tickets,
  p_target public.agents,
  p_actor public.agents,
  p_how text,
  p_message jsonb
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_note text;
begin
  update public.tickets t
  set assigned_to = p_target.id, status = 'assigned', assigned_at = now()
  where t.id = p_ticket.id;
  update public.agents a set last_assigned_at = now() where a.id = p_target.id;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket.id, case when p_ticket.assigned_to is null then 'assigned' else 'reassigned' end,
          jsonb_build_object('agent_id', p_target.id, 'from_agent_id', p_ticket.assigned_to,
                             'reason', 'slack_' || p_how, 'via', 'slack'),
          'agent', p_actor.id);
  if p_target.slack_user_id is not null and p_target.id is distinct from p_actor.id then
    insert into public.notifications (ticket_id, kind, channel, target)
    values (p_ticket.id, 'ticket_assigned', 'slack', p_target.slack_user_id);
    perform app_private.enqueue_job('notify', p_ticket.id);
  end if;
  v_note := case
    when p_target.id = p_actor.id then format('%s took the ticket', p_actor.name)
    else format('Reassigned to %s by %s', p_target.name, p_actor.name) end;
  perform app_private.slack_queue_message_updates(p_ticket.id, v_note, p_message);
  return app_private.slack_answer(true,
    case when p_target.id = p_actor.id then format('%s is now assigned to you.', app_private.ticket_label(p_ticket))
         when p_ticket.assigned_to is null then
           format('%s is now assigned to %s.', app_private.ticket_label(p_ticket), p_target.name)
         else format('%s moved from %s to %s.', app_private.ticket_label(p_ticket),
                     app_private.agent_name(p_ticket.assigned_to), p_target.name) end,
    p_ticket);
end;
$$;

-- Reassign button, teammates menu and "/ticket N assign me": to p_target_id (checked: team,
-- availability, capacity, seniority), or with no target to the next best available agent of
-- the team other than the current assignee (the choice routing makes).
create function app_private.slack_reassign(
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
  select * into v_actor from public.agents a where a.id = p_actor_id;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  v_problem := app_private.slack_ticket_problem(v_ticket, p_expected);
  if v_problem is not null then
    return app_private.slack_answer(false, v_problem, v_ticket);
  end if;
  perform app_private.lock_team_assignment(v_ticket.team_id);
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
    select * into v_target from public.agents a where a.id = p_target_id for update;
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
create function app_private.slack_escalate(
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
  perform app_private.lock_team_assignment(v_ticket.team_id);
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
create function app_private.slack_resolve(p_ticket_id uuid, p_actor_id uuid, p_message jsonb default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_problem text;
begin
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

-- "/ticket N priority P": sets an open ticket's priority (recorded as an AI correction by the
-- agent) and moves its SLA deadlines.
create function app_private.slack_set_priority(
  p_ticket_id uuid,
  p_actor_id uuid,
  p_priority text,
  p_message jsonb default null
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_problem text;
begin
  if p_priority is null or p_priority not in ('urgent', 'high', 'medium', 'low') then
    return app_private.slack_answer(false, 'Priority must be urgent, high, medium or low.');
  end if;
  select * into v_ticket from public.tickets t where t.id = p_ticket_id for update;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  v_problem := app_private.slack_ticket_problem(v_ticket, null);
  if v_problem is not null then
    return app_private.slack_answer(false, replace(v_problem, ' meanwhile', ' already'), v_ticket);
  end if;
  if v_ticket.priority = p_priority then
    return app_private.slack_answer(false, format('%s is already %s.', app_private.ticket_label(v_ticket), p_priority), v_ticket);
  end if;
  update public.tickets t set priority = p_priority where t.id = p_ticket_id;
  perform app_private.apply_priority_deadlines(p_ticket_id);
  perform app_private.slack_attribute_corrections(p_ticket_id, p_actor_id);
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket_id, 'priority_changed', jsonb_build_object('via', 'slack',
            'priority', jsonb_build_array(v_ticket.priority, p_priority)), 'agent', p_actor_id);
  perform app_private.slack_queue_message_updates(p_ticket_id,
    format('Priority %s → %s by %s', v_ticket.priority, p_priority, app_private.agent_name(p_actor_id)), p_message);
  return app_private.slack_answer(true, format('%s is now %s (was %s).', app_private.ticket_label(v_ticket),
    p_priority, v_ticket.priority), v_ticket);
end;
$$;

-- "/ticket N": one line about the ticket.
create function app_private.slack_ticket_status(p_ticket_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select app_private.slack_answer(true, format('*%s* %s%s · %s · %s · %s%s%s',
    app_private.ticket_label(t), left(t.subject, 120),
    case when t.is_escalated then ' :rotating_light:' else '' end,
    t.status, t.priority,
    coalesce(tm.name::text, 'no team yet'),
    case when t.assigned_to is not null then ' → ' || app_private.agent_name(t.assigned_to) else '' end,
    case when s.resolution_deadline is not null and t.status not in ('resolved', 'closed')
         then format(' · resolve by %s UTC', to_char(s.resolution_deadline at time zone 'UTC', 'DD Mon HH24:MI'))
         else '' end), t)
  from public.tickets t
  left join public.teams tm on tm.id = t.team_id
  left join public.sla_tracking s on s.ticket_id = t.id
  where t.id = p_ticket_id
$$;

-- The entry point of slack-interactions, one call per request: finds the agent by Slack user
-- id and the ticket (p_args.ticket_id or ticket_number), runs the action and returns
-- {ok, text, ticket_id, ticket_number}. Actions: status, reassign (p_args.target_agent_id
-- optional), assign_me, escalate, resolve, priority (p_args.priority), availability
-- (p_args.availability); p_args.expected and p_args.message come from the clicked message.
create function app_private.slack_console(p_slack_user_id text, p_action text, p_args jsonb default '{}')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_agent public.agents;
  v_ticket_id uuid;
  v_args jsonb := coalesce(p_args, '{}');
begin
  select * into v_agent from public.agents a
  where a.slack_user_id = p_slack_user_id order by a.created_at, a.id limit 1;
  if not found then
    return app_private.slack_answer(false, format(
      'You are not an agent in ISTS, so nothing was changed. An admin can link you by setting agents.slack_user_id to %s.',
      p_slack_user_id));
  end if;
  if p_action = 'availability' then
    if coalesce(v_args ->> 'availability', '') not in ('available', 'away', 'offline') then
      return app_private.slack_answer(false, 'Availability must be available, away or offline.');
    end if;
    perform app_private.set_agent_availability(v_agent.id, v_args ->> 'availability');
    return app_private.slack_answer(true, case v_args ->> 'availability'
      when 'available' then 'You are available: new tickets can be assigned to you.'
      when 'away' then 'You are away: no new tickets are assigned to you; your open tickets stay with you.'
      else format('You are offline: no new tickets are assigned to you, and the open ones you have not touched go back to the queue after %s minutes.',
                  coalesce(nullif(app_private.get_setting('offline_return_minutes'), ''), '30')) end);
  end if;

  if v_args ? 'ticket_id' then
    select t.id into v_ticket_id from public.tickets t where t.id = (v_args ->> 'ticket_id')::uuid;
  elsif v_args ? 'ticket_number' then
    select t.id into v_ticket_id from public.tickets t where t.ticket_number = (v_args ->> 'ticket_number')::bigint;
  end if;
  if v_ticket_id is null then
    return app_private.slack_answer(false, format('There is no ticket %s.',
      coalesce('#T-' || (v_args ->> 'ticket_number'), 'with that id')));
  end if;

  return case p_action
    when 'status' then app_private.slack_ticket_status(v_ticket_id)
    when 'reassign' then app_private.slack_reassign(v_ticket_id, v_agent.id,
      nullif(v_args ->> 'target_agent_id', '')::uuid, v_args -> 'expected', v_args -> 'message')
    when 'assign_me' then app_private.slack_reassign(v_ticket_id, v_agent.id, v_agent.id,
      v_args -> 'expected', v_args -> 'message')
    when 'escalate' then app_private.slack_escalate(v_ticket_id, v_agent.id, v_args -> 'expected', v_args -> 'message')
    when 'resolve' then app_private.slack_resolve(v_ticket_id, v_agent.id, v_args -> 'message')
    when 'priority' then app_private.slack_set_priority(v_ticket_id, v_agent.id, v_args ->> 'priority', v_args -> 'message')
    else app_private.slack_answer(false, format('Unknown action %s.', p_action))
  end;
end;
$$;

-- The lead channel's alert names the agent who escalated from Slack.
create or replace function app_private.ticket_events_notify_escalation()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select new.ticket_id, 'ticket_escalated', 'slack', coalesce(tm.lead_slack_channel_id, tm.slack_channel_id),
         jsonb_build_object('text', format(':rotating_light: #T-%s escalated (%s)%s: %s', t.ticket_number,
           coalesce((select string_agg(r, ', ') from jsonb_array_elements_text(new.event_data -> 'reasons') r), 'by an agent'),
           case when new.actor_type = 'agent' and new.actor_id is not null
                then ' by ' || app_private.agent_name(new.actor_id) else '' end,
           left(t.subject, 120)))
  from public.tickets t
  left join public.teams tm on tm.id = t.team_id
  where t.id = new.ticket_id;
  perform app_private.enqueue_job('notify', new.ticket_id);
  return null;
end;
$$;

revoke all on function app_private.ticket_label(public.tickets), app_private.agent_name(uuid, text),
  app_private.ticket_phase(text), app_private.slack_ticket_problem(public.tickets, jsonb),
  app_private.slack_assignment_problem(public.tickets, public.agents),
  app_private.slack_queue_message_updates(uuid, text, jsonb),
  app_private.slack_attribute_corrections(uuid, uuid), app_private.apply_priority_deadlines(uuid),
  app_private.slack_answer(boolean, text, public.tickets),
  app_private.slack_hand_over(public.tickets, public.agents, public.agents, text, jsonb),
  app_private.slack_reassign(uuid, uuid, uuid, jsonb, jsonb),
  app_private.slack_escalate(uuid, uuid, jsonb, jsonb), app_private.slack_resolve(uuid, uuid, jsonb),
  app_private.slack_set_priority(uuid, uuid, text, jsonb), app_private.slack_ticket_status(uuid),
  app_private.slack_console(text, text, jsonb)
from public;
grant execute on function app_private.ticket_label(public.tickets), app_private.agent_name(uuid, text),
  app_private.ticket_phase(text), app_private.slack_ticket_problem(public.tickets, jsonb),
  app_private.slack_assignment_problem(public.tickets, public.agents),
  app_private.slack_queue_message_updates(uuid, text, jsonb),
  app_private.slack_attribute_corrections(uuid, uuid), app_private.apply_priority_deadlines(uuid),
  app_private.slack_answer(boolean, text, public.tickets),
  app_private.slack_hand_over(public.tickets, public.agents, public.agents, text, jsonb),
  app_private.slack_reassign(uuid, uuid, uuid, jsonb, jsonb),
  app_private.slack_escalate(uuid, uuid, jsonb, jsonb), app_private.slack_resolve(uuid, uuid, jsonb),
  app_private.slack_set_priority(uuid, uuid, text, jsonb), app_private.slack_ticket_status(uuid),
  app_private.slack_console(text, text, jsonb)
to service_role;
