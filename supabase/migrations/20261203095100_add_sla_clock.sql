-- The SLA clock: policies per priority and optional customer tier, each on 24/7 or a business
-- calendar; first response and resolution tracked separately; the clock pauses while the
-- ticket waits on the customer (and while it is resolved) and resumes on the reply; a priority
-- change recomputes the deadlines keeping the elapsed time. Deadlines are derived columns of
-- sla_tracking, recomputed by its trigger whenever an input changes, whoever writes the row.

-- The SLA clock's "now". Tests freeze it with tests.freeze_time(), which sets ists.frozen_now
-- for their transaction; otherwise it is now().
create function app_private.sla_now()
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select coalesce(nullif(current_setting('ists.frozen_now', true), '')::timestamptz, now())
$$;

-- Policies: one per priority and customer tier (null tier = any tier), each on a calendar
-- (null = 24/7). The seeded four stay the defaults for every tier.
alter table public.sla_policies drop constraint sla_policies_pkey;
alter table public.sla_policies
  add column id bigint generated always as identity primary key,
  add column customer_tier varchar(20) check (customer_tier in ('standard', 'vip', 'enterprise')),
  add column calendar_id uuid references public.business_calendars (id),
  add constraint sla_policies_priority_tier_key unique nulls not distinct (priority, customer_tier);
comment on table public.sla_policies is 'SLA targets in working minutes per priority and customer tier (null = any); calendar null = 24/7.';

-- The policy of a ticket: its tier's own policy for the priority, else the any-tier one.
create function app_private.sla_policy_for(p_priority text, p_tier text)
returns public.sla_policies
language sql
stable
set search_path = ''
as $$
  select p.* from public.sla_policies p
  where p.priority = p_priority and (p.customer_tier is null or p.customer_tier = p_tier)
  order by p.customer_tier is null
  limit 1
$$;

alter table public.sla_tracking
  add column policy_id bigint references public.sla_policies (id) on delete set null,
  add column calendar_id uuid references public.business_calendars (id) on delete set null,
  add column first_response_minutes integer,
  add column resolution_minutes integer,
  add column clock_started_at timestamptz,
  add column paused_at timestamptz,
  add column paused_minutes numeric not null default 0,
  add column first_response_status varchar(20) not null default 'active'
    check (first_response_status in ('active', 'met', 'breached')),
  add column resolution_status varchar(20) not null default 'active'
    check (resolution_status in ('active', 'met', 'breached')),
  add column first_response_alert_50_at timestamptz,
  add column first_response_alert_80_at timestamptz,
  add column resolution_alert_50_at timestamptz,
  add column resolution_alert_80_at timestamptz,
  add column updated_at timestamptz not null default now();
comment on column public.sla_tracking.status is 'Overall: breached when either deadline was missed, met when both were met, else active.';
comment on column public.sla_tracking.paused_at is 'Set while the clock stands still (waiting on the customer, resolved or closed).';
comment on column public.sla_tracking.paused_minutes is 'Working minutes since clock_started_at that do not count (finished pauses; after a priority change onto another calendar, the correction that keeps the elapsed time).';
comment on column public.sla_tracking.first_response_deadline is 'Derived: clock_started_at + first_response_minutes + paused_minutes of working time. Written values are recomputed.';
comment on column public.sla_tracking.alert_50_sent is 'A 50 % alert fired for either deadline (the record is sla_alerts).';

-- Derives a tracking row: on insert (and for rows from before this migration) takes policy,
-- calendar and start from the ticket and settles what the ticket already did; on a priority
-- change takes the new policy keeping the elapsed working time; recomputes deadlines and
-- alert instants whenever an input changes; keeps the overall status.
create function app_private.sla_tracking_derive()
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
    new.paused_at := case when v_ticket.status in ('waiting_on_customer', 'resolved', 'closed') then v_now end;
  end if;

  new.status := case
    when 'breached' in (new.first_response_status, new.resolution_status) then 'breached'
    when new.first_response_status = 'met' and new.resolution_status = 'met' then 'met'
    else 'active' end;
  new.updated_at := now();
  return new;
end;
$$;
create trigger sla_tracking_derive before insert or update on public.sla_tracking
  for each row execute function app_private.sla_tracking_derive();

-- Keeps tickets.sla_deadline equal to the resolution deadline.
create function app_private.sla_tracking_sync_ticket_deadline()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update public.tickets t set sla_deadline = new.resolution_deadline
  where t.id = new.ticket_id and t.sla_deadline is distinct from new.resolution_deadline;
  return null;
end;
$$;
create trigger sla_tracking_sync_ticket_deadline after insert on public.sla_tracking
  for each row execute function app_private.sla_tracking_sync_ticket_deadline();
-- Not "update of resolution_deadline": the deadline changes in the derive trigger, not the SET list.
create trigger sla_tracking_sync_ticket_deadline_on_change after update on public.sla_tracking
  for each row when (new.resolution_deadline is distinct from old.resolution_deadline)
  execute function app_private.sla_tracking_sync_ticket_deadline();

-- route_ticket logs the deadlines it computed before the tracking row derived its own; the
-- routed event carries the derived ones.
create function app_private.ticket_events_use_sla_deadlines()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.event_data := coalesce((
    select new.event_data || jsonb_build_object('first_response_deadline', s.first_response_deadline,
                                                'resolution_deadline', s.resolution_deadline)
    from public.sla_tracking s
    where s.ticket_id = new.ticket_id), new.event_data);
  return new;
end;
$$;
create trigger ticket_events_use_sla_deadlines before insert on public.ticket_events
  for each row when (new.event_type = 'routed' and new.event_data ? 'resolution_deadline') execute function app_private.ticket_events_use_sla_deadlines();

-- Moves the clock with the ticket: a priority change takes the new policy; the first answer
-- settles the first-response deadline; waiting on the customer, resolved and closed stop the
-- clock; leaving them resumes it with the stopped working time left out (a reopened ticket's
-- met resolution is active again); resolving settles what is still active.
-- security definer: agents change status, priority and first_response_at of their tickets
-- but may not write sla_tracking themselves.
create function app_private.tickets_move_sla_clock()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now timestamptz := app_private.sla_now();
  v_stopped_before boolean := old.status in ('waiting_on_customer', 'resolved', 'closed');
  v_stopped boolean := new.status in ('waiting_on_customer', 'resolved', 'closed');
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
create trigger tickets_move_sla_clock after update of status, priority, first_response_at on public.tickets
  for each row
  when (new.status is distinct from old.status or new.priority is distinct from old.priority
        or new.first_response_at is distinct from old.first_response_at)
  execute function app_private.tickets_move_sla_clock();

-- Rows written before this migration get their policy, start and alert instants.
update public.sla_tracking set paused_minutes = 0 where clock_started_at is null;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
