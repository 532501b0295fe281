-- "/ticket reply": any agent of the ticket's team (not only the assignee) answers the
-- customer; the answer is a responses row by that agent on the ticket's channel, logged as
-- agent_answered and queued for the send stage at commit. Another team's agent, a Slack user
-- who is no agent, an empty answer and a closed ticket are refused and nothing is stored.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'junior') as ethan \gset
select tests.create_agent_user(team_id => :'other_team', skill_level => 'expert') as liam \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()) where id in (:'mia', :'ethan', :'liam');
select (select slack_user_id from public.agents where id = :'ethan') as ethan_slack,
       (select slack_user_id from public.agents where id = :'liam') as liam_slack \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia',
  channel => 'slack') as ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'closed', team_id => :'team_id') as closed_ticket \gset
select ticket_number as number from public.tickets where id = :'ticket' \gset
select ticket_number as closed_number from public.tickets where id = :'closed_ticket' \gset
select tests.authenticate_as_service_role();

-- TEST: refused, and nothing stored
select matches(app_private.slack_console(:'liam_slack', 'reply', jsonb_build_object('ticket_number', :number,
  'text', 'Hello')) ->> 'text', 'belongs to another team', 'another team''s agent is refused');
select matches(app_private.slack_console('U0NOBODY', 'reply', jsonb_build_object('ticket_number', :number,
  'text', 'Hello')) ->> 'text', '^You are not an agent in ISTS', 'a Slack user who is no agent is refused');
select matches(app_private.slack_console(:'ethan_slack', 'reply', jsonb_build_object('ticket_number', :number,
  'text', E' \n', 'source', jsonb_build_object('via', 'slack_command'))) ->> 'text',
  '^Nothing to send: write the answer after the ticket number', 'an empty answer is refused');
select matches(app_private.slack_console(:'ethan_slack', 'reply', jsonb_build_object('ticket_number', :closed_number,
  'text', 'Hello')) ->> 'text', '^#T-\d+ is closed; nothing was sent\.$', 'a closed ticket is not answered');
select is((select count(*) from public.responses where ticket_id in (:'ticket', :'closed_ticket')), 0::bigint,
  'no answer was stored');

-- TEST: a junior teammate answers
select is(app_private.slack_console(:'ethan_slack', 'reply', jsonb_build_object('ticket_number', :number,
  'text', E'Hi, please restart the app.\n', 'source', jsonb_build_object('via', 'slack_command'))) ->> 'text',
  format('Your answer to #T-%s is on its way in the customer''s Slack thread.', :number),
  'the teammate is told where the answer goes');
select results_eq(
  format($$select direction::text, channel::text, sender_type::text, sender_id, body, was_ai_generated, review_status::text
           from public.responses where ticket_id = %L$$, :'ticket'),
  format($$values ('outbound'::text, 'slack'::text, 'agent'::text, %L::uuid, 'Hi, please restart the app.'::text, false, null::text)$$, :'ethan'),
  'an agent''s answer by Ethan on the ticket''s channel');
set constraints all immediate;
select results_eq(
  format($$select e.actor_id, e.event_data ->> 'via', j.stage from public.ticket_events e
           join app_private.jobs j on j.ticket_id = e.ticket_id and j.stage = 'send'
           where e.ticket_id = %L and e.event_type = 'agent_answered'$$, :'ticket'),
  format($$values (%L::uuid, 'slack_command'::text, 'send'::text)$$, :'ethan'),
  'logged as agent_answered, and queued for sending at commit');

select * from finish();
rollback;
