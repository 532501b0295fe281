-- A signed-in agent reads a customer only through a ticket of their own team.
begin;
set local search_path = extensions, public;
select plan(2);

-- SETUP
select tests.create_team() as own_team \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'own_team') as agent_id \gset
select tests.create_customer() as own_customer \gset
select tests.create_customer() as other_customer \gset
select tests.create_customer() as customer_without_ticket \gset
select tests.create_ticket(:'own_customer', status => 'queued', team_id => :'own_team');
select tests.create_ticket(:'other_customer', status => 'queued', team_id => :'other_team');

-- TEST: only the customer of the own team's ticket is visible
select tests.authenticate_as(:'agent_id');
select results_eq(
  format('select id from public.customers where id in (%L, %L, %L)',
         :'own_customer', :'other_customer', :'customer_without_ticket'),
  format('values (%L::uuid)', :'own_customer'),
  'an agent reads the customer of their own team''s ticket only'
);
select is(
  (select count(*) from public.customers c
   where not exists (select 1 from public.tickets t where t.customer_id = c.id)),
  0::bigint,
  'no customer without a visible ticket is readable'
);

select * from finish();
rollback;
