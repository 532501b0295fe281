-- The auto-resolve rule is never applied to spam, to an auto-reply (Auto-Submitted), nor to
-- an escalated ticket of a standard customer (a third contact in 7 days, urgent priority),
-- even when everything else fits: the same ticket from a fresh customer is auto-resolved.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP: every ticket is a short, calm, confident password reset
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, team_id, rule_priority) values ('pgTAP catch-all', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50);
create function pg_temp.password_reset(p_customer uuid, p_priority text default 'low') returns uuid language sql as $$
  select tests.create_analyzed_ticket(p_customer, category => 'account', sub_category => 'password_reset',
    priority => p_priority, confidence => 0.97, intensity => 2, body => 'Please reset my password.')
$$;
select pg_temp.password_reset(tests.create_customer()) as plain \gset
select pg_temp.password_reset(tests.create_customer()) as spam \gset
update public.tickets set is_spam = true where id = :'spam';
select pg_temp.password_reset(tests.create_customer()) as auto_reply \gset
update public.tickets set raw_metadata = '{"auto_submitted": "auto-replied"}' where id = :'auto_reply';
select tests.create_customer() as repeat_customer \gset
select tests.create_ticket(:'repeat_customer', status => 'resolved', created_at => now() - interval '3 days');
select tests.create_ticket(:'repeat_customer', status => 'resolved', created_at => now() - interval '1 day');
select pg_temp.password_reset(:'repeat_customer') as third_contact \gset
select pg_temp.password_reset(tests.create_customer(), 'urgent') as urgent \gset
select tests.authenticate_as_service_role();

-- TEST
select is(app_private.route_ticket(:'plain') ->> 'outcome', 'auto_resolved', 'the plain ticket fits the rule');
select is(app_private.route_ticket(:'spam') ->> 'outcome', 'assigned', 'spam is never auto-resolved');
select is(app_private.route_ticket(:'auto_reply') ->> 'outcome', 'assigned', 'an auto-reply is never answered');
select is(app_private.route_ticket(:'third_contact') ->> 'outcome', 'assigned',
  'a standard customer''s third contact in 7 days goes to a person');
select is((select escalation_reasons from public.tickets where id = :'third_contact'), array['repeat_contact'],
  'because it is escalated');
select is(app_private.route_ticket(:'urgent') ->> 'outcome', 'assigned', 'so does an urgent ticket');
select is((select escalation_reasons from public.tickets where id = :'urgent'), array['urgent_priority'],
  'escalated for its priority');
select is((select count(*) from public.responses where ticket_id in (:'spam', :'auto_reply', :'third_contact', :'urgent')),
  0::bigint, 'none of them gets an automatic answer');

select * from finish();
rollback;
