-- team_queue lists each team's waiting tickets with their position in the order the hand-out
-- gives them to agents: highest priority first, then oldest first; tickets with an agent are
-- not in it, and every team counts its own positions.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 0) as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'low', created_at => now() - interval '5 hours') as old_low \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'urgent', created_at => now() - interval '1 hour') as new_urgent \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'high', created_at => now() - interval '2 hours') as new_high \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'team_id', priority => 'high', created_at => now() - interval '3 hours') as old_high \gset
select tests.create_ticket(:'customer_id', status => 'queued', team_id => :'other_team', priority => 'medium') as other \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id', priority => 'urgent') as assigned \gset
select tests.authenticate_as_service_role();

-- TEST
select results_eq(format('select ticket_id, position from public.team_queue where team_id = %L order by position', :'team_id'),
  format($$values (%L::uuid, 1::bigint), (%L::uuid, 2::bigint), (%L::uuid, 3::bigint), (%L::uuid, 4::bigint)$$,
         :'new_urgent', :'old_high', :'new_high', :'old_low'),
  'urgent first, the older high before the newer one, low last; the assigned ticket is not listed');
select results_eq(format('select ticket_id, position from public.team_queue where team_id = %L', :'other_team'),
  format($$values (%L::uuid, 1::bigint)$$, :'other'), 'another team counts its own positions');
update public.agents set max_concurrent_tickets = 2 where id = :'agent_id';
select results_eq(format($$select id from public.tickets where assigned_to = %L and id <> %L$$, :'agent_id', :'assigned'),
  format($$values (%L::uuid)$$, :'new_urgent'), 'the hand-out takes position 1 first (one free slot: the urgent one)');

select * from finish();
rollback;
