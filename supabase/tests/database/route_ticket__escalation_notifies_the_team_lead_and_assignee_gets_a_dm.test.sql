-- An escalated ticket tells the team lead's channel (the team channel when there is none),
-- and the assigned agent gets a direct message next to the team channel post.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
update public.teams set slack_channel_id = 'CTEAM', lead_slack_channel_id = 'CLEAD' where id = :'team_id';
select tests.create_team() as plain_team \gset
update public.teams set slack_channel_id = 'CPLAIN' where id = :'plain_team';
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP vip', 'billing', :'team_id', -1000000), ('pgTAP plain', 'technical', :'plain_team', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as senior_agent \gset
update public.agents set slack_user_id = 'USENIOR' where id = :'senior_agent';
select tests.create_agent_user(team_id => :'plain_team', skill_level => 'expert') as plain_agent \gset
select tests.create_customer(tier => 'vip') as vip_customer \gset
select tests.create_analyzed_ticket(:'vip_customer', category => 'billing') as vip_ticket \gset
select tests.create_analyzed_ticket(:'vip_customer', category => 'technical') as plain_ticket \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(:'vip_ticket');
select app_private.route_ticket(:'plain_ticket');
select results_eq(format($$select target::text from public.notifications where ticket_id = %L and kind = 'ticket_escalated'$$, :'vip_ticket'),
  $$values ('CLEAD'::text)$$, 'the escalation goes to the lead channel');
select matches((select payload ->> 'text' from public.notifications where ticket_id = :'vip_ticket' and kind = 'ticket_escalated'),
  'vip_customer', 'it names the reason');
select results_eq(format($$select target::text from public.notifications where ticket_id = %L and kind = 'ticket_escalated'$$, :'plain_ticket'),
  $$values ('CPLAIN'::text)$$, 'without a lead channel it goes to the team channel');
select results_eq(format($$select target::text from public.notifications where ticket_id = %L and kind = 'ticket_assigned' order by target$$, :'vip_ticket'),
  $$values ('CTEAM'::text), ('USENIOR'::text)$$, 'the team channel and the assignee are told');
select is((select count(*) from public.notifications where ticket_id = :'plain_ticket' and kind = 'ticket_assigned'), 1::bigint,
  'an assignee without a Slack user id gets no direct message');

select * from finish();
rollback;
