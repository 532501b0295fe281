-- A pending notification whose notify job died is queued again by the sweep: after
-- notification_requeue_base_seconds (300) since its last attempt, doubling per re-queue, with
-- a warning and one Slack alert the first time; one never tried at once; one still being
-- delivered (a live lease) is left alone; after notification_max_requeues (10) it is marked
-- failed with a critical alert.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP: tickets whose notify jobs are dead
select tests.create_ticket(tests.create_customer()) as t_died \gset
select tests.create_ticket(tests.create_customer()) as t_recent \gset
select tests.create_ticket(tests.create_customer()) as t_leased \gset
select tests.create_ticket(tests.create_customer()) as t_hopeless \gset
insert into app_private.jobs (stage, ticket_id, status, attempts) select 'notify', t, 'dead', 3
from unnest(array[:'t_died', :'t_recent', :'t_leased', :'t_hopeless']::uuid[]) t;
insert into public.notifications (ticket_id, kind, channel, target, attempts, last_attempt_at, last_error)
values (:'t_died', 'ticket_assigned', 'slack', 'CTEAM', 3, now() - interval '6 minutes', 'Slack answered HTTP 500')
returning id as n_died \gset
insert into public.notifications (ticket_id, kind, channel, target, attempts, last_attempt_at)
values (:'t_recent', 'ticket_assigned', 'slack', 'CTEAM', 3, now() - interval '4 minutes') returning id as n_recent \gset
insert into public.notifications (ticket_id, kind, channel, target, attempts, last_attempt_at, delivery_started_at)
values (:'t_leased', 'ticket_assigned', 'slack', 'CTEAM', 3, now() - interval '1 hour', now() - interval '30 seconds')
returning id as n_leased \gset
insert into public.notifications (ticket_id, kind, channel, target, attempts, last_attempt_at, requeues)
values (:'t_hopeless', 'ticket_assigned', 'slack', 'CTEAM', 33, now() - interval '7 hours', 10) returning id as n_hopeless \gset
insert into public.notifications (ticket_id, kind, channel, target, payload)
values (null, 'pipeline_alert', 'slack', 'CALERTS', '{"text": "stage notify failed"}') returning id as n_alert \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.requeue_stranded_notifications();
select results_eq(format($$select n.id, n.requeues from public.notifications n where n.id in (%L, %L, %L, %L) order by n.requeues, n.id$$,
                         :'n_died', :'n_recent', :'n_leased', :'n_alert'),
  format($$select * from (values (%L::uuid, 0), (%L::uuid, 0), (%L::uuid, 1), (%L::uuid, 1)) v order by 2, 1$$,
         :'n_recent', :'n_leased', :'n_died', :'n_alert'),
  'the dead job''s notification and the never-tried alert are queued again; the recent and the leased one are not');
select is((select count(*) from app_private.jobs where stage = 'notify' and status = 'queued' and ticket_id = :'t_died'), 1::bigint,
  'with a new notify job for the ticket');
select is((select count(*) from app_private.jobs where stage = 'notify' and status = 'queued' and ticket_id is null), 1::bigint,
  'and one for the ticket-less alerts');
select is((select severity from public.error_logs where error_type = 'notification_requeued' and context -> 'notification_ids' ? :'n_died'),
  'warning', 'the re-queue is logged as a warning');
select matches((select payload ->> 'text' from public.notifications where kind = 'pipeline_alert' and id <> :'n_alert'
                  and created_at = now() and payload ->> 'text' like '%not delivered after every retry%'),
  format('#T-%s ticket_assigned \(Slack answered HTTP 500\)', (select ticket_number from public.tickets where id = :'t_died')),
  'and alerted in Slack, naming the ticket and the last error');
select results_eq(format($$select status::text, left(last_error, 27) from public.notifications where id = %L$$, :'n_hopeless'),
  $$values ('failed'::text, 'given up after 10 re-queues'::text)$$, 'after 10 re-queues the notification is failed');
select is((select severity from public.error_logs where error_type = 'notification_given_up' and context -> 'notification_ids' ? :'n_hopeless'),
  'critical', 'with a critical log');

-- TEST: the next round waits twice as long (600 s after the last attempt)
update app_private.jobs set status = 'dead' where stage = 'notify' and status = 'queued' and ticket_id = :'t_died';
update public.notifications set last_attempt_at = now() - interval '8 minutes' where id = :'n_died';
select app_private.requeue_stranded_notifications();
select is((select requeues from public.notifications where id = :'n_died'), 1, 'not again after 8 minutes');
update public.notifications set last_attempt_at = now() - interval '11 minutes' where id = :'n_died';
select app_private.requeue_stranded_notifications();
select is((select requeues from public.notifications where id = :'n_died'), 2, 'again after 11 minutes');
select is((select count(*) from public.error_logs where error_type = 'notification_requeued' and context -> 'notification_ids' ? :'n_died'),
  1::bigint, 'alerted only the first time');

select * from finish();
rollback;
