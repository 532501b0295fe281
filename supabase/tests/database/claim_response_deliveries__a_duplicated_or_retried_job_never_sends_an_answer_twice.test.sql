-- Never twice: a claimed e-mail answer is 'sending' with a claim token; a second job for
-- the ticket while it is in flight gets nothing to send (and is retried later); once it is
-- recorded as sent, a duplicated job finds nothing to send; a result recorded with a stale
-- claim token changes nothing.
begin;
set local search_path = extensions, public;
select plan(7);

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
select tests.claim_job(:job1, 180) as attempt1 \gset

-- TEST: the first job claims the answer with our Message-ID recorded before it leaves
select app_private.claim_response_deliveries(:job1, :attempt1, :'ticket_id',
  '{"transports": ["email"], "message_id_domain": "support.example.com"}') as claim1 \gset
select is(jsonb_array_length(:'claim1'::jsonb -> 'deliveries'), 1, 'the first job gets the answer to send');
select results_eq(
  format($$select delivery_status::text, delivery_attempts from public.responses where id = %L$$, :'answer_id'),
  $$values ('sending'::text, 1)$$, 'the answer is claimed as sending, attempt 1');
select is((select count(*)::int from public.ticket_message_ids where response_id = :'answer_id'
           and direction = 'outbound' and external_id = 'ists.' || :'answer_id' || '@support.example.com'), 1,
  'its Message-ID is known as ours before it is sent');

-- TEST: a duplicated job while it is in flight gets nothing and is retried
select app_private.enqueue_job('send', :'ticket_id', jsonb_build_object('response_id', :'answer_id')) as job2 \gset
select tests.claim_job(:job2) as attempt2 \gset
select app_private.claim_response_deliveries(:job2, :attempt2, :'ticket_id',
  '{"transports": ["email"], "message_id_domain": "support.example.com"}') as claim2 \gset
select results_eq(
  format($$select jsonb_array_length(%L::jsonb -> 'deliveries'), (%L::jsonb ->> 'busy')::int$$, :'claim2', :'claim2'),
  $$values (0, 1)$$, 'the duplicate sends nothing: the answer is in flight');
select is(app_private.record_response_deliveries(:job2, :attempt2, '[]', 1) ->> 'outcome', 'queued',
  'the duplicate job is retried later');

-- TEST: a stale claim token records nothing; the real one records the delivery
select app_private.record_response_deliveries(:job1, :attempt1, jsonb_build_array(jsonb_build_object(
  'response_id', :'answer_id', 'claim', gen_random_uuid(), 'outcome', 'failed', 'error', 'late'))) as stale_out \gset
select is((select delivery_status::text from public.responses where id = :'answer_id'), 'sending',
  'a result with another claim token changes nothing');
select app_private.record_response_deliveries(:job1, :attempt1, jsonb_build_array(jsonb_build_object(
  'response_id', :'answer_id', 'claim', :'claim1'::jsonb -> 'deliveries' -> 0 ->> 'claim', 'outcome', 'sent',
  'via', 'email', 'external_id', '<ists.' || :'answer_id' || '@support.example.com>')));

-- TEST: the retried duplicate finds the answer sent and sends nothing
update app_private.jobs set run_after = now() where id = :job2;
select tests.claim_job(:job2) as attempt3 \gset
select is(jsonb_array_length(app_private.claim_response_deliveries(:job2, :attempt3, :'ticket_id',
  '{"transports": ["email"], "message_id_domain": "support.example.com"}') -> 'deliveries'), 0,
  'once sent, a duplicated job has nothing to send');

select * from finish();
rollback;
