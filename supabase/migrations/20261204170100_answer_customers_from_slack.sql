-- Agents answer customers from Slack. A reply in the thread of one of a ticket's Slack
-- messages (the "New Ticket" message, its draft, the customer-replied notice, …) that starts
-- with a marker (setting slack_answer_markers, default ">>" and "!reply") becomes the
-- agent's answer: a responses row (sender_type agent) that the send stage delivers on the
-- ticket's channel, a ticket event, and a ✅ reaction on the agent's message. A reply
-- without the marker stays an internal note (a ticket event, never sent). "/ticket reply"
-- goes through the same function. Only agents of the ticket's team answer; anyone else gets
-- an ephemeral explanation and nothing is sent.

insert into app_private.settings (key, value, description) values
  ('slack_answer_markers', '>>,!reply',
   'Comma-separated markers that make a reply in a ticket''s Slack thread an answer to the customer (case-insensitive, at the start of the message); other replies are internal notes'),
  ('slack_answer_reaction', 'white_check_mark',
   'Emoji name the bot reacts with on an agent''s Slack answer once it is recorded for sending')
on conflict (key) do nothing;

-- Splits a Slack reply into {answer: true, marker, body} when it starts with one of the
-- slack_answer_markers (a marker ending in a letter or digit must end a word), else
-- {answer: false, body}.
create function app_private.slack_answer_marker_split(p_text text)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_text text := ltrim(coalesce(p_text, ''), E' \t\r\n');
  v_marker text;
  v_rest text;
begin
  for v_marker in
    select btrim(m) from unnest(string_to_array(coalesce(app_private.get_setting('slack_answer_markers'), '>>'), ',')) m
    where btrim(m) <> ''
    order by length(btrim(m)) desc
  loop
    if lower(left(v_text, length(v_marker))) = lower(v_marker) then
      v_rest := substr(v_text, length(v_marker) + 1);
      if v_marker ~ '[[:alnum:]]$' and v_rest ~ '^[[:alnum:]_]' then
        continue;
      end if;
      return jsonb_build_object('answer', true, 'marker', v_marker, 'body', btrim(v_rest, E' \t\r\n'));
    end if;
  end loop;
  return jsonb_build_object('answer', false, 'body', btrim(coalesce(p_text, ''), E' \t\r\n'));
end;
$$;

-- The ticket whose posted Slack message (channel, ts) a thread belongs to, or null.
create function app_private.slack_thread_ticket(p_channel text, p_thread_ts text)
returns uuid
language sql
stable
set search_path = ''
as $$
  select n.ticket_id from public.notifications n
  where n.channel = 'slack' and n.status = 'sent' and n.external_id = p_thread_ts
    and n.ticket_id is not null and coalesce(n.payload ->> 'posted_channel', n.target) = p_channel
  order by n.created_at
  limit 1
$$;

