-- Who decides a draft from Slack: its ticket's assignee, a senior agent or a manager of the
-- ticket's team. A junior teammate, another team's senior and a Slack user who is no agent
-- are refused with who may, and the draft keeps waiting; the check before the Edit window
-- opens follows the same rule and hands the allowed reviewer the draft.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as other_team \gset
update public.teams set name = 'Draft Team ' || tests.unique_suffix() where id = :'team_id';
select name as team_name from public.teams where id = :'team_id' \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'junior') as ethan \gset
select tests.create_agent_user(team_id => :'team_id') as grace \gset
select tests.create_agent_user(team_id => :'other_team', skill_level => 'expert') as liam \gset
update public.agents set name = 'Mia', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'mia';
update public.agents set name = 'Ethan', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'ethan';
update public.agents set name = 'Grace', role = 'manager', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'grace';
update public.agents set name = 'Liam', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'liam';
select (select slack_user_id from public.agents where id = :'mia') as mia_slack,
       (select slack_user_id from public.agents where id = :'ethan') as ethan_slack,
       (select slack_user_id from public.agents where id = :'grace') as grace_slack,
       (select slack_user_id from public.agents where id = :'liam') as liam_slack \gset
select tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia') as ticket \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket', 'outbound', 'email', 'Hi Sam, here is how.', 'ai', true, true) returning id as draft \gset
select tests.authenticate_as_service_role();

-- TEST: refused: a junior teammate, another team, someone who is no agent
select is(app_private.slack_console(:'ethan_slack', 'approve_draft', jsonb_build_object('response_id', :'draft')) ->> 'text',
  format('Only Mia (the assignee), a senior agent or a manager of %s may approve the AI draft for #T-%s; nothing was changed.',
         :'team_name', (select ticket_number from public.tickets where id = :'ticket')),
  'a junior teammate is told who may approve');
select matches(app_private.slack_console(:'liam_slack', 'reject_draft', jsonb_build_object('response_id', :'draft',
  'reason', 'no')) ->> 'text', '^#T-\d+ belongs to another team; only that team can see or change it\. Nothing was changed\.$',
  'another team''s expert is refused');
select matches(app_private.slack_console('U0NOBODY', 'approve_draft', jsonb_build_object('response_id', :'draft')) ->> 'text',
  '^You are not an agent in ISTS', 'a Slack user who is no agent is refused');
select matches(app_private.slack_console(:'ethan_slack', 'review_draft', jsonb_build_object('response_id', :'draft',
  'decision', 'edit')) ->> 'text', 'may edit and send the AI draft for', 'the junior cannot open the Edit window either');
select is((select review_status::text from public.responses where id = :'draft'), 'pending', 'the draft still waits');

-- TEST: allowed: the assignee opens the Edit window with the draft; a manager approves
select is(app_private.slack_console(:'mia_slack', 'review_draft', jsonb_build_object('response_id', :'draft',
  'decision', 'edit')) -> 'draft' ->> 'body', 'Hi Sam, here is how.', 'the assignee gets the draft to edit');
select is(app_private.slack_console(:'grace_slack', 'approve_draft', jsonb_build_object('response_id', :'draft')) ->> 'ok',
  'true', 'a manager of the team approves');
select is((select reviewed_by from public.responses where id = :'draft'), :'grace'::uuid, 'the manager is the reviewer');

select * from finish();
rollback;
