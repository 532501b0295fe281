-- The open tickets of an agent offline for longer than offline_return_minutes go back to the
-- team queue (and on to an available teammate) unless the agent worked on them after going
-- offline; an agent offline for a shorter time keeps theirs.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as gone_agent \gset
select tests.create_agent_user(team_id => :'team_id') as brief_agent \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'gone_agent') as untouched \gset
select tests.create_ticket(:'customer_id', status => 'in_progress', team_id => :'team_id', assigned_to => :'gone_agent') as worked_on \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'brief_agent') as brief_ticket \gset
select tests.authenticate_as_service_role();
select app_private.set_agent_availability(:'gone_agent', 'offline');
select app_private.set_agent_availability(:'brief_agent', 'offline');
update public.agents set availability_changed_at = now() - interval '45 minutes' where id = :'gone_agent';
update public.agents set availability_changed_at = now() - interval '5 minutes' where id = :'brief_agent';
insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id, created_at)
values (:'worked_on', 'note_added', '{}', 'agent', :'gone_agent', now() - interval '10 minutes');
select tests.create_agent_user(team_id => :'team_id') as standby_agent \gset

-- TEST
select is(app_private.return_tickets_of_offline_agents(), 1, 'one ticket is returned');
select is((select assigned_to from public.tickets where id = :'untouched'), :'standby_agent'::uuid,
  'the untouched ticket goes to the available teammate');
select is((select count(*) from public.ticket_events where ticket_id = :'untouched' and event_type = 'returned_to_queue'
           and event_data ->> 'reason' = 'agent_offline'), 1::bigint, 'the return is logged with its reason');
select is((select assigned_to from public.tickets where id = :'worked_on'), :'gone_agent'::uuid,
  'a ticket the agent worked on after going offline stays');
select is((select assigned_to from public.tickets where id = :'brief_ticket'), :'brief_agent'::uuid,
  'an agent offline for less than the window keeps their tickets');
select is(app_private.return_tickets_of_offline_agents(), 0, 'running again moves nothing');
select tests.clear_authentication();
reset role;
select isnt((select count(*) from cron.job where jobname = 'ists-return-tickets-of-offline-agents'), 0::bigint,
  'pg_cron runs the sweep');

select * from finish();
rollback;
