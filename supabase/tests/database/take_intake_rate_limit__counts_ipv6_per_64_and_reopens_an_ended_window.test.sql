-- The per-IP limit counts an IPv6 client per /64 network and an IPv4 client per address,
-- ignores an unparsable address, and opens a new window once the old one has ended.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
update app_private.settings set value = '2' where key = 'intake_limit_per_ip';
update app_private.settings set value = '600' where key = 'intake_limit_per_ip_window_seconds';
update app_private.settings set value = '0' where key = 'intake_limit_per_sender';

-- TEST: two addresses of one /64 share a counter
select is((select limited_by from app_private.take_intake_rate_limit(null, '2001:db8:42:7::1')), null,
  'the first address of the /64 is accepted');
select is((select limited_by from app_private.take_intake_rate_limit(null, '2001:db8:42:7:ffff::9')), null,
  'a second address of the /64 is accepted');
select is((select limited_by from app_private.take_intake_rate_limit(null, '2001:db8:42:7::abcd')), 'ip',
  'a third address of the same /64 is refused');
select is((select hits from app_private.intake_rate_limits where scope = 'ip' and subject = '2001:db8:42:7::/64'), 2,
  'the /64 is counted as one subject');

-- TEST: an unparsable address is not limited and leaves no counter
select is((select limited_by from app_private.take_intake_rate_limit(null, 'unknown')), null,
  'an unparsable address is not limited');

-- TEST: after the window ends the count starts again
update app_private.intake_rate_limits set window_start = now() - interval '601 seconds'
where scope = 'ip' and subject = '2001:db8:42:7::/64';
select is((select limited_by from app_private.take_intake_rate_limit(null, '2001:db8:42:7::abcd')), null,
  'a new window accepts the /64 again');

select * from finish();
rollback;
