-- Schemas and extensions the product needs. On Supabase the `extensions` schema and
-- pg_net exist already; the local stack (scripts/stack.ts) prepares the same shape.

create schema if not exists extensions;
create schema if not exists app_private;
comment on schema app_private is 'ISTS internals (jobs, settings, pipeline functions); never exposed through the API.';

revoke all on schema app_private from public;
grant usage on schema app_private to service_role;

create extension if not exists pgcrypto with schema extensions;
create extension if not exists pg_cron;

-- pg_net delivers the pipeline's webhooks. Supabase ships it; where it is not available
-- (a plain Postgres) the local stack provides a stand-in with the same SQL signatures.
do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'pg_net')
     and not exists (select 1 from pg_catalog.pg_namespace where nspname = 'net') then
    create extension if not exists pg_net;
  end if;
end
$$;
