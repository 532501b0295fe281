-- When routing finishes (the 'routed' event) the respond stage is queued for the ticket, once;
-- an auto-resolved ticket already has its answer and gets no respond job.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', sub_category => 'bug_report',
  confidence => 0.8, intensity => 4, body => 'Export crashes with error 500.') as routed_id \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'account', sub_category => 'password_reset',
  confidence => 0.95, intensity => 3, body => 'I forgot my password, how do I reset it?') as auto_id \gset
select tests.authenticate_as_service_role();

-- TEST: a routed ticket gets one queued respond job
select is(app_private.route_ticket(:'routed_id') ->> 'outcome' in ('assigned', 'queued'), true, 'the ticket is routed');
select results_eq(
  format($$select stage, status from app_private.jobs where ticket_id = %L and stage = 'respond'$$, :'routed_id'),
  $$values ('respond'::text, 'queued'::text)$$,
  'one respond job is queued');

-- TEST: routing again changes nothing; an auto-resolved ticket gets none
select app_private.route_ticket(:'routed_id');
select is((select count(*) from app_private.jobs where ticket_id = :'routed_id' and stage = 'respond'), 1::bigint,
  'a second routing call queues no second job');
select app_private.route_ticket(:'auto_id');
select is((select count(*) from app_private.jobs where ticket_id = :'auto_id' and stage = 'respond'), 0::bigint,
  'the auto-resolved ticket gets no respond job');

select * from finish();
rollback;
