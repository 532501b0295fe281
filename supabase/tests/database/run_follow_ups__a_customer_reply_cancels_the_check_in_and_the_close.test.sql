-- A customer reply cancels the follow-up: no check-in when they replied before it was due,
-- and no auto-close when they replied after the check-in. An out-of-office does not count.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.use_unique_functions_base_url();
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as early_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as late_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'early_id', 'outbound', 'email', 'Hi, the fix.', 'agent', :'agent_id') returning id as early_answer \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'late_id', 'outbound', 'email', 'Hi, the fix.', 'agent', :'agent_id') returning id as late_answer \gset
select tests.freeze_time('2026-12-04 10:00:00+00');
select app_private.mark_response_sent(:'early_answer', 'email', null);
select app_private.mark_response_sent(:'late_answer', 'email', null);

-- TEST: an out-of-office does not cancel; the customer's reply before the check-in does
insert into public.responses (ticket_id, direction, channel, body, sender_type, is_automated)
values (:'early_id', 'inbound', 'email', 'I am out of the office.', 'customer', true);
select is((select status::text from public.ticket_follow_ups where ticket_id = :'early_id'), 'scheduled',
  'an auto-reply leaves the follow-up scheduled');
insert into public.responses (ticket_id, direction, channel, body, sender_type)
values (:'early_id', 'inbound', 'email', 'Still broken.', 'customer');
select results_eq(
  format($$select status::text, cancelled_reason from public.ticket_follow_ups where ticket_id = %L$$, :'early_id'),
  $$values ('cancelled'::text, 'customer_replied'::text)$$, 'the reply cancels the check-in');
select is(app_private.run_follow_ups('2026-12-05 10:00:00+00') ->> 'check_ins', '1',
  'at 24 h only the other ticket gets a check-in');

-- TEST: a reply after the check-in cancels the close
select check_in_response_id as check_in_id from public.ticket_follow_ups where ticket_id = :'late_id' \gset
select tests.freeze_time('2026-12-05 10:01:00+00');
select app_private.mark_response_sent(:'check_in_id', 'email', null);
insert into public.responses (ticket_id, direction, channel, body, sender_type)
values (:'late_id', 'inbound', 'email', 'Sorry, still looking.', 'customer');
select is(app_private.run_follow_ups('2026-12-08 10:00:00+00') ->> 'closed', '0', 'the ticket is not closed');
select is((select status::text from public.tickets where id = :'late_id'), 'assigned', 'it stays with its agent');

select * from finish();
rollback;
