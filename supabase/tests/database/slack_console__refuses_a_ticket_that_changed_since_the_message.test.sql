-- A Slack action on a ticket that is no longer as the message showed it (another assignee,
-- resolved meanwhile), or by someone who is not an agent, is refused with an explanation and
-- changes nothing.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as liam \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
select tests.create_agent_user(team_id => :'team_id') as ethan \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()), name = 'Liam' where id = :'liam';
update public.agents set name = 'Mia' where id = :'mia';
select slack_user_id as liam_slack from public.agents where id = :'liam' \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia') as ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'resolved', team_id => :'team_id') as done_ticket \gset
select tests.authenticate_as_service_role();
select count(*) as events_before from public.ticket_events \gset
select count(*) as notifications_before from public.notifications \gset

-- TEST: the message showed Liam as the assignee, but Mia has it now
select is(
  app_private.slack_console(:'liam_slack', 'reassign', jsonb_build_object('ticket_id', :'ticket',
    'expected', jsonb_build_object('assignee', :'liam', 'status', 'assigned'))) ->> 'ok',
  'false', 'a reassignment of a ticket whose assignee changed is refused');
select matches(
  app_private.slack_console(:'liam_slack', 'escalate', jsonb_build_object('ticket_id', :'ticket',
    'expected', jsonb_build_object('assignee', '', 'status', 'queued'))) ->> 'text',
  '^#T-\d+ is now assigned to Mia \(the message showed it queued\); nothing was changed\.$',
  'the explanation says who has it now and what the message showed');
select matches(
  app_private.slack_console(:'liam_slack', 'reassign', jsonb_build_object('ticket_id', :'done_ticket',
    'expected', jsonb_build_object('assignee', '', 'status', 'queued'))) ->> 'text',
  'was resolved meanwhile; nothing was changed', 'a resolved ticket is not reassigned');
select matches(
  app_private.slack_console('U0NOTANAGENT', 'resolve', jsonb_build_object('ticket_id', :'ticket')) ->> 'text',
  '^You are not an agent in ISTS', 'a Slack user who is no agent is told so');
select is((select assigned_to from public.tickets where id = :'ticket'), :'mia'::uuid, 'the ticket keeps its assignee');
select is((select count(*) from public.ticket_events), :'events_before'::bigint, 'no event is logged');
select is((select count(*) from public.notifications), :'notifications_before'::bigint, 'nothing is sent');

select * from finish();
rollback;
