-- Teams, agents and customers: who handles tickets and who sends them.

create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name varchar(100) not null unique,
  handles_categories text[] not null default '{}',
  slack_channel_id varchar(50),
  lead_slack_channel_id varchar(50),
  created_at timestamptz not null default now()
);
comment on table public.teams is 'Support teams; routing rules send tickets to them.';

create table public.agents (
  id uuid primary key default gen_random_uuid(),
  email varchar(255) unique not null check (email ~ '^[^@\s]+@[^@\s]+$'),
  name varchar(255) not null,
  team_id uuid references public.teams (id),
  role varchar(50) not null default 'agent' check (role in ('agent', 'senior_agent', 'manager')),
  skill_level varchar(20) not null default 'mid' check (skill_level in ('junior', 'mid', 'senior', 'expert')),
  specializations text[] not null default '{}',
  max_concurrent_tickets integer not null default 10 check (max_concurrent_tickets between 0 and 500),
  is_available boolean not null default true,
  slack_user_id varchar(50),
  auth_user_id uuid unique,
  last_assigned_at timestamptz,
  created_at timestamptz not null default now()
);
comment on table public.agents is 'Support agents; auth_user_id links a Supabase Auth user for row-level security.';
comment on column public.agents.last_assigned_at is 'Fair tie-break: among equally loaded agents the least recently assigned goes first.';
create index agents_team_id_idx on public.agents (team_id);

create table public.customers (
  id uuid primary key default gen_random_uuid(),
  email varchar(255) not null unique check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$'),
  name varchar(255),
  tier varchar(20) not null default 'standard' check (tier in ('standard', 'vip', 'enterprise')),
  created_at timestamptz not null default now()
);
comment on table public.customers is 'People and organisations who write to support; tier drives escalation.';

-- The agent row of the signed-in user (null for everyone else).
-- security definer: RLS policies call it, and it must read agents without recursing into their policies.
create function app_private.current_agent_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.id from public.agents a where a.auth_user_id = auth.uid()
$$;

-- The team of the signed-in agent (null for everyone else).
-- security definer: same reason as current_agent_id().
create function app_private.current_agent_team_id()
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select a.team_id from public.agents a where a.auth_user_id = auth.uid()
$$;

grant usage on schema app_private to authenticated;
revoke all on function app_private.current_agent_id() from public;
revoke all on function app_private.current_agent_team_id() from public;
grant execute on function app_private.current_agent_id() to authenticated, service_role;
grant execute on function app_private.current_agent_team_id() to authenticated, service_role;

alter table public.teams enable row level security;
alter table public.agents enable row level security;
alter table public.customers enable row level security;

revoke all on public.teams, public.agents, public.customers from anon, authenticated;
grant all on public.teams, public.agents, public.customers to service_role;
grant select on public.teams, public.agents to authenticated;
grant select on public.customers to authenticated;

create policy teams_select_signed_in_agents on public.teams
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy agents_select_signed_in_agents on public.agents
  for select to authenticated using (app_private.current_agent_id() is not null);
