-- API and web tickets are answered by the signed answer.sent webhook: the claim dispatches
-- the answer to the subscribers (delivery_status 'dispatched', nothing for the function to
-- send), and the first acknowledged delivery marks it sent and sets first_response_at.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP
select tests.use_unique_functions_base_url();
insert into public.webhook_subscriptions (name, url, secret, event_types)
values ('pgTAP backend', 'https://backend.example.com/ists', 'pgtap-secret-0123456789', '{answer.sent}') returning id as sub_id \gset
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id', channel => 'api') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'ticket_id', 'outbound', 'api', 'Hi, here is the fix.', 'agent', :'agent_id') returning id as answer_id \gset
set constraints all immediate;
select id as job1 from app_private.jobs where stage = 'send' and ticket_id = :'ticket_id' \gset
select tests.claim_job(:job1) as attempt1 \gset

-- TEST: the claim dispatches it to the webhook; the function sends nothing itself
select app_private.claim_response_deliveries(:job1, :attempt1, :'ticket_id', '{"transports": []}') as claim1 \gset
select is(jsonb_array_length(:'claim1'::jsonb -> 'deliveries'), 0, 'nothing for the function to send');
select results_eq(
  format($$select r.delivery_status::text, e.body::jsonb -> 'data' -> 'answer' ->> 'body', d.subscription_id
           from public.responses r join public.webhook_events e on e.response_id = r.id
           join public.webhook_deliveries d on d.event_id = e.id where r.id = %L$$, :'answer_id'),
  format($$values ('dispatched'::text, 'Hi, here is the fix.'::text, %L::uuid)$$, :'sub_id'),
  'the answer is dispatched as the answer.sent webhook');

-- TEST: the first 2xx marks it sent and sets first_response_at
select d.id as delivery_id from public.webhook_deliveries d join public.webhook_events e on e.id = d.event_id
where e.response_id = :'answer_id' \gset
update public.webhook_deliveries set next_attempt_at = '-infinity' where id = :delivery_id;
select count(*) from app_private.claim_webhook_deliveries(10) where delivery_id = :delivery_id;
select app_private.record_webhook_deliveries(jsonb_build_array(
  jsonb_build_object('delivery_id', :delivery_id, 'attempt', 1, 'status', 204, 'retryable', false)));
select results_eq(
  format($$select delivery_status::text, delivered_via::text, sent_at is not null from public.responses where id = %L$$, :'answer_id'),
  $$values ('sent'::text, 'webhook'::text, true)$$, 'the acknowledged answer is sent');
select ok((select first_response_at is not null from public.tickets where id = :'ticket_id'), 'first_response_at is set');

select * from finish();
rollback;
