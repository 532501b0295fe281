-- Edit from Slack: the edited text becomes the body that is sent, the AI's draft is kept in
-- draft_body and edit_distance counts the characters changed; an "edit" that changes nothing
-- is an approval; an empty text is refused at the window's field and changes nothing. Any
-- path that changes a draft's text while approving it (Studio) is recorded the same way.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
update public.agents set name = 'Mia', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'mia';
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
select tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia') as ticket \gset
select tests.create_ticket(tests.create_customer(name => 'Kim Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia') as other_ticket \gset
select tests.create_ticket(tests.create_customer(name => 'Lee Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia') as studio_ticket \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket', 'outbound', 'email', 'Hi Sam, restart the app.', 'ai', true, true)
returning id as draft \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'other_ticket', 'outbound', 'email', 'Hi Kim, it works now.', 'ai', true, true)
returning id as same_draft \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'studio_ticket', 'outbound', 'email', 'Hi Lee, try again.', 'ai', true, true)
returning id as studio_draft \gset
select tests.authenticate_as_service_role();

-- TEST: an empty text is refused at the window's field
select results_eq(
  format($$select a ->> 'ok', a ->> 'field' from app_private.slack_console(%L, 'edit_draft',
           jsonb_build_object('response_id', %L, 'text', '  ')) a$$, :'mia_slack', :'draft'),
  $$values ('false'::text, 'draft_text'::text)$$, 'an empty answer is refused, naming the field');
select is((select review_status::text from public.responses where id = :'draft'), 'pending', 'the draft still waits');

-- TEST: the edited text is what is sent; the draft is kept
select is(app_private.slack_console(:'mia_slack', 'edit_draft', jsonb_build_object('response_id', :'draft',
  'text', E'Hi Sam, please restart the app.\n', 'expected', jsonb_build_object('assignee', :'mia'))) ->> 'edit_distance',
  '7', 'the answer says how many characters changed');
select results_eq(
  format($$select review_status::text, body, draft_body, edit_distance, reviewed_by from public.responses where id = %L$$, :'draft'),
  format($$values ('edited'::text, 'Hi Sam, please restart the app.'::text, 'Hi Sam, restart the app.'::text, 7, %L::uuid)$$, :'mia'),
  'edited: the body is the edited text, draft_body the AI''s draft, 7 characters changed');
select results_eq(
  format($$select actor_id, (event_data ->> 'edit_distance')::integer from public.ticket_events
           where ticket_id = %L and event_type = 'draft_edited'$$, :'ticket'),
  format($$values (%L::uuid, 7)$$, :'mia'), 'a draft_edited event with the edit distance');

-- TEST: an edit that changes nothing is an approval
select app_private.slack_console(:'mia_slack', 'edit_draft', jsonb_build_object('response_id', :'same_draft',
  'text', 'Hi Kim, it works now.')) as same_answer \gset
select results_eq(
  format($$select review_status::text, edit_distance, draft_body from public.responses where id = %L$$, :'same_draft'),
  $$values ('approved'::text, 0, null::text)$$, 'unchanged: approved as written');

-- TEST: Studio approving with a changed text is recorded as an edit too
update public.responses set body = 'Hi Lee, please try again.', review_status = 'approved', reviewed_by = :'mia'
where id = :'studio_draft';
select results_eq(
  format($$select review_status::text, draft_body, edit_distance, reviewed_at is not null from public.responses where id = %L$$, :'studio_draft'),
  $$values ('edited'::text, 'Hi Lee, try again.'::text, 7, true)$$,
  'an approval with a new text is an edit, with its distance and time');

-- TEST: both are queued for sending at commit
set constraints all immediate;
select is((select count(*) from app_private.jobs where stage = 'send'
           and payload ->> 'response_id' in (:'draft', :'same_draft', :'studio_draft')), 3::bigint,
  'every approved or edited draft is queued for sending');

select * from finish();
rollback;
