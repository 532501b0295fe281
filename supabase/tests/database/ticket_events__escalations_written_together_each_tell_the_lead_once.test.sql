-- Escalated events written by one statement (as the SLA sweep writes them) each tell the
-- team lead's channel (or the team channel) why, naming the agent who escalated; each ticket
-- gets one notify job; the other events of the statement tell no one.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP: two tickets of a team with a lead channel, one of a team without
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM', lead_slack_channel_id = 'CLEAD' where id = :'team_id';
select tests.create_team() as plain_team_id \gset
update public.teams set slack_channel_id = 'CPLAIN' where id = :'plain_team_id';
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
update public.agents set name = 'Noor' where id = :'agent_id';
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id') as first_ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id') as second_ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'plain_team_id') as plain_ticket \gset
delete from app_private.jobs where ticket_id in (:'first_ticket', :'second_ticket', :'plain_ticket');

-- TEST
insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id) values
  (:'first_ticket', 'escalated', '{"reasons": ["sla_breach"]}', 'system', null),
  (:'first_ticket', 'sla_breached', '{"deadline_kind": "resolution"}', 'system', null),
  (:'second_ticket', 'escalated', '{"reasons": ["agent_escalated"]}', 'agent', :'agent_id'),
  (:'plain_ticket', 'escalated', '{"reasons": ["vip_customer", "urgent_priority"]}', 'system', null),
  (:'plain_ticket', 'assigned', '{}', 'system', null);
select results_eq(
  format($$select ticket_id, target, payload ->> 'text' like '%%escalated (' || reasons || ')' || suffix || ': pgTAP ticket'
           from public.notifications n
           join (values (1, %L::uuid, 'sla_breach', ''), (2, %L, 'agent_escalated', ' by Noor'),
                        (3, %L, 'vip_customer, urgent_priority', '')) x(ordinal, ticket, reasons, suffix) on x.ticket = n.ticket_id
           where n.kind = 'ticket_escalated' order by x.ordinal$$, :'first_ticket', :'second_ticket', :'plain_ticket'),
  format($$values (%L::uuid, 'CLEAD'::text, true), (%L, 'CLEAD', true), (%L, 'CPLAIN', true)$$,
         :'first_ticket', :'second_ticket', :'plain_ticket'),
  'one message per escalation, to the lead channel (or the team channel), with the reasons and the agent'
);
select is((select count(*) from public.notifications where ticket_id in (:'first_ticket', :'second_ticket', :'plain_ticket')),
  3::bigint, 'the other events send nothing');
select results_eq(
  format($$select ticket_id, count(*) from app_private.jobs where stage = 'notify' and status = 'queued'
           and ticket_id in (%L, %L, %L) group by ticket_id order by ticket_id$$, :'first_ticket', :'second_ticket', :'plain_ticket'),
  format($$select t::uuid, 1::bigint from unnest(array[%L, %L, %L]) t order by t::uuid$$,
         :'first_ticket', :'second_ticket', :'plain_ticket'),
  'one notify job per ticket'
);

select * from finish();
rollback;
