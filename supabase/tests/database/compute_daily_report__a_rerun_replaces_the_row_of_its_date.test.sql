-- Computing a date again replaces its one row with what is true now (any past date can be
-- recomputed), keeps its posting record, and posting it again sends nothing.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP: one ticket on 2 February 2026 (UTC), open when the report is first computed
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id',
  category => 'general', sub_category => 'how_to', created_at => '2026-02-02 10:00+00') as ticket_id \gset
delete from public.analytics_daily where date = '2026-02-02';
select tests.freeze_time('2026-02-03 09:00+00');
select app_private.post_daily_report('2026-02-02');

-- TEST: the ticket is resolved later; the date is computed again
update public.tickets set status = 'resolved', resolved_at = '2026-02-03 10:00+00' where id = :'ticket_id';
select tests.freeze_time('2026-02-05 12:00+00');
select app_private.compute_daily_report('2026-02-02');
select app_private.compute_daily_report('2026-02-02');
select is((select count(*) from public.analytics_daily where date = '2026-02-02'), 1::bigint, 'one row per date');
select results_eq(
  $$select total_tickets, tickets_resolved, avg_resolution_hours, computed_at from public.analytics_daily where date = '2026-02-02'$$,
  $$values (1, 1, 24.00::numeric(10, 2), '2026-02-05 12:00+00'::timestamptz)$$,
  'the row now counts the resolution'
);
select is((select reported_at from public.analytics_daily where date = '2026-02-02'), '2026-02-03 09:00+00'::timestamptz,
  'and still records the one posting');
select is(app_private.post_daily_report('2026-02-02') -> 'posted', 'false'::jsonb, 'posting the date again sends nothing');
select is((select count(*) from public.notifications where kind = 'daily_report' and payload -> 'report' ->> 'date' = '2026-02-02'),
  1::bigint, 'one message for the date');

select * from finish();
rollback;
