-- Suppressed messages (auto-replies, loops, floods, abuse reports) are no longer a dead end:
-- each keeps the normalised message it was made from, agents review them in
-- public.suppressed_messages_view, and an agent who sees a person's mail there releases it
-- into a ticket with public.release_suppressed_message(id), as spam quarantine release does.

alter table public.suppressed_messages
  add column idempotency_key text check (idempotency_key is null or idempotency_key ~ '^[0-9a-f]{64}$'),
  add column message jsonb check (message is null or jsonb_typeof(message) = 'object'),
  add column released_at timestamptz,
  add column released_by uuid references public.agents (id) on delete set null,
  add column released_ticket_id uuid references public.tickets (id) on delete set null;
comment on column public.suppressed_messages.message is
  'The normalised message as intake received it (the JSON of app_private.intake_message), so it can be released into a ticket.';
comment on column public.suppressed_messages.released_at is
  'When an agent released the message into a ticket (released_ticket_id).';
create index suppressed_messages_unreleased_idx on public.suppressed_messages (received_at desc)
  where released_at is null;

-- Records a message that gets no ticket of its own, with what is needed to release it later.
create function app_private.record_suppressed_message(
  p_reason text,
  p_idempotency_key text,
  p_message jsonb,
  p_ticket_id uuid default null,
  p_details jsonb default '{}'
)
returns bigint
language sql
set search_path = ''
as $$
  insert into public.suppressed_messages (channel, reason, sender_email, subject, message_id, ticket_id,
                                          details, idempotency_key, message)
  values (p_message ->> 'channel', p_reason, left(lower(btrim(p_message ->> 'email')), 255),
          left(coalesce(p_message ->> 'subject', ''), 998),
          app_private.normalise_message_id(p_message ->> 'message_id'), p_ticket_id,
          coalesce(p_details, '{}'), p_idempotency_key, p_message)
  returning id
$$;

-- Releases a suppressed message into a ticket: it goes through intake again as a person's
-- message (no automated flag), so it is deduplicated, threaded and triaged like any other.
-- Idempotent: a second release returns the ticket of the first. p_agent_id is the acting
-- agent; in Studio the signed-in agent acts.
create function app_private.release_suppressed_message(p_id bigint, p_agent_id uuid default null)
returns table (ticket_id uuid, ticket_number bigint, outcome text)
language plpgsql
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_agent uuid := coalesce(p_agent_id, app_private.current_agent_id());
  v_row public.suppressed_messages;
  v_message jsonb;
  v_result record;
begin
  select * into v_row from public.suppressed_messages s where s.id = p_id for update;
  if not found then
    raise exception 'suppressed message % not found', p_id using errcode = 'P0002';
  end if;
  if v_row.released_at is not null then
    return query select t.id, t.ticket_number, 'already_released'::text
                 from public.tickets t where t.id = v_row.released_ticket_id;
    return;
  end if;
  if v_row.message is null or v_row.idempotency_key is null then
    raise exception 'suppressed message % cannot be released: its content was not kept', p_id
      using errcode = '55000', hint = 'Messages recorded before content was kept cannot become tickets.';
  end if;
  if coalesce(v_row.message ->> 'email', '') !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    raise exception 'suppressed message % cannot be released: it has no usable sender address', p_id
      using errcode = '55000';
  end if;

  -- A person's message now: no automated flag, and the ticket says where it came from.
  v_message := (v_row.message - 'automated' - 'automated_reason' - 'bounce')
    || jsonb_build_object('metadata',
         (coalesce(v_row.message -> 'metadata', '{}') - 'automated' - 'automated_reason')
         || jsonb_build_object('released_from_suppressed', v_row.id, 'suppressed_reason', v_row.reason,
                               'suppressed_why', v_row.details ->> 'why'));
  -- Marked first, so intake does not answer the release as a repeat of this suppressed message.
  update public.suppressed_messages s set released_at = now(), released_by = v_agent where s.id = p_id;
  select m.ticket_id, m.ticket_number, m.outcome into v_result
  from app_private.intake_message(v_row.idempotency_key, v_message) m;
  if v_result.ticket_id is null then
    raise exception 'suppressed message % could not become a ticket (intake answered %)', p_id, v_result.outcome
      using errcode = 'P0001';
  end if;
  update public.suppressed_messages s set released_ticket_id = v_result.ticket_id where s.id = p_id;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (v_result.ticket_id, 'released_from_suppression',
          jsonb_build_object('suppressed_message_id', v_row.id, 'reason', v_row.reason,
                             'why', v_row.details ->> 'why', 'outcome', v_result.outcome,
                             'by', case when v_agent is null then 'service' else 'agent' end),
          case when v_agent is null then 'system' else 'agent' end, v_agent);
  return query select v_result.ticket_id, v_result.ticket_number, v_result.outcome;
end;
$$;

-- Studio/API entry point for a signed-in agent (same rule as release_from_quarantine).
-- security definer: agents cannot write suppressed_messages or call intake themselves.
create function public.release_suppressed_message(p_id bigint)
returns table (ticket_id uuid, ticket_number bigint, outcome text)
language plpgsql
security definer
set search_path = ''
as $$
begin
  if app_private.current_agent_id() is null and coalesce(auth.role(), '') <> 'service_role'
     and not app_private.is_admin_session() then
    raise exception 'only agents can release suppressed messages' using errcode = '42501';
  end if;
  return query select r.ticket_id, r.ticket_number, r.outcome
               from app_private.release_suppressed_message(p_id) r;
end;
$$;

-- What intake kept without a ticket, for agents to review: newest first, released ones last.
create view public.suppressed_messages_view with (security_invoker = true) as
select s.id, s.received_at, s.reason, s.details ->> 'why' as why, s.channel, s.sender_email,
       s.message ->> 'name' as sender_name, s.subject,
       left(s.message ->> 'body', 500) as body_preview, s.message_id,
       s.ticket_id, t.ticket_number,
       s.released_at is null and s.message is not null and s.idempotency_key is not null
         and coalesce(s.message ->> 'email', '') ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' as releasable,
       s.released_at, s.released_by, s.released_ticket_id, rt.ticket_number as released_ticket_number
from public.suppressed_messages s
left join public.tickets t on t.id = s.ticket_id
left join public.tickets rt on rt.id = s.released_ticket_id
order by s.released_at is not null, s.received_at desc, s.id desc;

revoke all on public.suppressed_messages_view from anon, authenticated;
grant select on public.suppressed_messages_view to authenticated, service_role;

revoke all on function public.release_suppressed_message(bigint) from public, anon;
grant execute on function public.release_suppressed_message(bigint) to authenticated, service_role;
grant execute on function app_private.record_suppressed_message(text, text, jsonb, uuid, jsonb),
  app_private.release_suppressed_message(bigint, uuid) to service_role;

revoke all on all functions in schema app_private from public;
