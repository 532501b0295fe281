-- A ticket that misses one condition of the auto-resolve rule (confidence not above 0.85,
-- intensity 7 or more, body of 500 chars or more, another sub-category, an enterprise
-- customer) is routed to a team as usual.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, team_id, rule_priority) values ('pgTAP catch-all', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50);
select tests.create_analyzed_ticket(tests.create_customer(), category => 'account', sub_category => 'password_reset',
  confidence => 0.85, intensity => 3) as low_confidence \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'account', sub_category => 'password_reset',
  confidence => 0.95, intensity => 7) as intense \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'invoice_request',
  confidence => 0.95, intensity => 3, body => repeat('x', 500)) as long_body \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'refund_request',
  confidence => 0.99, intensity => 1) as other_sub_category \gset
select tests.create_analyzed_ticket(tests.create_customer(tier => 'enterprise'), category => 'general',
  sub_category => 'documentation', confidence => 0.99, intensity => 1) as enterprise \gset
select tests.authenticate_as_service_role();

-- TEST: each ticket is assigned, not auto-resolved
select is(app_private.route_ticket(:'low_confidence') ->> 'outcome', 'assigned', 'confidence 0.85 is not enough');
select is(app_private.route_ticket(:'intense') ->> 'outcome', 'assigned', 'intensity 7 is too high');
select is(app_private.route_ticket(:'long_body') ->> 'outcome', 'assigned', 'a body of 500 chars is too long');
select is(app_private.route_ticket(:'other_sub_category') ->> 'outcome', 'assigned',
  'refund_request is not auto-resolvable');
select is(app_private.route_ticket(:'enterprise') ->> 'outcome', 'assigned',
  'an enterprise customer is never auto-resolved');
select is(
  (select count(*) from public.responses
   where ticket_id in (:'low_confidence', :'intense', :'long_body', :'other_sub_category', :'enterprise')),
  0::bigint, 'no automatic response is written');

select * from finish();
rollback;
