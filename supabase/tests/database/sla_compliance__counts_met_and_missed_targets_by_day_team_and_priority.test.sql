-- sla_compliance counts, per arrival day, team and priority, the SLA targets met and missed
-- (first response and resolution each); running clocks are counted apart, not as compliance.
begin;
set local search_path = extensions, public;
select plan(1);

-- SETUP: 5 May 2031 (UTC): an urgent ticket answered in time, one answered late, a high one resolved in time
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'urgent', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2031-05-05 09:00+00') as on_time \gset
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'urgent', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2031-05-05 09:00+00') as late \gset
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'high', team_id => :'team_id',
  assigned_to => :'agent_id', created_at => '2031-05-05 09:00+00') as resolved \gset
insert into public.sla_tracking (ticket_id, priority) values (:'on_time', 'urgent'), (:'late', 'urgent'), (:'resolved', 'high');
select tests.freeze_time('2031-05-05 09:30+00');
update public.tickets set first_response_at = '2031-05-05 09:30+00' where id in (:'on_time', :'resolved');
select tests.freeze_time('2031-05-05 11:00+00');
update public.tickets set first_response_at = '2031-05-05 11:00+00' where id = :'late';
update public.tickets set status = 'resolved', resolved_at = '2031-05-05 11:00+00' where id = :'resolved';

-- TEST
select results_eq(
  format($$select priority::text, tickets, first_response_met, first_response_breached, resolution_met, resolution_breached,
                  running, breached_tickets, compliance_rate
           from public.sla_compliance where team_id = %L and date = '2031-05-05' order by priority$$, :'team_id'),
  $$values ('high'::text, 1::bigint, 1::bigint, 0::bigint, 1::bigint, 0::bigint, 0::bigint, 0::bigint, 100.00::numeric),
           ('urgent', 2, 1, 1, 0, 0, 1, 1, 50.00)$$,
  'high: both targets met; urgent: one first response met, one missed (50 %), resolutions still running'
);

select * from finish();
rollback;
