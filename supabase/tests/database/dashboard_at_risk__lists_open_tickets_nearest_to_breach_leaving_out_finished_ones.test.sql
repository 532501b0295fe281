-- The dashboard's at-risk list: open tickets with a running clock, most overdue first; the
-- stale clock of a resolved or quarantined ticket never takes a place in it.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP: three urgent tickets older than any other (their deadlines come first): a resolved
-- one and a quarantined one with clocks still running, then an open one
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'resolved', priority => 'urgent', team_id => :'team_id',
  created_at => '1990-01-01 09:00+00') as resolved_id \gset
select tests.create_ticket(tests.create_customer(), status => 'quarantined', priority => 'urgent', team_id => :'team_id',
  created_at => '1990-01-01 10:00+00') as spam_id \gset
select tests.create_ticket(tests.create_customer(), status => 'in_progress', priority => 'urgent', team_id => :'team_id',
  created_at => '1990-01-02 09:00+00') as open_id \gset
insert into public.sla_tracking (ticket_id, priority)
values (:'resolved_id', 'urgent'), (:'spam_id', 'urgent'), (:'open_id', 'urgent');
update public.sla_tracking set paused_at = null where ticket_id in (:'resolved_id', :'spam_id');

-- TEST
select is((app_private.dashboard_at_risk(1) -> 0 ->> 'ticket_id')::uuid, :'open_id'::uuid,
  'with room for one, the list shows the open ticket, not the finished ones before it');
select is((app_private.dashboard_at_risk(1) -> 0 ->> 'deadline_kind'), 'first_response',
  'its next deadline is the first response');
select ok((app_private.dashboard_at_risk(1) -> 0 ->> 'minutes_left')::numeric < 0,
  'overdue tickets show negative time left');

select * from finish();
rollback;
