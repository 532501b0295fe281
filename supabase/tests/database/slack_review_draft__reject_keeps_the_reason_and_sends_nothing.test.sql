-- Reject from Slack: a reason is required (refused at the window's field otherwise); the
-- rejected draft keeps its text and the reason (review_note), logs a draft_rejected event,
-- updates its posted message, and nothing is queued for sending.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as ava \gset
update public.agents set name = 'Ava', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'ava';
select slack_user_id as ava_slack from public.agents where id = :'ava' \gset
select tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'queued', team_id => :'team_id') as ticket \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket', 'outbound', 'email', 'Hi Sam, we will refund you.', 'ai', true, true)
returning id as draft \gset
update public.notifications set status = 'sent', external_id = '1800000000.000300'
where ticket_id = :'ticket' and kind = 'answer_draft';
select tests.authenticate_as_service_role();

-- TEST: a reason is required
select is(app_private.slack_console(:'ava_slack', 'reject_draft', jsonb_build_object('response_id', :'draft',
  'reason', '')) ->> 'field', 'reject_reason', 'a rejection without a reason is refused at its field');

-- TEST: a senior rejects the queued ticket's draft with a reason
select matches(app_private.slack_console(:'ava_slack', 'reject_draft', jsonb_build_object('response_id', :'draft',
  'reason', E' Promises a refund we do not give.\n', 'expected', jsonb_build_object('assignee', ''))) ->> 'text',
  '^Rejected: nothing was sent to the customer of #T-\d+\. Answer with `>> …` in the thread or `/ticket reply \d+ …`\.$',
  'the answer says nothing was sent and how to answer instead');
select results_eq(
  format($$select review_status::text, review_note, reviewed_by, body, edit_distance from public.responses where id = %L$$, :'draft'),
  format($$values ('rejected'::text, 'Promises a refund we do not give.'::text, %L::uuid, 'Hi Sam, we will refund you.'::text, null::integer)$$, :'ava'),
  'rejected by Ava with the reason; the draft keeps its text');
select is((select event_data ->> 'review_note' from public.ticket_events where ticket_id = :'ticket' and event_type = 'draft_rejected'),
  'Promises a refund we do not give.', 'a draft_rejected event with the reason');
select is((select count(*) from public.notifications where ticket_id = :'ticket' and kind = 'answer_draft_updated'
           and payload ->> 'ts' = '1800000000.000300'), 1::bigint, 'the posted message is updated');

-- TEST: nothing is sent
set constraints all immediate;
select is((select count(*) from app_private.jobs where stage = 'send' and ticket_id = :'ticket'), 0::bigint,
  'no send job for a rejected draft');

select * from finish();
rollback;