-- An agent's answer to the customer, written from Slack (p_source: {via: slack_thread |
-- slack_command, channel, ts}). The caller (slack_console) has checked that the agent is of
-- the ticket's team and holds the ticket's row. Stored as a responses row the send stage
-- delivers; a Slack message already taken (the same message as message and app_mention
-- events) is not answered twice. Returns the console answer with response_id and duplicate.
create function app_private.slack_agent_answer(
  p_ticket_id uuid,
  p_actor_id uuid,
  p_text text,
  p_source jsonb default '{}'
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket public.tickets;
  v_text text := btrim(coalesce(p_text, ''), E' \t\r\n');
  v_via text := coalesce(nullif(p_source ->> 'via', ''), 'slack');
  v_message_id text;
  v_response_id uuid;
  v_how text;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if not found then
    return app_private.slack_answer(false, 'That ticket no longer exists.');
  end if;
  if v_ticket.status = 'closed' then
    return app_private.slack_answer(false, format('%s is closed; nothing was sent.', app_private.ticket_label(v_ticket)), v_ticket);
  end if;
  if v_ticket.status = 'quarantined' or v_ticket.is_spam then
    return app_private.slack_answer(false, format('%s is in the spam quarantine; release it first. Nothing was sent.',
      app_private.ticket_label(v_ticket)), v_ticket);
  end if;
  if v_text = '' then
    return app_private.slack_answer(false, case when v_via = 'slack_command'
      then format('Nothing to send: write the answer after the ticket number, e.g. `/ticket reply %s Thanks for waiting, …`.', v_ticket.ticket_number)
      else 'Nothing to send: write the answer after the marker, e.g. `>> Thanks for waiting, …`.' end, v_ticket);
  end if;
  if length(v_text) > 20000 then
    return app_private.slack_answer(false, format('The answer is %s characters long; at most 20,000 can be sent. Nothing was sent.',
      length(v_text)), v_ticket);
  end if;
  if nullif(p_source ->> 'channel', '') is not null and nullif(p_source ->> 'ts', '') is not null then
    v_message_id := (p_source ->> 'channel') || ':' || (p_source ->> 'ts');
    select m.response_id into v_response_id from public.ticket_message_ids m
    where m.channel = 'slack' and m.external_id = v_message_id;
    if found then
      return app_private.slack_answer(true, format('That answer to %s is already on its way.', app_private.ticket_label(v_ticket)), v_ticket)
        || jsonb_build_object('response_id', v_response_id, 'duplicate', true);
    end if;
  end if;

  insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
  values (p_ticket_id, 'outbound', v_ticket.channel, v_text, 'agent', p_actor_id)
  returning id into v_response_id;
  if v_message_id is not null then
    insert into public.ticket_message_ids (channel, external_id, ticket_id, direction, response_id)
    values ('slack', v_message_id, p_ticket_id, 'outbound', v_response_id);
  end if;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (p_ticket_id, 'agent_answered', jsonb_build_object('response_id', v_response_id, 'via', v_via,
            'slack_channel', p_source ->> 'channel', 'slack_ts', p_source ->> 'ts', 'characters', length(v_text)),
          'agent', p_actor_id);
  v_how := case v_ticket.channel
    when 'email' then 'by e-mail to ' || v_ticket.sender_email
    when 'slack' then 'in the customer''s Slack thread'
    else 'through the answer webhook (' || v_ticket.channel || ' ticket)' end;
  return app_private.slack_answer(true, format('Your answer to %s is on its way %s.', app_private.ticket_label(v_ticket), v_how), v_ticket)
    || jsonb_build_object('response_id', v_response_id, 'duplicate', false);
end;
$$;

-- The slack-events step for a thread reply (p_reply: {channel, thread_ts, ts, user, text},
-- the text already plain). Not a ticket's thread: {handled: false}, nothing done. Otherwise,
-- in this transaction: a marked reply is the agent's answer through slack_console('reply')
-- (a ✅ reaction when recorded, an ephemeral explanation when refused), an agent's other
-- reply an internal note, anyone else's ignored; the event is settled and its job completed
-- (raises for a stale claim). Returns {handled, outcome, ticket_id, text}.
create function app_private.take_slack_thread_reply(
  p_job_id bigint,
  p_attempt integer,
  p_slack_event_id bigint,
  p_reply jsonb
)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_ticket_id uuid := app_private.slack_thread_ticket(p_reply ->> 'channel', p_reply ->> 'thread_ts');
  v_split jsonb;
  v_answer jsonb;
  v_agent public.agents;
  v_outcome text;
  v_reason text;
begin
  if v_ticket_id is null then
    return jsonb_build_object('handled', false);
  end if;
  v_split := app_private.slack_answer_marker_split(p_reply ->> 'text');
  if (v_split ->> 'answer')::boolean then
    v_answer := app_private.slack_console(p_reply ->> 'user', 'reply', jsonb_build_object(
      'ticket_id', v_ticket_id, 'text', v_split ->> 'body',
      'source', jsonb_build_object('via', 'slack_thread', 'channel', p_reply ->> 'channel', 'ts', p_reply ->> 'ts')));
    if (v_answer ->> 'ok')::boolean then
      v_outcome := case when (v_answer ->> 'duplicate')::boolean then 'duplicate' else 'agent_answer' end;
      if v_outcome = 'agent_answer' then
        insert into public.notifications (ticket_id, kind, channel, target, payload)
        values (v_ticket_id, 'slack_receipt', 'slack', p_reply ->> 'channel',
                jsonb_build_object('ts', p_reply ->> 'ts', 'reaction',
                  coalesce(nullif(app_private.get_setting('slack_answer_reaction'), ''), 'white_check_mark'),
                  'response_id', v_answer ->> 'response_id'));
      end if;
    else
      v_outcome := 'refused';
      v_reason := v_answer ->> 'text';
      insert into public.notifications (ticket_id, kind, channel, target, payload)
      values (v_ticket_id, 'slack_receipt', 'slack', p_reply ->> 'channel',
              jsonb_build_object('ephemeral_user', p_reply ->> 'user', 'thread_ts', p_reply ->> 'thread_ts',
                                 'text', v_answer ->> 'text'));
    end if;
    if v_outcome <> 'duplicate' then
      perform app_private.enqueue_job('notify', v_ticket_id);
    end if;
  else
    select * into v_agent from public.agents a
    where a.slack_user_id = p_reply ->> 'user' order by a.created_at, a.id limit 1;
    if not found then
      v_reason := 'a reply in a ticket''s Slack thread by someone who is not an agent';
      perform app_private.finish_slack_event(p_job_id, p_attempt, p_slack_event_id, 'ignored', v_reason);
      return jsonb_build_object('handled', true, 'outcome', 'ignored', 'ticket_id', v_ticket_id, 'text', v_reason);
    end if;
    -- The ticket's row serialises the same message arriving as message and app_mention.
    perform 1 from public.tickets t where t.id = v_ticket_id for update;
    if exists (select 1 from public.ticket_events e where e.ticket_id = v_ticket_id and e.event_type = 'internal_note'
               and e.event_data ->> 'slack_channel' = p_reply ->> 'channel' and e.event_data ->> 'slack_ts' = p_reply ->> 'ts') then
      v_outcome := 'duplicate';
    else
      insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
      values (v_ticket_id, 'internal_note', jsonb_build_object('text', left(v_split ->> 'body', 20000), 'via', 'slack_thread',
                'slack_channel', p_reply ->> 'channel', 'slack_ts', p_reply ->> 'ts', 'slack_user', p_reply ->> 'user'),
              'agent', v_agent.id);
      v_outcome := 'note';
    end if;
  end if;
  perform app_private.finish_slack_event(p_job_id, p_attempt, p_slack_event_id, 'processed', v_reason, v_outcome, v_ticket_id);
  return jsonb_build_object('handled', true, 'outcome', v_outcome, 'ticket_id', v_ticket_id,
                            'text', coalesce(v_reason, v_answer ->> 'text'));
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.slack_answer_marker_split(text), app_private.slack_thread_ticket(text, text),
  app_private.slack_agent_answer(uuid, uuid, text, jsonb),
  app_private.take_slack_thread_reply(bigint, integer, bigint, jsonb) to service_role;
