-- The rows recorded about a ticket (ai_analysis, ticket_events, sla_tracking, responses,
-- notifications) follow the ticket: an agent reads them for their own team's tickets only.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP
select tests.create_team() as own_team \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'own_team') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id') as own_ticket \gset
select tests.create_analyzed_ticket(:'customer_id') as other_ticket \gset
update public.tickets set status = 'queued', team_id = :'own_team' where id = :'own_ticket';
update public.tickets set status = 'queued', team_id = :'other_team' where id = :'other_ticket';
insert into public.ticket_events (ticket_id, event_type, actor_type)
select id, 'routed', 'system' from public.tickets where id in (:'own_ticket', :'other_ticket');
insert into public.sla_tracking (ticket_id, priority, first_response_deadline, resolution_deadline)
select id, 'medium', now() + interval '8 hours', now() + interval '24 hours'
from public.tickets where id in (:'own_ticket', :'other_ticket');
insert into public.responses (ticket_id, direction, channel, body, sender_type)
select id, 'outbound', 'email', 'Hello', 'agent' from public.tickets where id in (:'own_ticket', :'other_ticket');
insert into public.notifications (ticket_id, kind, channel)
select id, 'ticket_queued', 'slack' from public.tickets where id in (:'own_ticket', :'other_ticket');

select tests.authenticate_as(:'agent_id');

-- TEST: ai_analysis rows of the own team's ticket only
select results_eq(
  format('select ticket_id from public.ai_analysis where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads ai_analysis of their own team''s ticket'
);
select is((select count(*) from public.ai_analysis where ticket_id = :'other_ticket'), 0::bigint,
  'an agent reads no ai_analysis of another team''s ticket');

-- TEST: ticket_events of the own team's ticket only
select results_eq(
  format('select ticket_id from public.ticket_events where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads ticket_events of their own team''s ticket'
);
select is((select count(*) from public.ticket_events where ticket_id = :'other_ticket'), 0::bigint,
  'an agent reads no ticket_events of another team''s ticket');

-- TEST: sla_tracking of the own team's ticket only
select results_eq(
  format('select ticket_id from public.sla_tracking where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads sla_tracking of their own team''s ticket'
);
select is((select count(*) from public.sla_tracking where ticket_id = :'other_ticket'), 0::bigint,
  'an agent reads no sla_tracking of another team''s ticket');

-- TEST: responses and notifications of the own team's ticket only
select results_eq(
  format('select ticket_id from public.responses where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads responses of their own team''s ticket only'
);
select results_eq(
  format('select ticket_id from public.notifications where ticket_id in (%L, %L)', :'own_ticket', :'other_ticket'),
  format('values (%L::uuid)', :'own_ticket'),
  'an agent reads notifications of their own team''s ticket only'
);

-- TEST: error logs and pipeline jobs are not for agents
select throws_ok('select * from public.error_logs', '42501', 'permission denied for table error_logs',
  'an agent cannot read error_logs');
select throws_ok('select * from app_private.jobs', '42501', 'permission denied for table jobs',
  'an agent cannot read app_private.jobs');

select * from finish();
rollback;
