-- Each escalation reason sets is_escalated, restricts the choice to seniors and is recorded:
-- VIP and enterprise customers, negative sentiment (intensity > 8 and angry or frustrated),
-- a third ticket from the same customer within 7 days, and urgent priority.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority) values ('pgTAP', 'technical', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'junior') as junior \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'expert') as expert \gset
select tests.create_customer(tier => 'vip') as vip \gset
select tests.create_customer(tier => 'enterprise') as enterprise \gset
select tests.create_customer() as angry \gset
select tests.create_customer() as repeat_customer \gset
select tests.create_customer() as calm \gset
select tests.create_analyzed_ticket(:'vip', category => 'technical') as t_vip \gset
select tests.create_analyzed_ticket(:'enterprise', category => 'technical') as t_enterprise \gset
select tests.create_analyzed_ticket(:'angry', category => 'technical', intensity => 9, emotion => 'angry') as t_angry \gset
select tests.create_ticket(:'repeat_customer', status => 'resolved', created_at => now() - interval '6 days');
select tests.create_ticket(:'repeat_customer', status => 'resolved', created_at => now() - interval '2 days');
select tests.create_analyzed_ticket(:'repeat_customer', category => 'technical') as t_repeat \gset
select tests.create_analyzed_ticket(:'calm', category => 'technical', priority => 'urgent') as t_urgent \gset
select tests.create_analyzed_ticket(:'calm', category => 'technical', priority => 'low') as t_plain \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(id) from unnest(array[:'t_vip', :'t_enterprise', :'t_angry', :'t_repeat', :'t_urgent', :'t_plain']::uuid[]) id;
select results_eq(
  format($$select escalation_reasons from public.tickets where id in (%L, %L, %L, %L, %L) order by array_to_string(escalation_reasons, ',')$$,
         :'t_vip', :'t_enterprise', :'t_angry', :'t_repeat', :'t_urgent'),
  $$values (array['enterprise_customer']), (array['negative_sentiment']), (array['repeat_contact']), (array['urgent_priority']), (array['vip_customer'])$$,
  'each ticket records its own reason');
select is((select count(*) from public.tickets where id in (:'t_vip', :'t_enterprise', :'t_angry', :'t_repeat', :'t_urgent')
           and is_escalated and assigned_to = :'expert'), 5::bigint, 'all five are escalated and go to the expert, never the junior');
select is((select count(*) from public.ticket_events where ticket_id in (:'t_vip', :'t_enterprise', :'t_angry', :'t_repeat', :'t_urgent')
           and event_type = 'escalated'), 5::bigint, 'each logs an escalated event');
select is((select count(*) from public.notifications where ticket_id in (:'t_vip', :'t_enterprise', :'t_angry', :'t_repeat', :'t_urgent')
           and kind = 'ticket_escalated'), 5::bigint, 'each alerts the lead');
select results_eq(format('select is_escalated, escalation_reasons from public.tickets where id = %L', :'t_plain'),
  $$values (false, '{}'::text[])$$, 'a calm, low, first ticket is not escalated');
select is((select assigned_to from public.tickets where id = :'t_plain'), :'junior'::uuid, 'and may go to the junior');
select is((select (event_data ->> 'needs_senior')::boolean from public.ticket_events where ticket_id = :'t_repeat' and event_type = 'routed'),
  true, 'the decision says seniors were required');

select * from finish();
rollback;
