-- Assignment reads each agent's number of active tickets (assigned, in progress) from a
-- counter kept by a trigger, instead of counting the tickets table on every pick: picking an
-- agent then costs one row per agent of the team, however many tickets are open. The view
-- agent_workload still counts from the tickets table, so the two can be compared.

alter table public.agents
  add column active_tickets integer not null default 0 check (active_tickets >= 0);
comment on column public.agents.active_tickets is
  'Tickets assigned to or in progress with the agent; kept by a trigger on tickets.';
update public.agents a
set active_tickets = (select count(*) from public.tickets t
                      where t.assigned_to = a.id and t.status in ('assigned', 'in_progress'));

-- security definer: an agent updating their own ticket must move their own counter, and
-- agents cannot update the agents table themselves.
create function app_private.tickets_count_active_per_agent()
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
  if v_from is not null then
    update public.agents a set active_tickets = a.active_tickets - 1 where a.id = v_from;
  end if;
  if v_to is not null then
    update public.agents a set active_tickets = a.active_tickets + 1 where a.id = v_to;
  end if;
  return null;
end;
$$;
-- Named to sort before tickets_release_capacity, so a freed slot is counted before it is handed out.
create trigger tickets_count_active_per_agent
  after insert or delete or update of status, assigned_to on public.tickets
  for each row execute function app_private.tickets_count_active_per_agent();

-- Same choice as before (least loaded, specialization, least recently assigned), read from
-- the counter.
create or replace function app_private.pick_agent(
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
  where a.team_id = p_team_id
    and a.is_available
    and (not p_needs_senior or a.skill_level in ('senior', 'expert'))
    and a.active_tickets < a.max_concurrent_tickets
  order by a.active_tickets,
           coalesce(p_category = any (a.specializations) or p_sub_category = any (a.specializations), false) desc,
           a.last_assigned_at nulls first,
           a.id
  limit 1
$$;

revoke all on function app_private.tickets_count_active_per_agent() from public;
