-- The service role (edge functions, operators) bypasses row-level security and may read
-- and write every table in public and app_private.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id') as ticket_id \gset
select tests.create_ticket(:'customer_id') as new_ticket_id \gset

-- TEST: every table grants select, insert, update and delete to service_role
select is_empty(
  $$
    select n.nspname || '.' || c.relname
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('public', 'app_private') and c.relkind in ('r', 'p')
      and not has_table_privilege('service_role', c.oid, 'select, insert, update, delete')
    order by 1
  $$,
  'service_role may select, insert, update and delete in every table'
);

-- TEST: service_role reads rows that no policy would show (bypassrls)
select tests.authenticate_as_service_role();
select results_eq(
  format('select id from public.tickets where id = %L', :'ticket_id'),
  format('values (%L::uuid)', :'ticket_id'),
  'service_role reads a ticket of any team'
);
select results_eq(
  format('select stage, status from app_private.jobs where ticket_id = %L', :'new_ticket_id'),
  $$values ('triage'::text, 'queued'::text)$$,
  'service_role reads app_private.jobs'
);
select isnt_empty('select 1 from app_private.settings', 'service_role reads app_private.settings');
select lives_ok('select * from public.pipeline_dead_letters', 'service_role reads pipeline_dead_letters');

-- TEST: service_role writes
with updated as (
  update public.tickets set priority = 'high' where id = :'ticket_id' returning id
)
select count(*) as updated_rows from updated \gset
select is(:updated_rows::integer, 1, 'service_role updates a ticket');
select lives_ok(
  format($$insert into public.ticket_events (ticket_id, event_type, actor_type) values (%L, 'note', 'system')$$,
         :'ticket_id'),
  'service_role inserts a ticket event');
with deleted as (
  delete from public.tickets where id = :'new_ticket_id' returning id
)
select count(*) as deleted_rows from deleted \gset
select is(:deleted_rows::integer, 1, 'service_role deletes a ticket');

select * from finish();
rollback;
