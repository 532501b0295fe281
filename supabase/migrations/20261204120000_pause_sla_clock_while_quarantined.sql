-- A quarantined (spam) ticket is not work: its SLA clock stands still like a resolved or
-- closed ticket's, so it is never alerted or breach-escalated, and releasing it from the
-- quarantine resumes the clock with the quarantined working time left out. Only the list of
-- stopped statuses changes in the two functions below.

-- Derives a tracking row: on insert (and for rows from before this migration) takes policy,
-- calendar and start from the ticket and settles what the ticket already did; on a priority
-- change takes the new policy keeping the elapsed working time; recomputes deadlines and
-- alert instants whenever an input changes; keeps the overall status.
create or replace function app_private.sla_tracking_derive()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_init boolean := tg_op = 'INSERT' or old.clock_started_at is null;
  v_now timestamptz := app_private.sla_now();
  v_ticket record;
  v_policy public.sla_policies;
  v_elapsed numeric;
begin
  if v_init or new.priority is distinct from old.priority then
    select t.created_at, t.status, t.first_response_at, t.resolved_at, c.tier into v_ticket
    from public.tickets t join public.customers c on c.id = t.customer_id
    where t.id = new.ticket_id;
    v_policy := app_private.sla_policy_for(new.priority, v_ticket.tier);
    if v_policy.id is null then
      raise exception 'no SLA policy for priority %', new.priority using errcode = 'P0002';
    end if;
    if v_init then
      new.clock_started_at := coalesce(v_ticket.created_at, v_now);
      new.paused_minutes := 0;
    elsif v_policy.calendar_id is distinct from old.calendar_id then
      v_elapsed := app_private.sla_business_minutes_between(old.clock_started_at, coalesce(old.paused_at, v_now), old.calendar_id)
                   - old.paused_minutes;
      new.paused_minutes := app_private.sla_business_minutes_between(new.clock_started_at, coalesce(new.paused_at, v_now),
                                                                      v_policy.calendar_id) - v_elapsed;
    end if;
    new.policy_id := v_policy.id;
    new.calendar_id := v_policy.calendar_id;
    new.first_response_minutes := v_policy.first_response_minutes;
    new.resolution_minutes := v_policy.resolution_minutes;
  end if;

  if v_init or (new.clock_started_at, new.calendar_id, new.paused_minutes, new.first_response_minutes,
                new.resolution_minutes, new.first_response_deadline, new.resolution_deadline)
               is distinct from (old.clock_started_at, old.calendar_id, old.paused_minutes, old.first_response_minutes,
                                 old.resolution_minutes, old.first_response_deadline, old.resolution_deadline) then
    new.first_response_deadline := app_private.sla_add_business_minutes(new.clock_started_at,
      new.first_response_minutes + new.paused_minutes, new.calendar_id);
    new.first_response_alert_50_at := app_private.sla_add_business_minutes(new.clock_started_at,
      new.first_response_minutes * 0.5 + new.paused_minutes, new.calendar_id);
    new.first_response_alert_80_at := app_private.sla_add_business_minutes(new.clock_started_at,
      new.first_response_minutes * 0.8 + new.paused_minutes, new.calendar_id);
    new.resolution_deadline := app_private.sla_add_business_minutes(new.clock_started_at,
      new.resolution_minutes + new.paused_minutes, new.calendar_id);
    new.resolution_alert_50_at := app_private.sla_add_business_minutes(new.clock_started_at,
      new.resolution_minutes * 0.5 + new.paused_minutes, new.calendar_id);
    new.resolution_alert_80_at := app_private.sla_add_business_minutes(new.clock_started_at,
      new.resolution_minutes * 0.8 + new.paused_minutes, new.calendar_id);
  end if;

  if v_init then
    -- What the ticket already did (an auto-resolved ticket is answered and resolved at once).
    new.first_response_status := case
      when coalesce(v_ticket.first_response_at, v_ticket.resolved_at) is null then 'active'
      when coalesce(v_ticket.first_response_at, v_ticket.resolved_at) <= new.first_response_deadline then 'met'
      else 'breached' end;
    new.resolution_status := case
      when v_ticket.status not in ('resolved', 'closed') then 'active'
      when coalesce(v_ticket.resolved_at, v_now) <= new.resolution_deadline then 'met'
      else 'breached' end;
    new.paused_at := case when v_ticket.status in ('waiting_on_customer', 'resolved', 'closed', 'quarantined') then v_now end;
  end if;

  new.status := case
    when 'breached' in (new.first_response_status, new.resolution_status) then 'breached'
    when new.first_response_status = 'met' and new.resolution_status = 'met' then 'met'
    else 'active' end;
  new.updated_at := now();
  return new;
end;
$$;

-- Moves the clock with the ticket: a priority change takes the new policy; the first answer
-- settles the first-response deadline; waiting on the customer, resolved, closed and
-- quarantined stop the clock; leaving them resumes it with the stopped working time left
-- out (a reopened ticket's met resolution is active again); resolving settles what is
-- still active.
-- security definer: agents change status, priority and first_response_at of their tickets
-- but may not write sla_tracking themselves.
create or replace function app_private.tickets_move_sla_clock()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := app_private.sla_now();
  v_stopped_before boolean := old.status in ('waiting_on_customer', 'resolved', 'closed', 'quarantined');
  v_stopped boolean := new.status in ('waiting_on_customer', 'resolved', 'closed', 'quarantined');
begin
  if new.priority is distinct from old.priority then
    update public.sla_tracking s set priority = new.priority where s.ticket_id = new.id;
  end if;
  if new.first_response_at is not null and old.first_response_at is null then
    update public.sla_tracking s
    set first_response_status = case when least(new.first_response_at, coalesce(s.paused_at, new.first_response_at))
                                          <= s.first_response_deadline then 'met' else 'breached' end
    where s.ticket_id = new.id and s.first_response_status = 'active';
  end if;
  if new.status in ('resolved', 'closed') and old.status not in ('resolved', 'closed') then
    -- Decided at the moment the clock stopped (now, or when the wait on the customer began).
    update public.sla_tracking s
    set resolution_status = case when s.resolution_status <> 'active' then s.resolution_status
                                 when coalesce(s.paused_at, v_now) <= s.resolution_deadline then 'met'
                                 else 'breached' end,
        first_response_status = case when s.first_response_status <> 'active' then s.first_response_status
                                     when coalesce(s.paused_at, v_now) <= s.first_response_deadline then 'met'
                                     else 'breached' end
    where s.ticket_id = new.id;
  end if;
  if v_stopped and not v_stopped_before then
    update public.sla_tracking s set paused_at = v_now where s.ticket_id = new.id and s.paused_at is null;
  elsif v_stopped_before and not v_stopped then
    update public.sla_tracking s
    set paused_minutes = s.paused_minutes + app_private.sla_business_minutes_between(s.paused_at, v_now, s.calendar_id),
        paused_at = null,
        resolution_status = case when old.status in ('resolved', 'closed') and s.resolution_status = 'met' then 'active'
                                 else s.resolution_status end
    where s.ticket_id = new.id and s.paused_at is not null;
  end if;
  return null;
end;
$$;

-- Clocks of tickets quarantined before this migration stop now.
update public.sla_tracking s set paused_at = app_private.sla_now()
from public.tickets t
where t.id = s.ticket_id and t.status = 'quarantined' and s.paused_at is null;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
