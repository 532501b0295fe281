-- A signed-in agent reads the tickets of their own team and nothing else; a signed-in
-- user without an agent row reads no ticket at all.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as own_team \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'own_team') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'own_team') as own_ticket \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'other_team') as other_ticket \gset
select tests.create_ticket(:'customer_id') as unrouted_ticket \gset

-- TEST: the agent sees the own team's ticket, not the other team's nor an unrouted one
select tests.authenticate_as(:'agent_id');
select results_eq(
  format('select id from public.tickets where id in (%L, %L, %L)', :'own_ticket', :'other_ticket', :'unrouted_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads only the ticket of their own team'
);
select is(
  (select count(*) from public.tickets t where t.team_id is distinct from :'own_team'::uuid),
  0::bigint,
  'no ticket of another team (or of no team) is visible to the agent'
);
select isnt_empty('select 1 from public.teams', 'a signed-in agent reads the teams');

-- TEST: a signed-in user who is not an agent sees no ticket and no team
select tests.authenticate_as(gen_random_uuid()::text);
select is((select count(*) from public.tickets), 0::bigint, 'a non-agent user reads no ticket');
select is((select count(*) from public.teams), 0::bigint, 'a non-agent user reads no team');

select * from finish();
rollback;
