-- Test helpers for the pgTAP suite, in schema `tests` (same idea as supabase-test-helpers,
-- written here because dbdev needs the network). Idempotent: pg_prove runs this file first,
-- every time, and it commits so that every other file can use the helpers.
--
-- Every factory creates rows with unique example.com addresses and names, so files never
-- depend on an empty database; call them as postgres inside the file's transaction.

begin;
set local search_path = extensions, public;
set local client_min_messages = warning;

create schema if not exists tests;
comment on schema tests is 'pgTAP helpers; never used by the product.';
grant usage on schema tests to anon, authenticated, service_role;

-- A short random suffix that keeps names and emails unique across concurrent runs.
create or replace function tests.unique_suffix()
returns text
language sql
volatile
set search_path = ''
as $$
  select substr(md5(gen_random_uuid()::text), 1, 12)
$$;

-- A random, valid idempotency key (64 lowercase hex characters).
create or replace function tests.random_idempotency_key()
returns text
language sql
volatile
set search_path = ''
as $$
  select encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex')
$$;

-- Creates a team with a unique name; returns its id.
create or replace function tests.create_team(
  name_prefix text default 'pgTAP Team',
  handles_categories text[] default '{}'
)
returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into public.teams (name, handles_categories)
  values (create_team.name_prefix || ' ' || tests.unique_suffix(), create_team.handles_categories)
  returning id
$$;

-- Creates a customer with a unique example.com address; returns its id.
create or replace function tests.create_customer(
  tier text default 'standard',
  name text default 'Test Customer'
)
returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into public.customers (email, name, tier)
  values ('customer-' || tests.unique_suffix() || '@example.com', create_customer.name, create_customer.tier)
  returning id
$$;

-- Creates an agent linked to a fresh auth user id (agents.auth_user_id); returns agents.id.
create or replace function tests.create_agent_user(
  team_id uuid default null,
  skill_level text default 'mid',
  max_concurrent_tickets integer default 10,
  is_available boolean default true,
  specializations text[] default '{}',
  email text default null
)
returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into public.agents (email, name, team_id, skill_level, max_concurrent_tickets, is_available,
                             specializations, auth_user_id)
  values (coalesce(create_agent_user.email, 'agent-' || tests.unique_suffix() || '@example.com'),
          'Test Agent', create_agent_user.team_id, create_agent_user.skill_level,
          create_agent_user.max_concurrent_tickets, create_agent_user.is_available,
          create_agent_user.specializations, gen_random_uuid())
  returning id
$$;

