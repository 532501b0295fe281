-- agents.active_tickets, which assignment reads, always equals the number of the agent's
-- tickets that are assigned or in progress: through assignment, work, waiting on the
-- customer, reassignment, resolution, reopening and deletion.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as ann \gset
select tests.create_agent_user(team_id => :'team_id') as ben \gset
select tests.create_customer() as customer_id \gset
create temporary view counter_check as
select a.id, a.active_tickets,
       (select count(*)::integer from public.tickets t where t.assigned_to = a.id and t.status in ('assigned', 'in_progress')) as truth
from public.agents a where a.team_id = :'team_id';
grant select on counter_check to service_role;
select tests.authenticate_as_service_role();

-- TEST
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'ann') as t1 \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'ann') as t2 \gset
select is((select active_tickets from public.agents where id = :'ann'), 2, 'two assigned tickets count');
update public.tickets set status = 'in_progress' where id = :'t1';
update public.tickets set status = 'waiting_on_customer' where id = :'t2';
select is((select active_tickets from public.agents where id = :'ann'), 1, 'waiting on the customer does not count');
update public.tickets set assigned_to = :'ben' where id = :'t1';
select results_eq('select active_tickets, truth from counter_check order by id', 'select truth, truth from counter_check order by id',
  'reassignment moves the count');
update public.tickets set status = 'resolved' where id = :'t1';
update public.tickets set status = 'in_progress' where id = :'t2';
select is((select active_tickets from public.agents where id = :'ben'), 0, 'resolving frees the slot');
select is((select active_tickets from public.agents where id = :'ann'), 1, 'reopening takes it again');
delete from public.ticket_events where ticket_id = :'t2';
delete from public.tickets where id = :'t2';
select is((select active_tickets from public.agents where id = :'ann'), 0, 'deleting a ticket frees the slot');
select is((select count(*) from counter_check where active_tickets <> truth), 0::bigint, 'every counter equals the truth');
select is((select max(active_tickets) from public.agents where active_tickets < 0), null, 'no counter goes below zero');

select * from finish();
rollback;
