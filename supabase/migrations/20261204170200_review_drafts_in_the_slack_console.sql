-- The Slack console decides AI drafts and sends agents' answers. New actions of
-- app_private.slack_console(): approve_draft, edit_draft (p_args.text), reject_draft
-- (p_args.reason), review_draft (the check before the Edit or Reject window opens:
-- p_args.decision, returns the draft) and reply (p_args.text, p_args.source). Drafts are
-- decided by the ticket's assignee, a senior agent or a manager of its team; any agent of the
-- team answers. A decision on a draft that was decided already, or whose ticket changed
-- meanwhile (resolved, reassigned, a newer draft or answer, a new message from the customer),
-- is refused with an explanation and changes nothing. These actions change no assignment, so
-- they hold only the ticket's row, not the assignment lock.

-- Why a draft can no longer be decided from its message, or null. p_expected: {"assignee":
-- uuid or ""} from the message's buttons.
create function app_private.draft_review_problem(
  p_response public.responses,
  p_ticket public.tickets,
  p_expected jsonb
)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_label text := app_private.ticket_label(p_ticket);
  v_problem text;
  v_other public.responses;
begin
  if p_response.id is null or not p_response.was_ai_generated or p_response.direction <> 'outbound' then
    return 'That draft no longer exists; nothing was changed.';
  end if;
  if p_response.review_status = 'auto_sent' then
    return format('The AI answer to %s was sent automatically; there is nothing to review.', v_label);
  end if;
  if p_response.review_status <> 'pending' then
    return format('The draft for %s was already %s by %s %s; nothing was changed.', v_label, p_response.review_status,
      app_private.agent_name(p_response.reviewed_by, 'someone'),
      coalesce(to_char(p_response.reviewed_at at time zone 'UTC', '"on" DD Mon "at" HH24:MI "UTC"'), ''));
  end if;
  v_problem := app_private.slack_ticket_problem(p_ticket, p_expected);
  if v_problem is not null then
    return replace(v_problem, 'nothing was changed', 'the draft was not sent');
  end if;
  select * into v_other from public.responses r
  where r.ticket_id = p_ticket.id and r.direction = 'outbound' and r.id <> p_response.id
    and (r.created_at, r.id) > (p_response.created_at, p_response.id)
    and coalesce(r.review_status, '') <> 'rejected' and not r.is_third_party
  order by r.created_at desc
  limit 1;
  if found then
    return case when v_other.review_status = 'pending'
      then format('A newer draft for %s was posted; review that one. This draft was not sent.', v_label)
      else format('%s was answered since this draft was written (%s); this draft was not sent.', v_label,
                  case when v_other.sender_type = 'agent' then 'by ' || app_private.agent_name(v_other.sender_id, 'an agent')
                       else 'by the AI' end) end;
  end if;
  if exists (select 1 from public.responses r
             where r.ticket_id = p_ticket.id and r.direction = 'inbound' and not r.is_third_party
               and r.created_at > p_response.created_at) then
    return format('The customer wrote again on %s after this draft; read the new message and answer with `>> …` in the thread. This draft was not sent.', v_label);
  end if;
  return null;
end;
$$;