-- Creates a ticket of a customer (status 'new' queues triage through the table's trigger).
create or replace function tests.create_ticket(
  customer_id uuid,
  status text default 'new',
  priority text default 'medium',
  team_id uuid default null,
  assigned_to uuid default null,
  category text default null,
  sub_category text default null,
  body text default 'Something is not working as expected.',
  created_at timestamptz default now(),
  channel text default 'email'
)
returns uuid
language sql
volatile
set search_path = ''
as $$
  insert into public.tickets (idempotency_key, channel, customer_id, sender_email, sender_name, subject, body,
                              category, sub_category, status, priority, team_id, assigned_to, assigned_at,
                              created_at)
  select tests.random_idempotency_key(), create_ticket.channel, c.id, c.email, c.name, 'pgTAP ticket',
         create_ticket.body, create_ticket.category, create_ticket.sub_category, create_ticket.status,
         create_ticket.priority, create_ticket.team_id, create_ticket.assigned_to,
         case when create_ticket.assigned_to is not null then now() end, create_ticket.created_at
  from public.customers c
  where c.id = create_ticket.customer_id
  returning id
$$;

-- Creates a ticket as triage leaves it: status 'analyzed', classification copied to the
-- ticket and one ai_analysis row. Returns the ticket id, ready for route_ticket().
drop function if exists tests.create_analyzed_ticket(uuid, text, text, text, numeric, integer, boolean, text, timestamptz, text);
create or replace function tests.create_analyzed_ticket(
  customer_id uuid,
  category text default 'general',
  sub_category text default null,
  priority text default 'medium',
  confidence numeric default 0.70,
  intensity integer default 3,
  escalation_flag boolean default false,
  body text default 'Something is not working as expected.',
  created_at timestamptz default now(),
  language text default 'en',
  emotion text default 'neutral'
)
returns uuid
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_ticket_id uuid;
begin
  v_ticket_id := tests.create_ticket(create_analyzed_ticket.customer_id, status => 'analyzed',
    priority => create_analyzed_ticket.priority, category => create_analyzed_ticket.category,
    sub_category => create_analyzed_ticket.sub_category, body => create_analyzed_ticket.body,
    created_at => create_analyzed_ticket.created_at);
  update public.tickets t
  set language = create_analyzed_ticket.language,
      sentiment_emotion = create_analyzed_ticket.emotion,
      sentiment_intensity = create_analyzed_ticket.intensity,
      ai_confidence = create_analyzed_ticket.confidence
  where t.id = v_ticket_id;
  insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion,
                                  sentiment_intensity, priority_recommendation, urgency_score,
                                  escalation_flag, language, model_name)
  values (v_ticket_id, create_analyzed_ticket.category, create_analyzed_ticket.sub_category,
          create_analyzed_ticket.confidence, create_analyzed_ticket.emotion, create_analyzed_ticket.intensity,
          create_analyzed_ticket.priority, 5, create_analyzed_ticket.escalation_flag,
          create_analyzed_ticket.language, 'pgtap');
  return v_ticket_id;
end;
$$;

-- Gives an agent `tickets` tickets in the given status (of a fresh customer, so that the
-- repeat-contact rule of the ticket under test is not affected); returns their number.
create or replace function tests.give_agent_load(
  agent_id uuid,
  tickets integer,
  status text default 'assigned'
)
returns integer
language sql
volatile
set search_path = ''
as $$
  with load_customer as (select tests.create_customer(name => 'Load Customer') as id)
  select count(tests.create_ticket(lc.id, status => give_agent_load.status, team_id => a.team_id,
                                   assigned_to => give_agent_load.agent_id))::integer
  from load_customer lc
  cross join public.agents a
  cross join generate_series(1, give_agent_load.tickets)
  where a.id = give_agent_load.agent_id
$$;

-- Points the pipeline's webhooks at a base URL unique to this transaction, so the
-- net.http_request_queue rows of this test can be told from concurrent ones. Returns it.
create or replace function tests.use_unique_functions_base_url()
returns text
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_base text := 'http://127.0.0.1:54321/pgtap-' || tests.unique_suffix();
begin
  insert into app_private.settings (key, value) values ('functions_base_url', v_base)
  on conflict (key) do update set value = excluded.value;
  insert into app_private.settings (key, value) values ('service_role_key', 'pgtap-service-role-key')
  on conflict (key) do update set value = excluded.value;
  return v_base;
end;
$$;

-- Makes one job the next one claim_jobs() returns (run_after = -infinity sorts first) and
-- claims it; returns the attempt number of the claim.
create or replace function tests.claim_job(job_id bigint, lock_seconds integer default 60)
returns integer
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_stage text;
  v_claimed record;
begin
  update app_private.jobs j set run_after = '-infinity'
  where j.id = claim_job.job_id and j.status = 'queued'
  returning j.stage into v_stage;
  if v_stage is null then
    raise exception 'job % is not queued', claim_job.job_id;
  end if;
  select * into v_claimed from app_private.claim_jobs(v_stage, 1, claim_job.lock_seconds);
  if v_claimed.job_id is distinct from claim_job.job_id then
    raise exception 'claim_jobs returned job % instead of job %', v_claimed.job_id, claim_job.job_id;
  end if;
  return v_claimed.attempt;
end;
$$;

-- Acts as a signed-in agent: role authenticated and JWT claims whose sub is the agent's
-- auth_user_id. Takes an agent email, an agent id or an auth user id (any uuid works, so
-- a signed-in user without an agent row can be simulated).
-- No security definer: changing the role is not allowed inside one.
create or replace function tests.authenticate_as(identifier text)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_uid uuid;
  v_email text;
