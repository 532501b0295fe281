-- A delivered answer schedules a check-in 24 h later; before then the sweep does nothing; at
-- 24 h without a reply it queues the check-in (an automatic answer through the send stage);
-- once the check-in was delivered, 48 h later the ticket is closed with a closing message.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.use_unique_functions_base_url();
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(name => 'Priya Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'ticket_id', 'outbound', 'email', 'Hi, here is the fix.', 'agent', :'agent_id') returning id as answer_id \gset
select tests.freeze_time('2026-12-04 10:00:00+00');
select app_private.mark_response_sent(:'answer_id', 'email', '<a@support.example.com>');

-- TEST: the answer schedules the check-in 24 h after it was sent
select results_eq(
  format($$select status::text, check_in_at from public.ticket_follow_ups where ticket_id = %L$$, :'ticket_id'),
  $$values ('scheduled'::text, '2026-12-05 10:00:00+00'::timestamptz)$$, 'a check-in is scheduled 24 h later');
select is(app_private.run_follow_ups('2026-12-05 09:55:00+00') ->> 'check_ins', '0', 'nothing happens before it is due');

-- TEST: at 24 h without a reply the check-in is queued through the send stage
select tests.freeze_time('2026-12-05 10:00:00+00');
select is(app_private.run_follow_ups() ->> 'check_ins', '1', 'the due check-in is queued');
select check_in_response_id as check_in_id from public.ticket_follow_ups where ticket_id = :'ticket_id' \gset
select results_eq(
  format($$select follow_up_kind::text, review_status::text, body like 'Hi Priya,%%' from public.responses where id = %L$$, :'check_in_id'),
  $$values ('check_in'::text, 'auto_sent'::text, true)$$, 'the check-in is an automatic answer addressed to the customer');
set constraints all immediate;
select is((select delivery_status::text from public.responses where id = :'check_in_id'), 'queued',
  'it goes through the send stage');

-- TEST: once delivered, the closing period starts; 48 h later the ticket closes with a message
select tests.freeze_time('2026-12-05 10:01:00+00');
select app_private.mark_response_sent(:'check_in_id', 'email', '<b@support.example.com>');
select results_eq(
  format($$select status::text, close_at from public.ticket_follow_ups where ticket_id = %L$$, :'ticket_id'),
  $$values ('checked_in'::text, '2026-12-07 10:01:00+00'::timestamptz)$$, 'the close is due 48 h after the check-in went out');
select is(app_private.run_follow_ups('2026-12-07 10:00:00+00') ->> 'closed', '0', 'not closed before then');
select is(app_private.run_follow_ups('2026-12-07 10:01:00+00') ->> 'closed', '1', 'then it is closed');
select results_eq(
  format($$select t.status::text, f.status::text, r.follow_up_kind::text
           from public.tickets t join public.ticket_follow_ups f on f.ticket_id = t.id
           join public.responses r on r.id = f.closing_response_id where t.id = %L$$, :'ticket_id'),
  $$values ('closed'::text, 'closed'::text, 'closing'::text)$$, 'the ticket is closed and the closing message queued');

select * from finish();
rollback;
