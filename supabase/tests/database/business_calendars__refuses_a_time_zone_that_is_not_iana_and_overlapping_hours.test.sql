-- A calendar's time zone must be an IANA name (abbreviations and offsets have no DST rules of
-- a place), and working intervals of one weekday may not overlap (they would count twice).
begin;
set local search_path = extensions, public;
select plan(4);

-- TEST: time zones
select throws_ok($$insert into public.business_calendars (name, time_zone) values ('pgTAP CEST', 'CEST')$$,
  '22023', 'time zone "CEST" is not an IANA time zone name', 'an abbreviation is refused');
select throws_ok($$insert into public.business_calendars (name, time_zone) values ('pgTAP typo', 'Europe/Berln')$$,
  '22023', 'time zone "Europe/Berln" is not an IANA time zone name', 'a misspelt zone is refused');
select lives_ok($$insert into public.business_calendars (name, time_zone) values ('pgTAP Sydney', 'Australia/Sydney')$$,
  'an IANA name is accepted');

-- TEST: overlapping hours
insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
select id, 1, '09:00', '12:00' from public.business_calendars where name = 'pgTAP Sydney';
select throws_ok($$insert into public.business_hours (calendar_id, iso_weekday, start_time, end_time)
                   select id, 1, '11:00', '14:00' from public.business_calendars where name = 'pgTAP Sydney'$$,
  '23P01', 'business hours 11:00:00 to 14:00:00 overlap another interval of weekday 1',
  'an interval overlapping another of the same weekday is refused');

select * from finish();
rollback;
