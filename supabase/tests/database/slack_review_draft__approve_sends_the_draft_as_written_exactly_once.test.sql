-- Approve & send from Slack: the assignee's approval stores the decision on the draft
-- (approved, reviewer, time, edit distance 0, the text unchanged), logs a draft_approved event,
-- queues one send job at commit and an update of the posted draft message; a second approval
-- is refused and queues nothing more.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'C' || upper(tests.unique_suffix()) where id = :'team_id';
select tests.create_agent_user(team_id => :'team_id') as mia \gset
update public.agents set name = 'Mia', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'mia';
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
select tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia') as ticket \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, model_name)
values (:'ticket', 'outbound', 'email', 'Hi Sam, restart the app.', 'ai', true, true, 'local-template')
returning id as draft \gset
-- The draft's message was posted (as the notify stage records it).
update public.notifications set status = 'sent', external_id = '1800000000.000200',
  payload = payload || '{"posted_channel": "C0POSTED"}'
where ticket_id = :'ticket' and kind = 'answer_draft';
select tests.authenticate_as_service_role();

-- TEST: the assignee approves
select is(app_private.slack_console(:'mia_slack', 'approve_draft', jsonb_build_object('response_id', :'draft',
  'expected', jsonb_build_object('assignee', :'mia'))) ->> 'ok', 'true', 'the approval is accepted');
select results_eq(
  format($$select review_status::text, reviewed_by, reviewed_at is not null, edit_distance, body, draft_body
           from public.responses where id = %L$$, :'draft'),
  format($$values ('approved'::text, %L::uuid, true, 0, 'Hi Sam, restart the app.'::text, null::text)$$, :'mia'),
  'approved by Mia as written: edit distance 0, the text unchanged');
select results_eq(
  format($$select actor_type::text, actor_id, event_data ->> 'via', event_data ->> 'response_id'
           from public.ticket_events where ticket_id = %L and event_type = 'draft_approved'$$, :'ticket'),
  format($$values ('agent'::text, %L::uuid, 'slack'::text, %L::text)$$, :'mia', :'draft'),
  'a draft_approved event by Mia, from Slack');
select results_eq(
  format($$select target, payload ->> 'ts' from public.notifications
           where ticket_id = %L and kind = 'answer_draft_updated'$$, :'ticket'),
  $$values ('C0POSTED'::text, '1800000000.000200'::text)$$,
  'the posted draft message is updated in place');

-- TEST: at commit the answer is queued for sending once
set constraints all immediate;
select results_eq(
  format($$select payload ->> 'response_id' from app_private.jobs where stage = 'send' and ticket_id = %L$$, :'ticket'),
  format($$values (%L::text)$$, :'draft'),
  'one send job carries the approved draft');

-- TEST: a second approval is refused and changes nothing
set constraints all deferred;
select count(*) as events_before from public.ticket_events where ticket_id = :'ticket' \gset
select matches(app_private.slack_console(:'mia_slack', 'approve_draft', jsonb_build_object('response_id', :'draft',
  'expected', jsonb_build_object('assignee', :'mia'))) ->> 'text',
  '^The draft for #T-\d+ was already approved by Mia on \d\d \w+ at \d\d:\d\d UTC; nothing was changed\.$',
  'the second approval is told who approved it');
set constraints all immediate;
select is((select count(*) from app_private.jobs where stage = 'send' and ticket_id = :'ticket'), 1::bigint,
  'still one send job');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket'), :'events_before'::bigint,
  'no event is logged for the refusal');

select * from finish();
rollback;
