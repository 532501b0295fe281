-- Auto-resolution answers only what its template can: a ticket the analysis ranks high (a
-- security or business-impact cue), or one the customer already added a message to before it
-- was routed, goes to a person; the same plain ticket is auto-resolved.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: three short, calm, confident password resets
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, team_id, rule_priority) values ('pgTAP catch-all', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50);
create function pg_temp.password_reset(p_priority text default 'low') returns uuid language sql as $$
  select tests.create_analyzed_ticket(tests.create_customer(), category => 'account', sub_category => 'password_reset',
    priority => p_priority, confidence => 0.97, intensity => 2, body => 'Please reset my password.')
$$;
select pg_temp.password_reset() as plain \gset
select pg_temp.password_reset('high') as high \gset
select pg_temp.password_reset() as replied \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type)
values (:'replied', 'inbound', 'email', 'Also, someone else may have changed my e-mail address.', 'customer');
select tests.authenticate_as_service_role();

-- TEST
select is(app_private.route_ticket(:'plain') ->> 'outcome', 'auto_resolved', 'the plain ticket fits the rule');
select is(app_private.route_ticket(:'high') ->> 'outcome', 'assigned', 'a high-priority ticket goes to a person');
select is(app_private.route_ticket(:'replied') ->> 'outcome', 'assigned',
  'so does a ticket the customer wrote to again before it was routed');
select is((select count(*) from public.responses
           where ticket_id in (:'high', :'replied') and direction = 'outbound'), 0::bigint,
  'neither gets an automatic answer');
select is((select first_response_at from public.tickets where id = :'plain'), null,
  'the auto-resolved ticket has no first response until its answer is delivered');

select * from finish();
rollback;
