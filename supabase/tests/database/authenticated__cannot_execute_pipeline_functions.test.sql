-- A signed-in agent may call only the RLS helpers (and priority_rank() and report_time_zone(),
-- which the views use) in app_private; the pipeline functions (intake, claims, routing, sweeps) are for the
-- service role.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset

-- TEST: nothing but the RLS helpers (and the two read-only helpers of the views) is executable
select is_empty(
  $$
    select p.oid::regprocedure::text from pg_catalog.pg_proc p
    where p.pronamespace = 'app_private'::regnamespace and has_function_privilege('authenticated', p.oid, 'execute')
      and p.oid::regprocedure::text not in ('app_private.current_agent_id()', 'app_private.current_agent_team_id()',
                                            'app_private.priority_rank(text)', 'app_private.report_time_zone()')
    order by 1
  $$,
  'authenticated may execute no pipeline function in app_private'
);

-- TEST: calling pipeline functions as an agent is denied
select tests.authenticate_as(:'agent_id');
select throws_ok(
  format('select * from app_private.intake_ticket(%L, %L)', repeat('a', 64), '{"email": "x@example.com"}'),
  '42501', 'permission denied for function intake_ticket', 'an agent cannot call intake_ticket');
select throws_ok('select * from app_private.claim_jobs(''triage'', 1, 60)',
  '42501', 'permission denied for function claim_jobs', 'an agent cannot call claim_jobs');
select throws_ok(format('select app_private.route_ticket(%L)', gen_random_uuid()),
  '42501', 'permission denied for function route_ticket', 'an agent cannot call route_ticket');
select throws_ok(format('select app_private.assign_queued_tickets(%L)', :'team_id'),
  '42501', 'permission denied for function assign_queued_tickets', 'an agent cannot call assign_queued_tickets');

-- TEST: the RLS helpers answer for the signed-in agent
select is(app_private.current_agent_id(), :'agent_id'::uuid, 'current_agent_id() is the signed-in agent');

select * from finish();
rollback;
