-- Repeat contact is the third ticket from the same customer within 7 days: a ticket 8 days
-- (or 7 days and a minute) old does not count, one 6 days 23 hours old does.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority) values ('pgTAP', 'technical', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50);
select tests.create_customer() as old_customer \gset
select tests.create_ticket(:'old_customer', status => 'resolved', created_at => now() - interval '8 days');
select tests.create_ticket(:'old_customer', status => 'resolved', created_at => now() - interval '2 days');
select tests.create_analyzed_ticket(:'old_customer', category => 'technical') as eight_days \gset
select tests.create_customer() as edge_customer \gset
select tests.create_ticket(:'edge_customer', status => 'resolved', created_at => now() - interval '7 days 1 minute');
select tests.create_ticket(:'edge_customer', status => 'resolved', created_at => now() - interval '1 day');
select tests.create_analyzed_ticket(:'edge_customer', category => 'technical') as just_outside \gset
select tests.create_customer() as recent_customer \gset
select tests.create_ticket(:'recent_customer', status => 'resolved', created_at => now() - interval '6 days 23 hours');
select tests.create_ticket(:'recent_customer', status => 'resolved', created_at => now() - interval '1 day');
select tests.create_analyzed_ticket(:'recent_customer', category => 'technical') as just_inside \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(id) from unnest(array[:'eight_days', :'just_outside', :'just_inside']::uuid[]) id;
select is((select escalation_reasons from public.tickets where id = :'eight_days'), '{}'::text[],
  'an 8-day-old ticket does not count: this is the second contact in 7 days');
select is((select escalation_reasons from public.tickets where id = :'just_outside'), '{}'::text[],
  'nor does one 7 days and a minute old');
select is((select escalation_reasons from public.tickets where id = :'just_inside'), array['repeat_contact'],
  'one 6 days 23 hours old does: the third contact escalates');

select * from finish();
rollback;
