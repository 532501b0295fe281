-- Among equally loaded agents, one whose specializations match the ticket's category or
-- sub-category goes first, also when triage left the sub-category empty.
-- The second case fails until pick_agent() treats a null match as false (see the report
-- of the pgTAP suite): `desc` sorts nulls first, so a non-matching agent wins.
begin;
set local search_path = extensions, public;
select plan(2);

-- SETUP (the generalist has the smaller id, so id order alone would never pick the specialist)
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority)
values ('pgTAP route', 'billing', :'team_id', -1000000);
insert into public.agents (id, email, name, team_id, specializations, auth_user_id)
values ('00000000-0000-4000-8000-00000000000a', 'generalist-' || tests.unique_suffix() || '@example.com',
        'Generalist', :'team_id', array['technical'], gen_random_uuid())
returning id as generalist \gset
insert into public.agents (id, email, name, team_id, specializations, auth_user_id)
values ('ffffffff-ffff-4fff-8fff-fffffffffffa', 'specialist-' || tests.unique_suffix() || '@example.com',
        'Billing Specialist', :'team_id', array['billing'], gen_random_uuid())
returning id as specialist \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => 'refund_request')
  as with_sub_category \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'billing', sub_category => null)
  as without_sub_category \gset
select tests.authenticate_as_service_role();

-- TEST: a ticket with a sub-category goes to the specialist
select app_private.route_ticket(:'with_sub_category');
select is((select assigned_to from public.tickets where id = :'with_sub_category'), :'specialist'::uuid,
  'the billing specialist gets the billing ticket');

-- TEST: a ticket without a sub-category goes to the specialist too (both agents have load 0 again)
update public.tickets set status = 'resolved' where id = :'with_sub_category';
update public.agents set last_assigned_at = null where id in (:'generalist', :'specialist');
select app_private.route_ticket(:'without_sub_category');
select is((select assigned_to from public.tickets where id = :'without_sub_category'), :'specialist'::uuid,
  'the billing specialist gets the billing ticket without a sub-category');

select * from finish();
rollback;
