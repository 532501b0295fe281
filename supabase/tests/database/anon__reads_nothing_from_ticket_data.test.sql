-- The anon role (a visitor with only the publishable key) can read nothing: every table
-- holding ticket, customer or agent data answers "permission denied".
begin;
set local search_path = extensions, public;
select plan(12);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id',
                           assigned_to => :'agent_id') as ticket_id \gset
select tests.clear_authentication();

-- TEST: anon cannot read tickets, customers or agents
select throws_ok('select * from public.tickets', '42501', 'permission denied for table tickets',
  'anon cannot read tickets');
select throws_ok('select * from public.customers', '42501', 'permission denied for table customers',
  'anon cannot read customers');
select throws_ok('select * from public.agents', '42501', 'permission denied for table agents',
  'anon cannot read agents');

-- TEST: anon cannot read the rows recorded about tickets
select throws_ok('select * from public.teams', '42501', 'permission denied for table teams',
  'anon cannot read teams');
select throws_ok('select * from public.ai_analysis', '42501', 'permission denied for table ai_analysis',
  'anon cannot read ai_analysis');
select throws_ok('select * from public.ticket_events', '42501', 'permission denied for table ticket_events',
  'anon cannot read ticket_events');
select throws_ok('select * from public.sla_tracking', '42501', 'permission denied for table sla_tracking',
  'anon cannot read sla_tracking');
select throws_ok('select * from public.responses', '42501', 'permission denied for table responses',
  'anon cannot read responses');
select throws_ok('select * from public.active_tickets_view', '42501',
  'permission denied for view active_tickets_view', 'anon cannot read active_tickets_view');
select throws_ok('select * from public.pipeline_dead_letters', '42501',
  'permission denied for view pipeline_dead_letters', 'anon cannot read pipeline_dead_letters');
select throws_ok('select * from app_private.jobs', '42501', 'permission denied for schema app_private',
  'anon cannot read app_private.jobs');

-- TEST: anon cannot write tickets
select throws_ok(
  format($$update public.tickets set status = 'closed' where id = %L$$, :'ticket_id'),
  '42501', 'permission denied for table tickets', 'anon cannot update tickets'
);

select * from finish();
rollback;
