-- Routing rules are tried in rule_priority order (lower first): the first active rule whose
-- criteria all match picks the team, whatever the order the rules were created in.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP (rule priorities far below the seed's 10..100, so only these rules compete)
select tests.create_team() as later_team \gset
select tests.create_team() as winning_team \gset
select tests.create_team() as inactive_team \gset
select tests.create_team() as slack_team \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP later rule', 'billing', :'later_team', -1000000);
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP winning rule', 'billing', :'winning_team', -1000001)
returning id as winning_rule \gset
insert into public.routing_rules (name, category, team_id, rule_priority, is_active)
values ('pgTAP inactive rule', 'billing', :'inactive_team', -1000003, false);
insert into public.routing_rules (name, category, channel, team_id, rule_priority)
values ('pgTAP slack-only rule', 'billing', 'slack', :'slack_team', -1000002);
select tests.create_customer() as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'billing', sub_category => 'refund_request')
  as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: the matching active rule with the lowest rule_priority picks the team
select app_private.route_ticket(:'ticket_id') as decision \gset
select is((select team_id from public.tickets where id = :'ticket_id'), :'winning_team'::uuid,
  'the ticket goes to the team of the lowest-numbered matching rule');
select is(:'decision'::jsonb ->> 'rule_id', :'winning_rule', 'the decision names the winning rule');
select isnt((select team_id from public.tickets where id = :'ticket_id'), :'inactive_team'::uuid,
  'an inactive rule is ignored even with a lower rule_priority');
select isnt((select team_id from public.tickets where id = :'ticket_id'), :'slack_team'::uuid,
  'a rule whose channel does not match is ignored');

select * from finish();
rollback;
