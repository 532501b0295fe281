-- A crash between sending and recording leaves the answer 'sending'. When its lease has run
-- out, the next attempt does not send an e-mail again: it marks it 'uncertain', logs and
-- alerts, and the job completes. An operator who checked resends it with
-- requeue_response_delivery().
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.use_unique_functions_base_url();
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'ticket_id', 'outbound', 'email', 'Hi, here is the fix.', 'agent', :'agent_id')
returning id as answer_id \gset
set constraints all immediate;
select id as job1 from app_private.jobs where stage = 'send' and ticket_id = :'ticket_id' \gset
select tests.claim_job(:job1) as attempt1 \gset
select app_private.claim_response_deliveries(:job1, :attempt1, :'ticket_id',
  '{"transports": ["email"], "message_id_domain": "support.example.com"}');
-- The worker crashed after the SMTP server had the message: nothing recorded, lease over.
update public.responses set delivery_locked_until = now() - interval '1 second' where id = :'answer_id';
select app_private.enqueue_job('send', :'ticket_id', jsonb_build_object('response_id', :'answer_id')) as job2 \gset
select tests.claim_job(:job2) as attempt2 \gset

-- TEST: the next attempt sends nothing and marks it uncertain
select app_private.claim_response_deliveries(:job2, :attempt2, :'ticket_id',
  '{"transports": ["email"], "message_id_domain": "support.example.com"}') as claim2 \gset
select is(jsonb_array_length(:'claim2'::jsonb -> 'deliveries'), 0, 'nothing is sent again');
select results_eq(
  format($$select delivery_status::text, sent_at is null from public.responses where id = %L$$, :'answer_id'),
  $$values ('uncertain'::text, true)$$, 'the answer is uncertain, not sent');
select ok(exists (select 1 from public.error_logs where ticket_id = :'ticket_id' and error_type = 'response_uncertain'),
  'the uncertainty is logged');
select ok(exists (select 1 from public.notifications where kind = 'pipeline_alert'
                  and payload ->> 'text' like '%may or may not have reached the customer%' || :'answer_id' || '%'),
  'and alerted, with how to resend it');
select is(app_private.record_response_deliveries(:job2, :attempt2, '[]') ->> 'outcome', 'done', 'the job completes');

-- TEST: an operator who checked resends it
select is(app_private.requeue_response_delivery(:'answer_id'), 1, 'requeue_response_delivery queues it again');

select * from finish();
rollback;
