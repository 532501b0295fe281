-- A customer reply reopens a resolved ticket within reopen_window_days (to its agent, or to
-- routing again when it was auto-resolved, and never auto-resolved a second time); after the
-- window it opens a new ticket that links the old one.
begin;
set local search_path = extensions, public;
select plan(12);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_customer(name => 'Reopen Example') as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_ticket(:'customer_id', status => 'resolved', team_id => :'team_id', assigned_to => :'agent_id') as recent_id \gset
update public.tickets set resolved_at = now() - interval '2 days' where id = :'recent_id';
select ticket_number as recent_number from public.tickets where id = :'recent_id' \gset
select tests.create_ticket(:'customer_id', status => 'resolved') as auto_id \gset
update public.tickets set resolved_at = now() - interval '1 hour', is_auto_resolved = true where id = :'auto_id';
select ticket_number as auto_number from public.tickets where id = :'auto_id' \gset
select tests.create_ticket(:'customer_id', status => 'closed', team_id => :'team_id') as old_id \gset
update public.tickets set resolved_at = now() - interval '30 days' where id = :'old_id';
select ticket_number as old_number from public.tickets where id = :'old_id' \gset
select tests.authenticate_as_service_role();

-- TEST: a reply within the window reopens the ticket to its agent
select outcome as recent_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: [#T-' || :'recent_number' || '] pgTAP ticket',
  'body', 'It broke again.')) \gset
select is(:'recent_outcome'::text, 'reopened', 'the outcome is reopened');
select results_eq(format('select status::text, assigned_to, resolved_at, reopened_count from public.tickets where id = %L', :'recent_id'),
  format($$values ('assigned'::text, %L::uuid, null::timestamptz, 1)$$, :'agent_id'),
  'the ticket is assigned to its agent again, unresolved, counted as reopened');
select is((select count(*) from public.ticket_events where ticket_id = :'recent_id' and event_type = 'reopened'), 1::bigint,
  'a reopened event is logged');

-- TEST: an auto-resolved ticket goes through routing again, not auto-resolution
select outcome as auto_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: [#T-' || :'auto_number' || '] Password',
  'body', 'The reset link does not arrive.')) \gset
select is(:'auto_outcome'::text, 'reopened', 'the auto-resolved ticket is reopened');
select results_eq(format('select status::text, is_auto_resolved from public.tickets where id = %L', :'auto_id'),
  $$values ('analyzed'::text, false)$$, 'it is back to analyzed and no longer auto-resolved');
select is((select count(*) from app_private.jobs where ticket_id = :'auto_id' and stage = 'route'), 1::bigint,
  'routing is queued');
update public.tickets set category = 'account', sub_category = 'password_reset', language = 'en',
  sentiment_intensity = 2, body = 'Reset?' where id = :'auto_id';
insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion, sentiment_intensity,
  priority_recommendation, urgency_score, language, model_name)
values (:'auto_id', 'account', 'password_reset', 0.99, 'neutral', 2, 'medium', 3, 'en', 'pgtap');
select isnt(app_private.route_ticket(:'auto_id') ->> 'outcome', 'auto_resolved', 'routing does not auto-resolve it again');

-- TEST: after the window a reply opens a new ticket linked to the old one
select ticket_id as follow_id, outcome as follow_outcome from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', :'email'::text, 'channel', 'email', 'subject', 'Re: [#T-' || :'old_number' || '] pgTAP ticket',
  'body', 'Same problem a month later.')) \gset
select is(:'follow_outcome'::text, 'created', 'a reply after the window creates a ticket');
select is((select previous_ticket_id from public.tickets where id = :'follow_id'), :'old_id'::uuid, 'linked to the old ticket');
select is((select status from public.tickets where id = :'old_id'), 'closed', 'the old ticket stays closed');
select is((select count(*) from public.ticket_events where ticket_id = :'old_id' and event_type = 'follow_up_opened'), 1::bigint,
  'the old ticket logs the follow-up');
select is((select count(*) from public.responses where ticket_id = :'old_id'), 0::bigint, 'nothing is added to the old ticket');

select * from finish();
rollback;
