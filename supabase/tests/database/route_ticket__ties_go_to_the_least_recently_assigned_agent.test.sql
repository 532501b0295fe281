-- Fairness: among equally loaded agents without a matching specialization, the one assigned
-- least recently (never assigned first) gets the ticket, so work rotates instead of piling on
-- one person; the decision lists the candidates in the order they were tried.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority) values ('pgTAP', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id') as recent \gset
select tests.create_agent_user(team_id => :'team_id') as earlier \gset
select tests.create_agent_user(team_id => :'team_id') as never \gset
update public.agents set last_assigned_at = now() - interval '1 minute' where id = :'recent';
update public.agents set last_assigned_at = now() - interval '1 hour' where id = :'earlier';
select tests.create_customer() as c1 \gset
select tests.create_customer() as c2 \gset
select tests.create_customer() as c3 \gset
select tests.create_analyzed_ticket(:'c1') as t1 \gset
select tests.create_analyzed_ticket(:'c2') as t2 \gset
select tests.create_analyzed_ticket(:'c3') as t3 \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(:'t1') as decision \gset
select is((select assigned_to from public.tickets where id = :'t1'), :'never'::uuid, 'the never-assigned agent goes first');
select is((select array_agg(c ->> 'agent_id' order by ord) from jsonb_array_elements(:'decision'::jsonb -> 'candidates') with ordinality x(c, ord)),
  array[:'never', :'earlier', :'recent']::text[], 'the decision lists the candidates in the order tried');
select app_private.route_ticket(:'t2');
select is((select assigned_to from public.tickets where id = :'t2'), :'earlier'::uuid, 'then the one assigned longest ago');
select app_private.route_ticket(:'t3');
select is((select assigned_to from public.tickets where id = :'t3'), :'recent'::uuid, 'then the most recent one');
select is((select count(distinct assigned_to) from public.tickets where id in (:'t1', :'t2', :'t3')), 3::bigint,
  'three tickets, three different agents');

select * from finish();
rollback;
