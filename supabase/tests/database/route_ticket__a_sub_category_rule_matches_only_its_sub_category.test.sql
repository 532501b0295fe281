-- A rule with a sub-category matches tickets of that sub-category only, with or without a
-- category of its own; other sub-categories of the category fall through to the next rule.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP (rule priorities far below the seed's, so only these rules compete)
select tests.create_team('Refunds') as refunds \gset
select tests.create_team('Outages') as outages \gset
select tests.create_team('Billing') as billing \gset
select tests.create_team('Technical') as technical \gset
insert into public.routing_rules (name, category, sub_category, team_id, rule_priority) values
  ('refunds', 'billing', 'refund_request', :'refunds', -1000004);
insert into public.routing_rules (name, sub_category, team_id, rule_priority) values
  ('outages, any category', 'outage', :'outages', -1000003);
insert into public.routing_rules (name, category, team_id, rule_priority) values
  ('billing', 'billing', :'billing', -1000002), ('technical', 'technical', :'technical', -1000001);
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'refund_request') as refund \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'payment_failed') as payment \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', sub_category => 'outage') as outage \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', sub_category => 'bug_report') as bug \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(id) from unnest(array[:'refund', :'payment', :'outage', :'bug']::uuid[]) id;
select is((select team_id from public.tickets where id = :'refund'), :'refunds'::uuid, 'a refund request matches the refunds rule');
select is((select team_id from public.tickets where id = :'payment'), :'billing'::uuid,
  'another billing sub-category falls through to the billing rule');
select is((select team_id from public.tickets where id = :'outage'), :'outages'::uuid,
  'a rule with only a sub-category matches it');
select is((select team_id from public.tickets where id = :'bug'), :'technical'::uuid,
  'and nothing else of the category');

select * from finish();
rollback;
