-- Who may do what from Slack: an agent of another team can neither read nor change a ticket
-- (the hole: a junior of another team read, downgraded and resolved an escalated ticket);
-- within the team anyone reads the status, escalates and takes a queued ticket, while
-- resolving, setting the priority, reassigning and taking over a colleague's ticket are for
-- the assignee, a senior agent or a manager. Refusals explain themselves and change nothing.
begin;
set local search_path = extensions, public;
select plan(19);

-- SETUP: Billing (Mia mid, Noah mid, Ava senior, Grace a manager) and another team's junior
select tests.create_team('Billing') as billing \gset
select tests.create_team('Other') as other_team \gset
select tests.create_agent_user(team_id => :'billing', skill_level => 'mid') as mia \gset
select tests.create_agent_user(team_id => :'billing', skill_level => 'mid') as noah \gset
select tests.create_agent_user(team_id => :'billing', skill_level => 'senior') as ava \gset
select tests.create_agent_user(team_id => :'billing', skill_level => 'mid') as grace \gset
select tests.create_agent_user(team_id => :'other_team', skill_level => 'junior') as ethan \gset
update public.agents set role = 'manager' where id = :'grace';
update public.agents a set slack_user_id = 'U' || upper(tests.unique_suffix()), name = v.name
from (values (:'mia'::uuid, 'Mia'), (:'noah'::uuid, 'Noah'), (:'ava'::uuid, 'Ava'), (:'grace'::uuid, 'Grace'),
             (:'ethan'::uuid, 'Ethan')) v(id, name)
where a.id = v.id;
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
select slack_user_id as noah_slack from public.agents where id = :'noah' \gset
select slack_user_id as ava_slack from public.agents where id = :'ava' \gset
select slack_user_id as grace_slack from public.agents where id = :'grace' \gset
select slack_user_id as ethan_slack from public.agents where id = :'ethan' \gset
select tests.create_ticket(tests.create_customer(tier => 'vip'), status => 'assigned', priority => 'urgent',
  team_id => :'billing', assigned_to => :'ava') as escalated \gset
update public.tickets set is_escalated = true, escalation_reasons = '{vip_customer}', subject = 'Refund of 4,000 EUR'
where id = :'escalated';
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'billing', assigned_to => :'mia') as mias \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'billing', assigned_to => :'mia') as mias_too \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'billing') as queued \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'billing') as queued_too \gset
select tests.authenticate_as_service_role();
select count(*) as events_before from public.ticket_events \gset
select count(*) as notifications_before from public.notifications \gset

-- TEST: an agent of another team reads and changes nothing
select is(app_private.slack_console(:'ethan_slack', 'status', jsonb_build_object('ticket_id', :'escalated')),
  jsonb_build_object('ok', false, 'text', format('#T-%s belongs to another team; only that team can see or change it. Nothing was changed.',
    (select ticket_number from public.tickets where id = :'escalated')), 'ticket_id', null, 'ticket_number', null),
  'another team''s agent cannot read the status (and learns nothing about it)');
select is(app_private.slack_console(:'ethan_slack', 'priority', jsonb_build_object('ticket_id', :'escalated', 'priority', 'low')) ->> 'ok',
  'false', 'nor downgrade it');
select is(app_private.slack_console(:'ethan_slack', 'resolve', jsonb_build_object('ticket_id', :'escalated')) ->> 'ok',
  'false', 'nor resolve it');
select is(app_private.slack_console(:'ethan_slack', 'escalate', jsonb_build_object('ticket_id', :'mias')) ->> 'ok',
  'false', 'nor escalate another team''s ticket');
select is(app_private.slack_console(:'ethan_slack', 'assign_me', jsonb_build_object('ticket_id', :'queued')) ->> 'ok',
  'false', 'nor take a ticket from its queue');
select matches(app_private.slack_console('U0NOBODY', 'resolve', jsonb_build_object('ticket_id', :'escalated')) ->> 'text',
  '^You are not an agent in ISTS, so nothing was changed', 'a Slack user who is no agent is refused');

-- TEST: a mid-level teammate reads and escalates, but does not change a colleague's ticket
select is(app_private.slack_console(:'noah_slack', 'status', jsonb_build_object('ticket_id', :'escalated')) ->> 'ok',
  'true', 'a teammate reads the status');
select is(app_private.slack_console(:'noah_slack', 'resolve', jsonb_build_object('ticket_id', :'mias')) ->> 'text',
  format('Only Mia (the assignee), a senior agent or a manager of %s may resolve #T-%s; nothing was changed.',
    (select name from public.teams where id = :'billing'), (select ticket_number from public.tickets where id = :'mias')),
  'a mid-level teammate may not resolve Mia''s ticket, and is told who may');
select is(app_private.slack_console(:'noah_slack', 'priority', jsonb_build_object('ticket_id', :'mias', 'priority', 'low')) ->> 'ok',
  'false', 'nor change its priority');
select is(app_private.slack_console(:'noah_slack', 'reassign', jsonb_build_object('ticket_id', :'mias')) ->> 'ok',
  'false', 'nor reassign it');
select matches(app_private.slack_console(:'noah_slack', 'assign_me', jsonb_build_object('ticket_id', :'mias')) ->> 'text',
  'may take over #T-\d+; nothing was changed', 'nor take it over');
select results_eq(
  format($$select (select count(*) from public.ticket_events) - %s, (select count(*) from public.notifications) - %s$$,
         :events_before, :notifications_before),
  $$values (0::bigint, 0::bigint)$$, 'the refusals wrote no event and no message');
select results_eq(
  format($$select status::text, priority::text, assigned_to from public.tickets where id in (%L, %L) order by priority$$,
         :'escalated', :'mias'),
  format($$values ('assigned'::text, 'medium'::text, %L::uuid), ('assigned', 'urgent', %L::uuid)$$, :'mia', :'ava'),
  'and changed no ticket');
select is(app_private.slack_console(:'noah_slack', 'assign_me', jsonb_build_object('ticket_id', :'queued')) ->> 'ok',
  'true', 'a teammate takes a queued ticket');
select is(app_private.slack_console(:'noah_slack', 'reassign', jsonb_build_object('ticket_id', :'queued_too', 'target_agent_id', :'noah')) ->> 'ok',
  'true', 'picking oneself from the teammates menu takes a queued ticket too');
select is(app_private.slack_console(:'noah_slack', 'escalate', jsonb_build_object('ticket_id', :'mias')) ->> 'ok',
  'true', 'and escalates a colleague''s ticket');

-- TEST: seniors and managers change the team's tickets
select is(app_private.slack_console(:'ava_slack', 'resolve', jsonb_build_object('ticket_id', :'mias_too')) ->> 'ok',
  'true', 'a senior resolves a colleague''s ticket');
select is(app_private.slack_console(:'grace_slack', 'priority', jsonb_build_object('ticket_id', :'escalated', 'priority', 'high')) ->> 'ok',
  'true', 'a manager sets the priority of a colleague''s ticket');
select is(app_private.slack_console(:'mia_slack', 'priority', jsonb_build_object('ticket_id', :'mias_too', 'priority', 'low')) ->> 'text',
  format('#T-%s was resolved already; nothing was changed.', (select ticket_number from public.tickets where id = :'mias_too')),
  'the assignee acts on her own ticket (here: it was resolved meanwhile)');

select * from finish();
rollback;
