-- A signed-in agent cannot update a ticket of their team that is assigned to another
-- agent or to nobody: the update silently matches 0 rows.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_agent_user(team_id => :'team_id') as colleague_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id',
                           assigned_to => :'colleague_id') as colleague_ticket \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id') as queued_ticket \gset

-- TEST: updating the colleague's ticket changes nothing
select tests.authenticate_as(:'agent_id');
with updated as (
  update public.tickets set status = 'resolved', resolved_at = now() where id = :'colleague_ticket' returning id
)
select count(*) as colleague_rows from updated \gset
select is(:colleague_rows::integer, 0, 'no row of a colleague''s ticket is updated');

-- TEST: updating an unassigned ticket of the team changes nothing
with updated as (
  update public.tickets set status = 'in_progress' where id = :'queued_ticket' returning id
)
select count(*) as queued_rows from updated \gset
select is(:queued_rows::integer, 0, 'no row of an unassigned ticket is updated');

reset role;
select is((select status::text from public.tickets where id = :'colleague_ticket'), 'assigned',
  'the colleague''s ticket keeps its status');
select is((select status::text from public.tickets where id = :'queued_ticket'), 'queued',
  'the queued ticket keeps its status');

select * from finish();
rollback;
