-- Every table in the exposed schema (public) and the internal one (app_private) has
-- row-level security enabled, so a missing policy means "no rows", never "all rows".
begin;
set local search_path = extensions, public;
select plan(1);

-- TEST: no ordinary or partitioned table in public or app_private lacks row-level security
select is_empty(
  $$
    select n.nspname || '.' || c.relname
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'app_private')
      and c.relkind in ('r', 'p')
      and not c.relrowsecurity
    order by 1
  $$,
  'every table in public and app_private has row level security enabled'
);

select * from finish();
rollback;
