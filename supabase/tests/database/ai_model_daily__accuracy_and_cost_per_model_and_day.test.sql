-- ai_model_daily gives per day and model the analyses with their accuracy against agents'
-- corrections, the answers written with their approval, and what both cost.
begin;
set local search_path = extensions, public;
select plan(1);

-- SETUP: 2 July 2031 (UTC): gpt-4o-mini analysed two tickets (one category corrected), the local model one; gpt-4o wrote two answers
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', created_at => '2031-07-02 10:00+00') as t1 \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', created_at => '2031-07-02 10:00+00') as t2 \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', created_at => '2031-07-02 10:00+00') as t3 \gset
insert into public.ai_analysis (ticket_id, category, confidence, model_name, prompt_tokens, completion_tokens, total_cost, created_at)
values (:'t1', 'billing', 0.9, 'gpt-4o-mini', 100, 20, 0.001, '2031-07-02 10:00+00'),
       (:'t2', 'billing', 0.9, 'gpt-4o-mini', 100, 20, 0.001, '2031-07-02 10:00+00'),
       (:'t3', 'general', 0.7, 'local', null, null, 0, '2031-07-02 10:00+00');
insert into public.ai_corrections (ticket_id, analysis_id, field, ai_value, previous_value, corrected_value)
select :'t1', id, 'category', 'billing', 'billing', 'account' from public.ai_analysis where ticket_id = :'t1';
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, review_status,
                              reviewed_by, reviewed_at, sent_at, model_name, total_cost, created_at)
values (:'t1', 'outbound', 'email', 'draft', 'ai', true, true, 'approved', :'agent_id', '2031-07-02 11:00+00', '2031-07-02 11:00+00', 'gpt-4o', 0.01, '2031-07-02 10:30+00'),
       (:'t2', 'outbound', 'email', 'draft', 'ai', true, true, 'rejected', :'agent_id', '2031-07-02 11:00+00', null, 'gpt-4o', 0.01, '2031-07-02 10:30+00');

-- TEST
select results_eq(
  $$select model_name::text, analyses, classification_accuracy, answers_generated, answers_sent, answer_approval_rate, tokens, total_cost
    from public.ai_model_daily where date = '2031-07-02' order by model_name$$,
  $$values ('gpt-4o'::text, 0::bigint, null::numeric, 2::bigint, 1::bigint, 50.00::numeric, 0::bigint, 0.020000::numeric),
           ('gpt-4o-mini', 2, 50.00, 0, 0, null, 240, 0.002000),
           ('local', 1, 100.00, 0, 0, null, 0, 0.000000)$$,
  'per model: the answers of gpt-4o, the analyses of gpt-4o-mini (one corrected) and of the local model'
);

select * from finish();
rollback;
