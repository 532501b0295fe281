-- A deliverable answer (an agent's, or an AI answer approved or auto-sent) queues the send
-- stage when its transaction commits, with its id and delivery_status 'queued'; a pending
-- draft, a rejected one and an inbound reply queue nothing; approving the draft later does.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'ticket_id', 'outbound', 'email', 'Hi, here is the fix.', 'agent', :'agent_id')
returning id as agent_answer \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket_id', 'outbound', 'email', 'Hi, a draft.', 'ai', true, true)
returning id as draft_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type)
values (:'ticket_id', 'inbound', 'email', 'Thanks!', 'customer');

-- TEST: at commit (constraints made immediate here) only the agent's answer is queued
set constraints all immediate;
select results_eq(
  format($$select payload ->> 'response_id' from app_private.jobs where stage = 'send' and ticket_id = %L$$, :'ticket_id'),
  format($$values (%L::text)$$, :'agent_answer'),
  'one send job carries the agent''s answer');
select is((select delivery_status::text from public.responses where id = :'agent_answer'), 'queued',
  'the agent''s answer is queued for delivery');
select is((select delivery_status::text from public.responses where id = :'draft_id'), null,
  'the pending draft is not');

-- TEST: approving the draft queues it too (the same ticket's waiting job carries both)
set constraints all deferred;
update public.responses set review_status = 'approved', ai_draft = false, reviewed_by = :'agent_id',
  reviewed_at = now() where id = :'draft_id';
set constraints all immediate;
select is((select delivery_status::text from public.responses where id = :'draft_id'), 'queued',
  'the approved draft is queued');
select is((select count(*)::int from app_private.jobs where stage = 'send' and ticket_id = :'ticket_id'
           and status = 'queued'), 1, 'one waiting send job serves the ticket');

-- TEST: a rejected draft never is
set constraints all deferred;
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft,
                              review_status, reviewed_by, reviewed_at)
values (:'ticket_id', 'outbound', 'email', 'Hi, rejected.', 'ai', true, true, 'rejected', :'agent_id', now())
returning id as rejected_id \gset
set constraints all immediate;
select is((select delivery_status::text from public.responses where id = :'rejected_id'), null,
  'a rejected draft is not queued');

select * from finish();
rollback;
