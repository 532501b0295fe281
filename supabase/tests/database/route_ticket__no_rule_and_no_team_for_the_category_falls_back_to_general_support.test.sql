-- A ticket that matches no routing rule and whose category no team handles goes to General
-- Support, and the decision says so (no rule id, the fallback named).
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: no active rule and no team for any category (inside this transaction only)
update public.routing_rules set is_active = false;
update public.teams set handles_categories = '{}';
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'refund_request')
  as ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(:'ticket_id') as decision \gset
select is((select tm.name::text from public.tickets t join public.teams tm on tm.id = t.team_id where t.id = :'ticket_id'),
  'General Support', 'the ticket goes to General Support');
select is((:'decision'::jsonb) -> 'rule_id', 'null'::jsonb, 'no rule is named');
select is((:'decision'::jsonb) ->> 'rule', 'no rule matched: General Support', 'the decision names the fallback');
select is((select event_data ->> 'rule' from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'routed'),
  'no rule matched: General Support', 'and so does the routed event');

select * from finish();
rollback;
