-- purge_intake_rate_limits deletes counters whose window has ended (per scope length) and
-- keeps the others; pg_cron runs it every 10 minutes.
begin;
set local search_path = extensions, public;
select plan(3);

-- SETUP
update app_private.settings set value = '600' where key = 'intake_limit_per_ip_window_seconds';
update app_private.settings set value = '3600' where key = 'intake_limit_per_sender_window_seconds';
delete from app_private.intake_rate_limits;
insert into app_private.intake_rate_limits (scope, subject, window_start, hits) values
  ('ip', '192.0.2.1', now() - interval '11 minutes', 3),
  ('ip', '192.0.2.2', now() - interval '5 minutes', 3),
  ('sender', 'old@example.com', now() - interval '61 minutes', 1),
  ('sender', 'new@example.com', now() - interval '11 minutes', 1);

-- TEST: ended windows go, current ones stay
select is(app_private.purge_intake_rate_limits(), 2, 'two ended windows are deleted');
select results_eq($$select subject from app_private.intake_rate_limits order by subject$$,
  $$values ('192.0.2.2'::text), ('new@example.com'::text)$$, 'the current windows are kept');
select is((select count(*) from cron.job where jobname = 'ists-purge-intake-rate-limits'), 1::bigint,
  'pg_cron runs the purge');

select * from finish();
rollback;
