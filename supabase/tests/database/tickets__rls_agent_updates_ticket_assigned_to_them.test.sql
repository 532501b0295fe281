-- A signed-in agent updates the granted columns of a ticket assigned to them.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id',
                           assigned_to => :'agent_id') as ticket_id \gset

-- TEST: the update reaches exactly the agent's ticket
select tests.authenticate_as(:'agent_id');
with updated as (
  update public.tickets
  set status = 'in_progress', priority = 'high', tags = array['vpn'], first_response_at = now()
  where id = :'ticket_id'
  returning id
)
select count(*) as updated_rows from updated \gset
select is(:updated_rows::integer, 1, 'one row is updated');

-- TEST: the new values are stored
reset role;
select is((select status::text from public.tickets where id = :'ticket_id'), 'in_progress', 'status is updated');
select is((select priority::text from public.tickets where id = :'ticket_id'), 'high', 'priority is updated');
select is((select tags from public.tickets where id = :'ticket_id'), array['vpn'], 'tags are updated');
select isnt((select first_response_at from public.tickets where id = :'ticket_id'), null,
  'first_response_at is updated');

select * from finish();
rollback;
