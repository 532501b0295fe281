-- When a signed-in agent resolves their ticket, the freed slot goes at once to the oldest
-- queued ticket of their team, which the agent could neither see nor assign themselves.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'general', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'in_progress', team_id => :'team_id',
                           assigned_to => :'agent_id') as own_ticket \gset
select tests.create_customer() as waiting_customer \gset
select tests.create_analyzed_ticket(:'waiting_customer', category => 'general') as waiting_ticket \gset
select app_private.route_ticket(:'waiting_ticket');

-- TEST: the waiting ticket is queued while the agent is full
select is((select status::text from public.tickets where id = :'waiting_ticket'), 'queued',
  'the waiting ticket is queued while the agent is full');

-- TEST: resolving the agent's own ticket hands out the queued one
select tests.authenticate_as(:'agent_id');
with updated as (
  update public.tickets set status = 'resolved', resolved_at = now() where id = :'own_ticket' returning id
)
select count(*) as updated_rows from updated \gset
select is(:updated_rows::integer, 1, 'the agent resolves their ticket');
reset role;
select is((select assigned_to from public.tickets where id = :'waiting_ticket'), :'agent_id'::uuid,
  'the queued ticket is assigned to the agent who freed the slot');
select is((select status::text from public.tickets where id = :'waiting_ticket'), 'assigned',
  'the queued ticket is assigned');

select * from finish();
rollback;