-- Decides a pending draft from Slack (p_decision approve, edit, reject) or checks that it can
-- be (review: before the Edit or Reject window opens; returns the draft to show). The caller
-- (slack_console) has checked the agent's permission and holds the ticket's row. p_args:
-- expected (the message's state), text (edit), reason (reject). An input problem names the
-- window's field (field: draft_text, reject_reason). Approve and edit queue delivery through
-- the send trigger; every decision is logged and updates the posted message (triggers).
create function app_private.slack_review_draft(
  p_response_id uuid,
  p_actor_id uuid,
  p_decision text,
  p_args jsonb default '{}'
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_response public.responses;
  v_ticket public.tickets;
  v_problem text;
  v_text text;
  v_label text;
  v_how text;
begin
  if p_decision is null or p_decision not in ('review', 'approve', 'edit', 'reject') then
    return app_private.slack_answer(false, format('Unknown decision %s.', coalesce(p_decision, '(none)')));
  end if;
  select * into v_response from public.responses r where r.id = p_response_id for update;
  select * into v_ticket from public.tickets t where t.id = v_response.ticket_id;
  if v_ticket.id is null then
    return app_private.slack_answer(false, 'That draft no longer exists; nothing was changed.');
  end if;
  v_label := app_private.ticket_label(v_ticket);
  v_problem := app_private.draft_review_problem(v_response, v_ticket, p_args -> 'expected');
  if v_problem is not null then
    return app_private.slack_answer(false, v_problem, v_ticket);
  end if;
  v_how := case v_ticket.channel
    when 'email' then 'by e-mail to ' || v_ticket.sender_email
    when 'slack' then 'in the customer''s Slack thread'
    else 'through the answer webhook' end;
  perform set_config('ists.review_via', 'slack', true);

  case p_decision
    when 'review' then
      if coalesce(p_args ->> 'decision', '') = 'edit' and length(v_response.body) > 3000 then
        return app_private.slack_answer(false, format(
          'The draft for %s is %s characters long, more than Slack''s editor holds (3,000). Edit it in Studio, or answer with `>> …` in the thread.',
          v_label, length(v_response.body)), v_ticket);
      end if;
      return app_private.slack_answer(true, '', v_ticket) || jsonb_build_object('draft', jsonb_build_object(
        'response_id', v_response.id, 'body', v_response.body, 'ticket_number', v_ticket.ticket_number,
        'channel', v_ticket.channel,
        'customer', coalesce(nullif(btrim(coalesce(v_ticket.sender_name, '')), ''), v_ticket.sender_email)));
    when 'approve' then
      update public.responses set review_status = 'approved', reviewed_by = p_actor_id, reviewed_at = now(),
        review_note = null
      where id = v_response.id;
      return app_private.slack_answer(true, format('Approved: the answer to %s is on its way %s.', v_label, v_how), v_ticket)
        || jsonb_build_object('response_id', v_response.id);
    when 'edit' then
      v_text := btrim(coalesce(p_args ->> 'text', ''), E' \t\r\n');
      if v_text = '' then
        return app_private.slack_answer(false, 'Write the answer to send (or cancel to keep the draft).', v_ticket)
          || jsonb_build_object('field', 'draft_text');
      end if;
      if length(v_text) > 20000 then
        return app_private.slack_answer(false, format('The answer is %s characters long; at most 20,000 can be sent.',
          length(v_text)), v_ticket) || jsonb_build_object('field', 'draft_text');
      end if;
      update public.responses set body = v_text, review_status = 'edited', reviewed_by = p_actor_id,
        reviewed_at = now(), review_note = null
      where id = v_response.id
      returning * into v_response;
      return app_private.slack_answer(true, case when v_response.review_status = 'edited'
          then format('Edited (%s characters changed): the answer to %s is on its way %s.', v_response.edit_distance, v_label, v_how)
          else format('Unchanged, so approved as written: the answer to %s is on its way %s.', v_label, v_how) end, v_ticket)
        || jsonb_build_object('response_id', v_response.id, 'edit_distance', v_response.edit_distance);
    else
      v_text := btrim(coalesce(p_args ->> 'reason', ''), E' \t\r\n');
      if v_text = '' then
        return app_private.slack_answer(false, 'Say why the draft is rejected: it is kept with the draft and teaches the team what the AI gets wrong.', v_ticket)
          || jsonb_build_object('field', 'reject_reason');
      end if;
      if length(v_text) > 2000 then
        return app_private.slack_answer(false, format('The reason is %s characters long; keep it under 2,000.', length(v_text)), v_ticket)
          || jsonb_build_object('field', 'reject_reason');
      end if;
      update public.responses set review_status = 'rejected', reviewed_by = p_actor_id, reviewed_at = now(),
        review_note = v_text
      where id = v_response.id;
      return app_private.slack_answer(true, format('Rejected: nothing was sent to the customer of %s. Answer with `>> …` in the thread or `/ticket reply %s …`.',
        v_label, v_ticket.ticket_number), v_ticket) || jsonb_build_object('response_id', v_response.id);
  end case;
end;
$$;

-- Who may do what from Slack (see 20261204110100), now with the draft decisions (assignee,
-- senior agent or manager of the team, like resolve) and answers (every agent of the team).
create or replace function app_private.slack_permission_problem(p_agent public.agents, p_ticket public.tickets, p_action text)
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
    when p_action in ('status', 'escalate', 'reply') then null
    when p_action = 'assign_me' and p_ticket.assigned_to is null then null
    when p_ticket.assigned_to = p_agent.id then null
    when p_agent.role in ('senior_agent', 'manager') or p_agent.skill_level in ('senior', 'expert') then null
    else format('Only %s a senior agent or a manager of %s may %s %s; nothing was changed.',
           case when p_ticket.assigned_to is null then ''
                else app_private.agent_name(p_ticket.assigned_to) || ' (the assignee),' end,
           coalesce((select tm.name::text from public.teams tm where tm.id = p_ticket.team_id), 'the team'),
           case p_action when 'resolve' then 'resolve' when 'priority' then 'change the priority of'
                         when 'assign_me' then 'take over'
                         when 'approve_draft' then 'approve the AI draft for'
                         when 'edit_draft' then 'edit and send the AI draft for'
                         when 'reject_draft' then 'reject the AI draft for'
                         else 'reassign' end,
           app_private.ticket_label(p_ticket)
             || case when p_ticket.assigned_to is null then ' while it waits in the queue' else '' end)
  end
$$;

-- The entry point of slack-interactions (and of answers in a ticket's Slack thread), one call
-- per request: finds the agent by Slack user id and the ticket (p_args.ticket_id,
-- ticket_number, or for drafts response_id), checks that the agent may do the action
-- (slack_permission_problem; a message that no longer shows the ticket as it is gets that
-- explanation first), runs it and returns {ok, text, ticket_id, ticket_number, …}. Actions:
-- status, reassign (p_args.target_agent_id optional), assign_me, escalate, resolve, priority
-- (p_args.priority), availability (p_args.availability), reply (p_args.text, source),
-- approve_draft, edit_draft (text), reject_draft (reason), review_draft (decision: edit or
-- reject); p_args.expected and p_args.message come from the clicked message.
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
  -- Picking oneself from the teammates menu is taking the ticket; the check before a draft's
  -- window opens is the decision it prepares.
  v_as text := case
    when p_action = 'reassign' and v_args ->> 'target_agent_id' is not null
         and exists (select 1 from public.agents a where a.slack_user_id = p_slack_user_id
                       and a.id::text = v_args ->> 'target_agent_id') then 'assign_me'
    when p_action = 'review_draft' then coalesce(v_args ->> 'decision', 'edit') || '_draft'
    else p_action end;
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
  if p_action not in ('status', 'reassign', 'assign_me', 'escalate', 'resolve', 'priority', 'reply',
                      'approve_draft', 'edit_draft', 'reject_draft', 'review_draft') then
    return app_private.slack_answer(false, format('Unknown action %s.', p_action));
  end if;
  if p_action = 'review_draft' and coalesce(v_args ->> 'decision', '') not in ('edit', 'reject') then
    return app_private.slack_answer(false, 'A draft is reviewed to edit or to reject it.');
  end if;

  if p_action like '%\_draft' then
    if coalesce(v_args ->> 'response_id', '') ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      select r.ticket_id into v_ticket_id from public.responses r
      where r.id = (v_args ->> 'response_id')::uuid and r.was_ai_generated;
    end if;
    if v_ticket_id is null then
      return app_private.slack_answer(false, 'That draft no longer exists; nothing was changed.');
    end if;
  elsif v_args ? 'ticket_id' then
    select t.id into v_ticket_id from public.tickets t where t.id = (v_args ->> 'ticket_id')::uuid;
  elsif v_args ? 'ticket_number' then
    select t.id into v_ticket_id from public.tickets t where t.ticket_number = (v_args ->> 'ticket_number')::bigint;
  end if;
  if v_ticket_id is null then
    return app_private.slack_answer(false, format('There is no ticket %s.',
      coalesce('#T-' || (v_args ->> 'ticket_number'), 'with that id')));
  end if;

  -- Decided on the ticket as the action will find it: assignment changes take the assignment
  -- lock first, then the row; answers and draft decisions only the row.
  if p_action = 'status' then
    select * into v_ticket from public.tickets t where t.id = v_ticket_id;
  elsif p_action = 'reply' or p_action like '%\_draft' then
    select * into v_ticket from public.tickets t where t.id = v_ticket_id for update;
  else
    perform app_private.lock_team_assignment(null);
    select * into v_ticket from public.tickets t where t.id = v_ticket_id for update;
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
    when 'reply' then app_private.slack_agent_answer(v_ticket_id, v_agent.id, v_args ->> 'text',
      coalesce(v_args -> 'source', '{}'))
    when 'approve_draft' then app_private.slack_review_draft((v_args ->> 'response_id')::uuid, v_agent.id, 'approve', v_args)
    when 'edit_draft' then app_private.slack_review_draft((v_args ->> 'response_id')::uuid, v_agent.id, 'edit', v_args)
    when 'reject_draft' then app_private.slack_review_draft((v_args ->> 'response_id')::uuid, v_agent.id, 'reject', v_args)
    else app_private.slack_review_draft((v_args ->> 'response_id')::uuid, v_agent.id, 'review', v_args)
  end;
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.draft_review_problem(public.responses, public.tickets, jsonb),
  app_private.slack_review_draft(uuid, uuid, text, jsonb),
  app_private.slack_permission_problem(public.agents, public.tickets, text),
  app_private.slack_console(text, text, jsonb) to service_role;
