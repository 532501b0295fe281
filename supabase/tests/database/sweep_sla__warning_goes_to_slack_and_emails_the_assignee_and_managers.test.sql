-- At 80 % the warning goes to the team channel in Slack and by e-mail to the assignee and the
-- team's managers (e-mails stay in the outbox until mail delivery is configured).
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM' where id = :'team_id';
select tests.create_agent_user(team_id => :'team_id', email => 'pgtap-assignee-' || tests.unique_suffix() || '@example.com') as agent_id \gset
select tests.create_agent_user(team_id => :'team_id', email => 'pgtap-manager-' || tests.unique_suffix() || '@example.com') as manager_id \gset
update public.agents set role = 'manager' where id = :'manager_id';
select tests.create_agent_user(team_id => :'team_id') as colleague_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', priority => 'high', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2026-01-05 09:00+00') as ticket_id \gset
insert into public.sla_tracking (ticket_id, priority) values (:'ticket_id', 'high');

-- TEST: high = 4 h first response: 80 % at 12:12
select is(app_private.sweep_sla('2026-01-05 12:12+00'), '{"info": 0, "warning": 1, "breach": 0}'::jsonb,
  'a ticket first seen at 80 % gets the warning only');
select results_eq(
  format($$select n.channel::text, n.target from public.notifications n where n.ticket_id = %L and n.kind = 'sla_warning' order by 1, 2$$, :'ticket_id'),
  format($$values ('email'::text, %L::text), ('email', %L), ('slack', 'CTEAM')$$,
         (select email from public.agents where id = :'agent_id'), (select email from public.agents where id = :'manager_id')),
  'Slack to the team channel, e-mail to the assignee and the manager, not to other agents'
);
select ok((select count(*) = 1 from app_private.jobs where ticket_id = :'ticket_id' and stage = 'notify' and status = 'queued'),
  'one notify job delivers them');

select * from finish();
rollback;
