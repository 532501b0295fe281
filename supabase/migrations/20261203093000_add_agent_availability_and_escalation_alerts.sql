-- Routing that a lead trusts: agents are available, away or offline (from Slack or Studio);
-- the tickets of an agent who went offline and did nothing on them return to the team queue
-- after offline_return_minutes; an escalation tells the team lead's channel; the assignee
-- gets a direct message; a routing rule that can never match is rejected when it is written.

-- Availability. is_available stays the flag assignment reads; the two are kept in step by a
-- trigger, so Studio edits of either column work.
alter table public.agents
  add column availability varchar(20) not null default 'available'
    check (availability in ('available', 'away', 'offline')),
  add column availability_changed_at timestamptz not null default now();
update public.agents set availability = case when is_available then 'available' else 'away' end;
alter table public.agents
  add constraint agents_availability_matches_flag check (is_available = (availability = 'available'));

create function app_private.agents_sync_availability()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.availability = 'available' and not new.is_available then
      new.availability := 'away';
    end if;
  elsif new.availability is distinct from old.availability then
    null; -- availability decides
  elsif new.is_available is distinct from old.is_available then
    new.availability := case when new.is_available then 'available' else 'away' end;
  end if;
  new.is_available := new.availability = 'available';
  if tg_op = 'INSERT' or new.availability is distinct from old.availability then
    new.availability_changed_at := now();
  end if;
  return new;
end;
$$;
create trigger agents_sync_availability before insert or update of availability, is_available on public.agents
  for each row execute function app_private.agents_sync_availability();

-- An agent becoming available through the availability column also frees capacity.
drop trigger agents_release_capacity on public.agents;
create trigger agents_release_capacity
  after update of is_available, availability, max_concurrent_tickets, team_id on public.agents
  for each row
  when (new.is_available and (not old.is_available or new.max_concurrent_tickets > old.max_concurrent_tickets
                              or new.team_id is distinct from old.team_id))
  execute function app_private.agents_release_capacity();

insert into app_private.settings (key, value) values ('offline_return_minutes', '30')
on conflict (key) do nothing;

-- Sets an agent's availability (Slack /ticket command, Studio) and logs it on the agent's
-- open tickets' timeline only when they go back to the queue. Returns the new availability.
create function app_private.set_agent_availability(p_agent_id uuid, p_availability text)
returns text
language plpgsql
set search_path = ''
as $$
begin
  if p_availability not in ('available', 'away', 'offline') then
    raise exception 'availability must be available, away or offline' using errcode = '22023';
  end if;
  update public.agents a set availability = p_availability where a.id = p_agent_id;
  if not found then
    raise exception 'agent % not found', p_agent_id using errcode = 'P0002';
  end if;
  return p_availability;
end;
$$;

-- Returns to their team's queue the open tickets of agents who have been offline for
-- offline_return_minutes and have not worked on them since going offline (no agent event on
-- the ticket, no outbound answer); run by pg_cron every minute. Returns the tickets moved.
create function app_private.return_tickets_of_offline_agents()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_after interval := make_interval(mins => coalesce(nullif(app_private.get_setting('offline_return_minutes'), '')::integer, 30));
  v_ticket record;
  v_count integer := 0;
begin
  perform app_private.lock_team_assignment(null);
  for v_ticket in
    select t.id, t.team_id, t.assigned_to, a.availability_changed_at
    from public.tickets t
    join public.agents a on a.id = t.assigned_to
    where a.availability = 'offline'
      and a.availability_changed_at < now() - v_after
      and t.status in ('assigned', 'in_progress')
      and not exists (select 1 from public.ticket_events e
                      where e.ticket_id = t.id and e.actor_type = 'agent' and e.actor_id = a.id
                        and e.created_at > a.availability_changed_at)
      and not exists (select 1 from public.responses r
                      where r.ticket_id = t.id and r.direction = 'outbound' and r.sender_id = a.id
                        and r.created_at > a.availability_changed_at)
    order by t.team_id, t.created_at
    for update of t skip locked
  loop
    update public.tickets t set status = 'queued', assigned_to = null, assigned_at = null where t.id = v_ticket.id;
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    values (v_ticket.id, 'returned_to_queue', jsonb_build_object('reason', 'agent_offline',
            'agent_id', v_ticket.assigned_to, 'offline_since', v_ticket.availability_changed_at), 'system');
    v_count := v_count + 1;
  end loop;
  if v_count > 0 then
    perform app_private.assign_queued_tickets();
  end if;
  return v_count;
end;
$$;
select cron.schedule('ists-return-tickets-of-offline-agents', '* * * * *',
                     'select app_private.return_tickets_of_offline_agents()');

-- Escalations (by routing, an agent or Slack's Escalate button) tell the team lead's
-- channel (the team channel when there is no lead channel).
alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'ticket_assigned', 'ticket_queued', 'customer_reply', 'pipeline_alert', 'inbound_reply',
  'ticket_escalated'));

create function app_private.ticket_events_notify_escalation()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select new.ticket_id, 'ticket_escalated', 'slack', coalesce(tm.lead_slack_channel_id, tm.slack_channel_id),
         jsonb_build_object('text', format(':rotating_light: #T-%s escalated (%s): %s', t.ticket_number,
           coalesce((select string_agg(r, ', ') from jsonb_array_elements_text(new.event_data -> 'reasons') r), 'by an agent'),
           left(t.subject, 120)))
  from public.tickets t
  left join public.teams tm on tm.id = t.team_id
  where t.id = new.ticket_id;
  perform app_private.enqueue_job('notify', new.ticket_id);
  return null;
end;
$$;
create trigger ticket_events_notify_escalation after insert on public.ticket_events
  for each row when (new.event_type = 'escalated') execute function app_private.ticket_events_notify_escalation();

-- The assignee also gets a direct message (when their Slack user id is known).
create or replace function app_private.assign_ticket(p_ticket_id uuid, p_agent_id uuid, p_reason text)
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
  where t.id = p_ticket_id
  union all
  select p_ticket_id, 'ticket_assigned', 'slack', a.slack_user_id
  from public.agents a
  where a.id = p_agent_id and a.slack_user_id is not null;
  perform app_private.enqueue_job('notify', p_ticket_id);
end;
$$;

-- Routing rules that could never match are refused when written: a sub-category of another
-- category, a language that is not an ISO 639 code, or a blank name.
alter table public.routing_rules
  add constraint routing_rules_sub_category_of_category foreign key (category, sub_category)
    references public.ticket_sub_categories (category, sub_category),
  add constraint routing_rules_language_is_iso_code check (language ~ '^[a-z]{2,3}$'),
  add constraint routing_rules_name_not_blank check (btrim(name) <> '');

revoke all on function app_private.set_agent_availability(uuid, text) from public;
revoke all on function app_private.return_tickets_of_offline_agents() from public;
revoke all on function app_private.agents_sync_availability() from public;
revoke all on function app_private.ticket_events_notify_escalation() from public;
grant execute on function app_private.set_agent_availability(uuid, text) to service_role;
grant execute on function app_private.return_tickets_of_offline_agents() to service_role;
