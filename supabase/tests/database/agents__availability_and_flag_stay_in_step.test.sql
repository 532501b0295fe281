-- An agent is available, away or offline. availability and is_available stay in step whichever
-- one Studio or Slack changes, the time of the change is kept, and an agent becoming
-- available through either column hands queued tickets out at once.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', is_available => false) as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id') as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST
select is((select availability from public.agents where id = :'agent_id'), 'away',
  'an agent created unavailable is away');
select is(app_private.set_agent_availability(:'agent_id', 'offline'), 'offline', 'set_agent_availability answers the new state');
select results_eq(format('select availability::text, is_available from public.agents where id = %L', :'agent_id'),
  $$values ('offline'::text, false)$$, 'offline is not available');
update public.agents set availability_changed_at = now() - interval '1 hour' where id = :'agent_id';
update public.agents set is_available = true where id = :'agent_id';
select results_eq(format('select availability::text, is_available from public.agents where id = %L', :'agent_id'),
  $$values ('available'::text, true)$$, 'setting is_available in Studio makes the agent available');
select cmp_ok((select availability_changed_at from public.agents where id = :'agent_id'), '>', now() - interval '1 minute',
  'the time of the change is kept');
select is((select assigned_to from public.tickets where id = :'ticket_id'), :'agent_id'::uuid,
  'becoming available hands out the queued ticket');
select throws_ok(format($$select app_private.set_agent_availability(%L, 'sleeping')$$, :'agent_id'), '22023', null,
  'an unknown availability is refused');
select throws_ok($$insert into public.agents (email, name, availability) values ('x-' || gen_random_uuid() || '@example.com', 'X', 'busy')$$, '23514', null,
  'the column accepts only the three states');

select * from finish();
rollback;
