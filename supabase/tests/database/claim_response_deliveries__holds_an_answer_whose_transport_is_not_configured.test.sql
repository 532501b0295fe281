-- Without SMTP configured an e-mail answer is held (not dropped): delivery_status 'held'
-- with the reason, its customer_reply outbox row stored with the same reason, the job done;
-- requeue_response_delivery() without an id releases every held answer once configured.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.use_unique_functions_base_url();
select tests.create_ticket(tests.create_customer(), status => 'resolved') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket_id', 'outbound', 'email', 'Hi, reset it here.', 'ai', true, false)
returning id as answer_id \gset
insert into public.notifications (ticket_id, kind, channel, target, payload)
values (:'ticket_id', 'customer_reply', 'email', 'customer@example.com', '{"subject": "Your password"}');
set constraints all immediate;
select id as job1 from app_private.jobs where stage = 'send' and ticket_id = :'ticket_id' \gset
select tests.claim_job(:job1) as attempt1 \gset

-- TEST: no e-mail transport: the answer is held with the reason
select app_private.claim_response_deliveries(:job1, :attempt1, :'ticket_id', '{"transports": ["slack"]}') as claim1 \gset
select is(:'claim1'::jsonb -> 'handled' -> 0 ->> 'status', 'held', 'the claim holds it');
select results_eq(
  format($$select delivery_status::text, delivery_error like 'SMTP is not configured%%' from public.responses where id = %L$$, :'answer_id'),
  $$values ('held'::text, true)$$, 'held, saying SMTP is not configured');
select results_eq(
  format($$select status::text, last_error like 'SMTP is not configured%%', payload ->> 'response_id'
           from public.notifications where ticket_id = %L and kind = 'customer_reply'$$, :'ticket_id'),
  format($$values ('stored'::text, true, %L::text)$$, :'answer_id'), 'its outbox row is stored with the reason');

-- TEST: releasing held answers queues them again
select is(app_private.requeue_response_delivery(), 1, 'every held answer is queued again');

select * from finish();
rollback;
