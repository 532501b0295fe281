-- The spam quarantine is work for agents: quarantined tickets have no team yet (they are never
-- routed), so every signed-in agent may read them (and, through the existing policies, their
-- analysis and events) to release false positives. Marking a ticket as spam stays limited to
-- tickets of the agent's own team.

create policy tickets_select_quarantined_by_agents on public.tickets
  for select to authenticated
  using (status = 'quarantined' and app_private.current_agent_id() is not null);

-- True for an administrator's own session (Studio, psql as postgres) that has not switched to
-- the anon or authenticated role, as every API request does.
create function app_private.is_admin_session()
returns boolean
language sql
stable
set search_path = ''
as $$
  select session_user in ('postgres', 'supabase_admin')
    and coalesce(nullif(current_setting('role', true), ''), 'none') = 'none'
$$;

create or replace function public.mark_as_spam(p_ticket_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Signed-in agents (their own team's tickets), the service role (Slack console) and admins
  -- in Studio (postgres).
  if app_private.current_agent_id() is not null then
    if not exists (select 1 from public.tickets t
                   where t.id = p_ticket_id and t.team_id = app_private.current_agent_team_id()) then
      raise exception 'agents can mark only their own team''s tickets as spam' using errcode = '42501';
    end if;
  elsif coalesce(auth.role(), '') <> 'service_role' and not app_private.is_admin_session() then
    raise exception 'only agents can mark tickets as spam' using errcode = '42501';
  end if;
  return app_private.set_quarantine(p_ticket_id, true);
end;
$$;

create or replace function public.release_from_quarantine(p_ticket_id uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Signed-in agents, the service role (Slack console) and admins in Studio.
  if app_private.current_agent_id() is null and coalesce(auth.role(), '') <> 'service_role'
     and not app_private.is_admin_session() then
    raise exception 'only agents can release tickets from quarantine' using errcode = '42501';
  end if;
  return app_private.set_quarantine(p_ticket_id, false);
end;
$$;

revoke all on function app_private.is_admin_session() from public;
