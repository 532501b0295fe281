-- Recording a drafted answer: one that passed every gate with confidence above 0.9 for a
-- qualifying ticket is stored as auto_sent and queues the send stage with its id; one with a
-- failed gate is a pending draft with its reasons; both leave a response_drafted event; a
-- stale claim records nothing.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(name => 'Priya Example'), status => 'queued', team_id => :'team_id',
  category => 'billing', sub_category => 'subscription_change') as auto_id \gset
select tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'queued', team_id => :'team_id',
  category => 'billing', sub_category => 'subscription_change') as draft_id \gset
select app_private.enqueue_job('respond', :'auto_id') as auto_job \gset
select app_private.enqueue_job('respond', :'draft_id') as draft_job \gset
select tests.claim_job(:auto_job) as auto_attempt \gset
select tests.claim_job(:draft_job) as draft_attempt \gset
select '{"has_greeting": {"pass": true}, "has_closing": {"pass": true}, "length_ok": {"pass": true},
         "no_placeholders": {"pass": true}, "mentions_name": {"pass": true},
         "no_unauthorized_promises": {"pass": true}, "cites_kb": {"pass": true},
         "no_template_tokens": {"pass": true}, "no_echoed_instructions": {"pass": true}}' as gates \gset

-- TEST: the qualifying answer is auto-sent and queues the send stage
select app_private.record_response(:auto_job, :auto_attempt, :'auto_id', jsonb_build_object(
  'body', 'Hi Priya, here is how.', 'confidence', 0.95, 'model', 'local-template', 'gates', :'gates'::jsonb,
  'auto_send', true, 'language', 'en')) as auto_out \gset
select is(:'auto_out'::jsonb ->> 'outcome', 'auto_sent', 'the answer is auto-sent');
select results_eq(
  format($$select review_status::text, ai_draft, was_ai_generated, sender_type::text, direction::text, review_reasons
           from public.responses where id = %L$$, :'auto_out'::jsonb ->> 'response_id'),
  $$values ('auto_sent'::text, false, true, 'ai'::text, 'outbound'::text, '{}'::text[])$$,
  'it is stored as an AI answer sent without review');
select results_eq(
  format($$select status, payload ->> 'response_id' from app_private.jobs where stage = 'send' and ticket_id = %L$$, :'auto_id'),
  format($$values ('queued'::text, %L::text)$$, :'auto_out'::jsonb ->> 'response_id'),
  'a send job carries the response id');
select is((select event_data ->> 'decision' from public.ticket_events where ticket_id = :'auto_id' and event_type = 'response_drafted'),
  'auto_send', 'the decision is recorded as an event');

-- TEST: a failed gate keeps a pending draft with the reason, and queues nothing
select app_private.record_response(:draft_job, :draft_attempt, :'draft_id', jsonb_build_object(
  'body', 'Sam, here is how.', 'confidence', 0.95, 'model', 'local-template', 'auto_send', true,
  'gates', jsonb_set(:'gates'::jsonb, '{has_greeting}', '{"pass": false, "detail": "no greeting"}'))) as draft_out \gset
select is(:'draft_out'::jsonb ->> 'outcome', 'draft', 'the answer is kept as a draft');
select results_eq(
  format($$select review_status::text, ai_draft, review_reasons, quality_gates -> 'has_greeting' ->> 'detail'
           from public.responses where id = %L$$, :'draft_out'::jsonb ->> 'response_id'),
  $$values ('pending'::text, true, '{gate_has_greeting}'::text[], 'no greeting'::text)$$,
  'pending, with the failed gate as its reason and the gate results stored');
select is((select count(*) from app_private.jobs where stage = 'send' and ticket_id = :'draft_id'), 0::bigint,
  'no send job for a draft');
select is((select event_data -> 'failed_gates' from public.ticket_events where ticket_id = :'draft_id' and event_type = 'response_drafted'),
  '["has_greeting"]'::jsonb, 'the event names the failed gate');

-- TEST: a stale claim raises and stores nothing
select throws_ok(
  format($$select app_private.record_response(%s, 99, %L, '{"body": "late"}')$$, :auto_job, :'auto_id'),
  'P0001', format('job %s attempt 99 is no longer claimed', :auto_job), 'a stale claim is refused');

select * from finish();
rollback;
