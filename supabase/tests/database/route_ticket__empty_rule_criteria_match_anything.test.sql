-- A routing rule's empty criteria match anything and its set criteria must all match:
-- sub-category, priority, customer tier, language and channel each narrow a rule; a ticket
-- that matches no rule goes to the team handling its category, else General Support.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP: one team per rule, all rules above the seed's.
select tests.create_team('Tier team') as tier_team \gset
select tests.create_team('Language team') as language_team \gset
select tests.create_team('Channel team') as channel_team \gset
select tests.create_team('Priority team') as priority_team \gset
select tests.create_team('Catch-all team') as catch_all_team \gset
insert into public.routing_rules (name, category, customer_tier, team_id, rule_priority) values
  ('enterprise billing', 'billing', 'enterprise', :'tier_team', -1000005);
insert into public.routing_rules (name, category, language, team_id, rule_priority) values
  ('French billing', 'billing', 'fr', :'language_team', -1000004);
insert into public.routing_rules (name, category, channel, team_id, rule_priority) values
  ('billing by Slack', 'billing', 'slack', :'channel_team', -1000003);
insert into public.routing_rules (name, category, priority, team_id, rule_priority) values
  ('urgent billing', 'billing', 'urgent', :'priority_team', -1000002);
insert into public.routing_rules (name, category, team_id, rule_priority) values
  ('all billing', 'billing', :'catch_all_team', -1000001);
select tests.create_customer(tier => 'enterprise') as enterprise \gset
select tests.create_customer() as standard \gset
select tests.create_analyzed_ticket(:'enterprise', category => 'billing') as t_tier \gset
select tests.create_analyzed_ticket(:'standard', category => 'billing', language => 'fr') as t_language \gset
select tests.create_analyzed_ticket(:'standard', category => 'billing') as t_channel \gset
update public.tickets set channel = 'slack' where id = :'t_channel';
select tests.create_analyzed_ticket(:'standard', category => 'billing', priority => 'urgent') as t_priority \gset
select tests.create_analyzed_ticket(:'standard', category => 'billing') as t_plain \gset
select tests.create_analyzed_ticket(:'standard', category => 'general') as t_general \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(id) from unnest(array[:'t_tier', :'t_language', :'t_channel', :'t_priority', :'t_plain', :'t_general']::uuid[]) id;
select is((select team_id from public.tickets where id = :'t_tier'), :'tier_team'::uuid, 'the tier narrows a rule');
select is((select team_id from public.tickets where id = :'t_language'), :'language_team'::uuid, 'the language narrows a rule');
select is((select team_id from public.tickets where id = :'t_channel'), :'channel_team'::uuid, 'the channel narrows a rule');
select is((select team_id from public.tickets where id = :'t_priority'), :'priority_team'::uuid, 'the priority narrows a rule');
select is((select team_id from public.tickets where id = :'t_plain'), :'catch_all_team'::uuid,
  'a ticket matching none of the narrow rules falls to the rule with empty criteria');
select is((select event_data ->> 'rule' from public.ticket_events where ticket_id = :'t_language' and event_type = 'routed'),
  'French billing', 'the decision names the rule');
select is((select tm.name from public.tickets t join public.teams tm on tm.id = t.team_id where t.id = :'t_general')::text,
  'General Support', 'a general ticket goes to General Support by the seed''s rule');

select * from finish();
rollback;
