-- A pending AI draft writes one answer_draft notification (and a notify job); an answer sent
-- automatically writes none. Where it is posted is decided once: in the thread of the
-- ticket's posted message (a channel's before a direct message's), waiting while that message
-- is still to be posted, else the team channel; a later attempt finds the same place.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'C' || upper(tests.unique_suffix()) where id = :'team_id';
select slack_channel_id as team_channel from public.teams where id = :'team_id' \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia') as ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia') as lone_ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia') as dm_ticket \gset
-- The ticket's "New Ticket" messages: the team channel's (not posted yet) and the assignee's DM.
insert into public.notifications (ticket_id, kind, channel, target, created_at)
values (:'ticket', 'ticket_assigned', 'slack', :'team_channel', now() - interval '1 minute') returning id as team_post \gset
insert into public.notifications (ticket_id, kind, channel, target, status, external_id, payload, created_at)
values (:'ticket', 'ticket_assigned', 'slack', 'U0MIA', 'sent', '1800000000.000001', '{"posted_channel": "D0MIA"}',
        now() - interval '1 minute');
insert into public.notifications (ticket_id, kind, channel, target, status, external_id, payload, created_at)
values (:'dm_ticket', 'ticket_assigned', 'slack', 'U0MIA', 'sent', '1800000000.000009', '{"posted_channel": "D0MIA"}',
        now() - interval '1 minute');

-- TEST: a draft writes one answer_draft notification; an automatic answer none
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket', 'outbound', 'email', 'Hi, a draft.', 'ai', true, true) returning id as draft \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket', 'outbound', 'email', 'Hi, sent at once.', 'ai', true, false);
select results_eq(
  format($$select target, payload ->> 'response_id' from public.notifications where ticket_id = %L and kind = 'answer_draft'$$, :'ticket'),
  format($$values (%L::text, %L::text)$$, :'team_channel', :'draft'),
  'one answer_draft notification for the draft, to the team channel');
select is((select count(*) from app_private.jobs where stage = 'notify' and ticket_id = :'ticket' and status = 'queued'),
  1::bigint, 'the notify stage is queued');
select id as draft_note from public.notifications where ticket_id = :'ticket' and kind = 'answer_draft' \gset

-- TEST: it waits for the team channel's message, then goes into its thread, for good
select is(app_private.pin_answer_draft_thread(:'draft_note') ->> 'wait', 'true', 'it waits while the team message is not posted');
update public.notifications set status = 'sent', external_id = '1800000000.000100', payload = '{"posted_channel": "C0POSTED"}'
where id = :'team_post';
select results_eq(
  format($$select p ->> 'channel', p ->> 'thread_ts' from app_private.pin_answer_draft_thread(%L) p$$, :'draft_note'),
  $$values ('C0POSTED'::text, '1800000000.000100'::text)$$,
  'then in the thread of the team channel''s message, not the DM''s');
insert into public.notifications (ticket_id, kind, channel, target, status, external_id)
values (:'ticket', 'ticket_assigned', 'slack', :'team_channel', 'sent', '1800000000.000500');
select results_eq(
  format($$select p ->> 'channel', p ->> 'thread_ts' from app_private.pin_answer_draft_thread(%L) p$$, :'draft_note'),
  $$values ('C0POSTED'::text, '1800000000.000100'::text)$$,
  'a later attempt finds the same thread, whatever was posted since');

-- TEST: without a channel message: the DM's thread; without any: the team channel
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'dm_ticket', 'outbound', 'email', 'Hi, a draft.', 'ai', true, true);
select results_eq(
  format($$select p ->> 'channel', p ->> 'thread_ts' from public.notifications n,
           app_private.pin_answer_draft_thread(n.id) p where n.ticket_id = %L and n.kind = 'answer_draft'$$, :'dm_ticket'),
  $$values ('D0MIA'::text, '1800000000.000009'::text)$$, 'the direct message''s thread when it is the only one');
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'lone_ticket', 'outbound', 'email', 'Hi, a draft.', 'ai', true, true);
select results_eq(
  format($$select p ->> 'channel', p ->> 'thread_ts' from public.notifications n,
           app_private.pin_answer_draft_thread(n.id) p where n.ticket_id = %L and n.kind = 'answer_draft'$$, :'lone_ticket'),
  format($$values (%L::text, null::text)$$, :'team_channel'), 'the team channel itself without a posted message');
select is((select payload ->> 'thread_pinned' from public.notifications where ticket_id = :'lone_ticket' and kind = 'answer_draft'),
  'true', 'the decision is kept on the notification');

select * from finish();
rollback;
