-- An agent changing the AI's category or priority is recorded as a correction; the
-- pipeline's own classification of a new ticket is not.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'general', sub_category => 'other',
                                    priority => 'low') as ticket_id \gset
update public.tickets set status = 'assigned', team_id = :'team_id', assigned_to = :'agent_id'
where id = :'ticket_id';
select tests.create_customer() as other_customer \gset
select tests.create_ticket(:'other_customer') as new_ticket \gset

-- TEST: an agent's change of category, sub-category and priority gives three corrections
select tests.authenticate_as(:'agent_id');
update public.tickets set category = 'billing', sub_category = 'refund_request', priority = 'high'
where id = :'ticket_id';
reset role;
select is((select count(*)::integer from public.ai_corrections where ticket_id = :'ticket_id'), 3,
  'three fields corrected, three rows');
select is((select corrected_value from public.ai_corrections
           where ticket_id = :'ticket_id' and field = 'category'), 'billing', 'the new category is kept');
select is((select ai_value from public.ai_corrections
           where ticket_id = :'ticket_id' and field = 'priority'), 'low', 'the AI''s priority is kept');
select is((select corrected_by from public.ai_corrections
           where ticket_id = :'ticket_id' and field = 'category'), :'agent_id'::uuid, 'the agent is named');
select is((select count(*)::integer from public.ticket_events
           where ticket_id = :'ticket_id' and event_type = 'classification_corrected'), 1,
  'the correction is in the ticket history');

-- TEST: a sub-category that does not belong to the category is refused
select tests.authenticate_as(:'agent_id');
select throws_ok(
  format('update public.tickets set sub_category = %L where id = %L', 'login_problem', :'ticket_id'),
  '23503', null, 'billing › login_problem is not a valid classification');
reset role;

-- TEST: the pipeline classifying a new ticket is not a correction
update public.tickets set category = 'technical', priority = 'urgent', status = 'analyzed'
where id = :'new_ticket';
select is((select count(*)::integer from public.ai_corrections where ticket_id = :'new_ticket'), 0,
  'no correction for the first classification');

-- TEST: the accuracy view counts the corrected analysis
select is((select category_corrections::integer from public.ai_accuracy_daily
           where model_name = 'pgtap' and date = current_date) >= 1, true,
  'ai_accuracy_daily counts category corrections');

select * from finish();
rollback;
