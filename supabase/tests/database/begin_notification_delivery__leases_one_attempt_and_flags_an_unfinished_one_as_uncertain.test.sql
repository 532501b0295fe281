-- A delivery attempt leases its notification (a second run is told it is busy); an attempt
-- that ended uncertain (a timeout, a 5xx) or never ended (a crash: its lease ran out) makes the
-- next attempt look for the posted message first; a posted message's ts is kept whenever it
-- arrives, once, with a 'notified' event; "try again" only ends the caller's own attempt.
begin;
set local search_path = extensions, public;
select plan(11);

-- SETUP
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
insert into public.notifications (ticket_id, kind, channel, target) values (:'ticket_id', 'ticket_assigned', 'slack', 'CTEAM')
returning id as n \gset
select tests.authenticate_as_service_role();

-- TEST: a first attempt, and a second run meanwhile
select token as first_token, coalesce(check_since::text, '') as first_check, busy as first_busy
from app_private.begin_notification_delivery(:'n') \gset
select ok(:'first_token' <> '' and :'first_check' = '' and not :'first_busy'::boolean,
  'the first attempt gets a lease and nothing to look up');
select is((select busy from app_private.begin_notification_delivery(:'n')), true,
  'a second run meanwhile is told the notification is busy');

-- TEST: the attempt ends uncertain (Slack timed out)
select ok(app_private.finish_notification_delivery(:'n', :'first_token', 'pending', '{"note": "timeout", "uncertain": true}'),
  'the uncertain end is recorded');
select results_eq(format('select status::text, last_error, uncertain_since is not null, delivery_started_at from public.notifications where id = %L', :'n'),
  $$values ('pending'::text, 'timeout'::text, true, null::timestamptz)$$, 'pending, uncertain, no lease held');
select token as second_token, coalesce(check_since::text, '') as second_check from app_private.begin_notification_delivery(:'n') \gset
select ok(:'second_check' <> '', 'the next attempt must look for the message first');

-- TEST: an attempt that never ended (its lease ran out) is uncertain too
update public.notifications set uncertain_since = null, delivery_started_at = now() - interval '10 minutes' where id = :'n';
select token as third_token, coalesce(check_since::text, '') as third_check from app_private.begin_notification_delivery(:'n') \gset
select is(:'third_check'::double precision, extract(epoch from now() - interval '10 minutes')::double precision,
  'a crashed attempt makes the next look for the message since it began');
select is(app_private.finish_notification_delivery(:'n', :'second_token', 'pending', '{"note": "late"}'), false,
  'a late "try again" of an attempt that lost its lease changes nothing');

-- TEST: the posted message's ts is kept, once
select ok(app_private.finish_notification_delivery(:'n', :'second_token', 'sent',
    '{"external_id": "1800000000.000100", "payload": {"posted_channel": "CTEAM"}}'),
  'the ts of a posted message is kept even from an attempt that lost its lease');
select results_eq(format($$select status::text, external_id, payload ->> 'posted_channel', uncertain_since, delivery_token from public.notifications where id = %L$$, :'n'),
  $$values ('sent'::text, '1800000000.000100'::text, 'CTEAM'::text, null::timestamptz, null::uuid)$$, 'sent, with Slack''s ts');
select is(app_private.finish_notification_delivery(:'n', :'third_token', 'sent', '{"external_id": "1800000000.000200"}'), false,
  'a second outcome is ignored');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'notified'), 1::bigint,
  'one notified event');

select * from finish();
rollback;