begin
  perform set_config('role', 'none', true);
  select a.auth_user_id, a.email into v_uid, v_email
  from public.agents a
  where lower(a.email) = lower(identifier) or a.id::text = identifier or a.auth_user_id::text = identifier
  limit 1;
  if v_uid is null then
    if identifier !~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
      raise exception 'Cannot authenticate as "%": no agent with this email, id or auth user id', identifier;
    end if;
    v_uid := identifier::uuid;
  end if;
  perform set_config('request.jwt.claims', pg_catalog.json_build_object(
    'sub', v_uid, 'role', 'authenticated', 'aud', 'authenticated', 'email', v_email)::text, true);
  perform set_config('role', 'authenticated', true);
end;
$$;

-- Acts as the service role (the key used by edge functions and operators).
create or replace function tests.authenticate_as_service_role()
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
  perform set_config('role', 'service_role', true);
end;
$$;

-- Acts as an anonymous visitor (role anon, no JWT claims).
create or replace function tests.clear_authentication()
returns void
language plpgsql
volatile
set search_path = ''
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
  perform set_config('role', 'anon', true);
end;
$$;

-- Freezes the SLA clock (app_private.sla_now(): triggers and the sweep) at an instant for the
-- rest of the transaction.
create or replace function tests.freeze_time(frozen_at timestamptz)
returns void
language sql
volatile
set search_path = ''
as $$
  select set_config('ists.frozen_now', freeze_time.frozen_at::text, true);
  select null::void
$$;

-- Runs app_private.sweep_sla(at), waiting while another sweep (pg_cron's own, every 5 minutes)
-- holds the sweep lock; for files that sweep committed rows from several sessions.
create or replace function tests.sweep_sla_when_free(at timestamptz)
returns jsonb
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_result jsonb;
begin
  for i in 1..100 loop
    v_result := app_private.sweep_sla(sweep_sla_when_free.at);
    if not v_result ? 'skipped' then
      return v_result;
    end if;
    perform pg_sleep(0.05);
  end loop;
  return v_result;
end;
$$;

-- Deletes committed tickets (and their customers and team) that a file created through a
-- second session. The notify stage may be delivering their messages meanwhile: the outbox
-- rows are taken first and the jobs second, the order notify takes them in, and a lock
-- conflict or deadlock is retried, so the cleanup never fails and never leaves rows behind.
create or replace function tests.delete_committed_tickets(ticket_ids uuid[], team_id uuid default null)
returns void
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_customers uuid[];
begin
  select coalesce(array_agg(distinct t.customer_id), '{}') into v_customers
  from public.tickets t where t.id = any (delete_committed_tickets.ticket_ids);
  for attempt in 1..20 loop
    begin
      perform set_config('lock_timeout', '5s', true);
      perform 1 from public.notifications n where n.ticket_id = any (delete_committed_tickets.ticket_ids)
      order by n.id for update;
      perform 1 from app_private.jobs j where j.ticket_id = any (delete_committed_tickets.ticket_ids)
      order by j.id for update;
      delete from public.tickets t where t.id = any (delete_committed_tickets.ticket_ids);
      delete from public.customers c where c.id = any (v_customers)
        and not exists (select 1 from public.tickets t where t.customer_id = c.id);
      delete from public.teams tm where tm.id = delete_committed_tickets.team_id;
      return;
    exception when deadlock_detected or lock_not_available or serialization_failure then
      if attempt = 20 then
        raise;
      end if;
      perform pg_sleep(0.1 * attempt);
    end;
  end loop;
end;
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

select plan(1);

select ok(
  to_regprocedure('tests.authenticate_as(text)') is not null
    and to_regprocedure('tests.create_analyzed_ticket(uuid,text,text,text,numeric,integer,boolean,text,timestamptz,text,text)') is not null,
  'test helpers are installed in schema tests'
);

select * from finish();
commit;
