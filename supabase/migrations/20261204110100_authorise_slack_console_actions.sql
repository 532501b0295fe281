-- Who may do what from Slack. Before, any agent could read, downgrade and resolve any ticket
-- with /ticket, also another team's escalated one. Now only the ticket's team sees or changes
-- it; within the team status and Escalate are for everyone, "assign me" on a queued ticket
-- too, while reassigning, resolving, setting the priority and taking over a colleague's
-- ticket are for its assignee, a senior agent (role senior_agent, or skill senior/expert) or
-- a manager. A refusal explains itself and changes nothing; a Slack user who is no agent is
-- refused as before.

-- Why the agent may not do the action on the ticket, or null (see above). A quarantined
-- ticket has no team yet; every agent may read its status, as in Studio.
create function app_private.slack_permission_problem(p_agent public.agents, p_ticket public.tickets, p_action text)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when p_ticket.team_id is null then
      case when p_action = 'status' and p_ticket.status = 'quarantined' then null
           else format('%s is not routed to a team yet; only the team it goes to can see or change it.',
                       app_private.ticket_label(p_ticket)) end
    when p_agent.team_id is distinct from p_ticket.team_id then
      format('%s belongs to another team; only that team can see or change it. Nothing was changed.',
             app_private.ticket_label(p_ticket))
    when p_action in ('status', 'escalate') then null
    when p_action = 'assign_me' and p_ticket.assigned_to is null then null
    when p_ticket.assigned_to = p_agent.id then null
    when p_agent.role in ('senior_agent', 'manager') or p_agent.skill_level in ('senior', 'expert') then null
    else format('Only %s a senior agent or a manager of %s may %s %s; nothing was changed.',
           case when p_ticket.assigned_to is null then ''
                else app_private.agent_name(p_ticket.assigned_to) || ' (the assignee),' end,
           coalesce((select tm.name::text from public.teams tm where tm.id = p_ticket.team_id), 'the team'),
           case p_action when 'resolve' then 'resolve' when 'priority' then 'change the priority of'
                         when 'assign_me' then 'take over' else 'reassign' end,
           app_private.ticket_label(p_ticket)
             || case when p_ticket.assigned_to is null then ' while it waits in the queue' else '' end)
  end
$$;

-- The entry point of slack-interactions, one call per request: finds the agent by Slack user
-- id and the ticket (p_args.ticket_id or ticket_number), checks that the agent may do the
-- action (slack_permission_problem; a message that no longer shows the ticket as it is gets
-- that explanation first), runs it and returns {ok, text, ticket_id, ticket_number}. Actions:
-- status, reassign (p_args.target_agent_id optional), assign_me, escalate, resolve, priority
-- (p_args.priority), availability (p_args.availability); p_args.expected and p_args.message
-- come from the clicked message.
create or replace function app_private.slack_console(p_slack_user_id text, p_action text, p_args jsonb default '{}')
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_agent public.agents;
  v_ticket public.tickets;
  v_ticket_id uuid;
  v_problem text;
  v_args jsonb := coalesce(p_args, '{}');
  -- Picking oneself from the teammates menu is taking the ticket.
  v_as text := case when p_action = 'reassign' and v_args ->> 'target_agent_id' is not null
                     and exists (select 1 from public.agents a where a.slack_user_id = p_slack_user_id
                                   and a.id::text = v_args ->> 'target_agent_id')
                    then 'assign_me' else p_action end;
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
  if p_action not in ('status', 'reassign', 'assign_me', 'escalate', 'resolve', 'priority') then
    return app_private.slack_answer(false, format('Unknown action %s.', p_action));
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

  -- Decided on the ticket as the action will find it: the assignment lock first, then its row.
  if p_action <> 'status' then
    perform app_private.lock_team_assignment(null);
    select * into v_ticket from public.tickets t where t.id = v_ticket_id for update;
  else
    select * into v_ticket from public.tickets t where t.id = v_ticket_id;
  end if;
  v_problem := app_private.slack_permission_problem(v_agent, v_ticket, v_as);
  if v_problem is not null and v_ticket.team_id is not distinct from v_agent.team_id and v_args ? 'expected' then
    -- Within the team, a stale message is explained first (it showed someone else's view).
    v_problem := coalesce(app_private.slack_ticket_problem(v_ticket, v_args -> 'expected'), v_problem);
  end if;
  if v_problem is not null then
    return app_private.slack_answer(false, v_problem, case when v_ticket.team_id = v_agent.team_id then v_ticket end);
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
  end;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.slack_permission_problem(public.agents, public.tickets, text) to service_role;
