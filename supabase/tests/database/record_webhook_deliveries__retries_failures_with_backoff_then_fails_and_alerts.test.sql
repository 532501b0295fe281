-- A 5xx (or a timeout) is retried with growing backoff until the delivery's last attempt,
-- then it fails: logged in error_logs and alerted. A 2xx is delivered. Another subscriber's
-- delivery of the same event is not held up.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.use_unique_functions_base_url();
insert into public.webhook_subscriptions (name, url, secret, event_types)
values ('pgTAP dead', 'https://dead.example.com/hook', 'pgtap-secret-0123456789', '{ticket.created}') returning id as dead_id \gset
insert into public.webhook_subscriptions (name, url, secret, event_types)
values ('pgTAP alive', 'https://alive.example.com/hook', 'pgtap-secret-0123456789', '{ticket.created}') returning id as alive_id \gset
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select d.id as dead_delivery from public.webhook_deliveries d join public.webhook_events e on e.id = d.event_id
where e.ticket_id = :'ticket_id' and d.subscription_id = :'dead_id' \gset
select d.id as alive_delivery from public.webhook_deliveries d join public.webhook_events e on e.id = d.event_id
where e.ticket_id = :'ticket_id' and d.subscription_id = :'alive_id' \gset
update public.webhook_deliveries set next_attempt_at = '-infinity' where id in (:dead_delivery, :alive_delivery);
create temporary table claimed as select * from app_private.claim_webhook_deliveries(10) where delivery_id in (:dead_delivery, :alive_delivery);

-- TEST: the first round: the dead subscriber's 503 is retried later, the other is delivered
select app_private.record_webhook_deliveries(jsonb_build_array(
  jsonb_build_object('delivery_id', :dead_delivery, 'attempt', 1, 'status', 503, 'retryable', true, 'error', 'HTTP 503'),
  jsonb_build_object('delivery_id', :alive_delivery, 'attempt', 1, 'status', 200, 'retryable', false)));
select results_eq(
  format($$select status::text, attempts, next_attempt_at > now() + interval '29 seconds', response_status
           from public.webhook_deliveries where id = %s$$, :dead_delivery),
  $$values ('pending'::text, 1, true, 503)$$, 'the 503 waits at least 30 s for its retry');
select is((select status::text from public.webhook_deliveries where id = :alive_delivery), 'delivered',
  'the live subscriber got it at once');

-- TEST: the backoff grows: 30 s, then 120 s
update public.webhook_deliveries set next_attempt_at = '-infinity' where id = :dead_delivery;
select count(*) from app_private.claim_webhook_deliveries(10) where delivery_id = :dead_delivery;
select app_private.record_webhook_deliveries(jsonb_build_array(
  jsonb_build_object('delivery_id', :dead_delivery, 'attempt', 2, 'status', null, 'retryable', true, 'error', 'no answer')));
select ok((select next_attempt_at > now() + interval '119 seconds' from public.webhook_deliveries where id = :dead_delivery),
  'the second retry waits at least 120 s');

-- TEST: after the last of 4 attempts it fails, logged and alerted
update public.webhook_deliveries set next_attempt_at = '-infinity' where id = :dead_delivery;
select count(*) from app_private.claim_webhook_deliveries(10) where delivery_id = :dead_delivery;
select app_private.record_webhook_deliveries(jsonb_build_array(
  jsonb_build_object('delivery_id', :dead_delivery, 'attempt', 3, 'status', 500, 'retryable', true, 'error', 'HTTP 500')));
update public.webhook_deliveries set next_attempt_at = '-infinity' where id = :dead_delivery;
select count(*) from app_private.claim_webhook_deliveries(10) where delivery_id = :dead_delivery;
select app_private.record_webhook_deliveries(jsonb_build_array(
  jsonb_build_object('delivery_id', :dead_delivery, 'attempt', 4, 'status', 500, 'retryable', true, 'error', 'HTTP 500')));
select results_eq(
  format($$select status::text, attempts from public.webhook_deliveries where id = %s$$, :dead_delivery),
  $$values ('failed'::text, 4)$$, 'the delivery fails after 4 attempts');
select ok(exists (select 1 from public.error_logs where error_type = 'webhook_delivery_failed'
                  and context ->> 'delivery_id' = :'dead_delivery')
          and exists (select 1 from public.notifications where kind = 'pipeline_alert'
                      and payload ->> 'text' like '%pgTAP dead%'),
  'the failure is logged and alerted');

select * from finish();
rollback;
