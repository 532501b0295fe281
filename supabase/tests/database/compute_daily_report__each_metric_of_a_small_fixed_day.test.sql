-- Every metric of the daily report on a small day (15 January 2026, UTC) whose figures are
-- worked out by hand: four tickets and a spam, their SLA outcomes, AI analyses with agents'
-- corrections, AI answers in each review state, and what the day spent on AI.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
-- 1. billing › refund_request, high (4 h / 8 h): answered after 30 min, resolved after 4 h
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'high', team_id => :'team_id', assigned_to => :'agent_id',
  category => 'billing', sub_category => 'refund_request', created_at => '2026-01-15 08:00+00') as t1 \gset
-- 2. billing › refund_request, urgent (1 h): answered after 90 min (first response missed), still open
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'urgent', team_id => :'team_id', assigned_to => :'agent_id',
  category => 'billing', sub_category => 'refund_request', created_at => '2026-01-15 09:00+00') as t2 \gset
-- 3. account › password_reset, low: auto-resolved at once
select tests.create_ticket(:'customer_id', status => 'resolved', priority => 'low', team_id => :'team_id',
  category => 'account', sub_category => 'password_reset', created_at => '2026-01-15 10:00+00') as t3 \gset
update public.tickets set is_auto_resolved = true, first_response_at = created_at, resolved_at = created_at where id = :'t3';
-- 4. technical › bug_report, medium: escalated, not answered yet
select tests.create_ticket(:'customer_id', status => 'assigned', priority => 'medium', team_id => :'team_id', assigned_to => :'agent_id',
  category => 'technical', sub_category => 'bug_report', created_at => '2026-01-15 11:00+00') as t4 \gset
update public.tickets set is_escalated = true where id = :'t4';
-- 5. spam, quarantined: left out of every ticket figure
select tests.create_ticket(:'customer_id', status => 'quarantined', created_at => '2026-01-15 12:00+00') as t5 \gset
update public.tickets set is_spam = true where id = :'t5';
-- the days around it
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-01-14 23:59:59+00') as before \gset
select tests.create_ticket(:'customer_id', status => 'queued', created_at => '2026-01-16 00:00+00') as after \gset

insert into public.sla_tracking (ticket_id, priority)
select id, priority from public.tickets where id in (:'t1', :'t2', :'t3', :'t4');
select tests.freeze_time('2026-01-15 08:30+00');
update public.tickets set first_response_at = '2026-01-15 08:30+00', status = 'in_progress' where id = :'t1';
select tests.freeze_time('2026-01-15 10:30+00');
update public.tickets set first_response_at = '2026-01-15 10:30+00', status = 'in_progress' where id = :'t2';
select tests.freeze_time('2026-01-15 12:00+00');
update public.tickets set status = 'resolved', resolved_at = '2026-01-15 12:00+00' where id = :'t1';

insert into public.ai_analysis (ticket_id, category, sub_category, confidence, model_name, total_cost, created_at)
select t.id, coalesce(t.category, 'general'), t.sub_category, 0.9, 'gpt-4o-mini', c.cost, t.created_at
from public.tickets t join (values (:'t1'::uuid, 0.0010), (:'t2'::uuid, 0.0020), (:'t3'::uuid, 0.0005), (:'t4'::uuid, 0.0015),
                                   (:'t5'::uuid, 0.0100), (:'before'::uuid, 0.5000)) c(id, cost) on c.id = t.id;
-- Agents corrected the sub-category of 2 and the priority of 4.
insert into public.ai_corrections (ticket_id, analysis_id, field, ai_value, previous_value, corrected_value)
select a.ticket_id, a.id, c.field, c.ai, c.ai, c.corrected
from public.ai_analysis a join (values (:'t2'::uuid, 'sub_category', 'refund_request', 'payment_failed'),
                                       (:'t4'::uuid, 'priority', 'medium', 'high')) c(id, field, ai, corrected) on c.id = a.ticket_id;
-- AI answers in every review state; a person's answer does not count.
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, review_status,
                              reviewed_by, reviewed_at, sent_at, total_cost, created_at)
values (:'t1', 'outbound', 'email', 'approved', 'ai', true, true, 'approved', :'agent_id', '2026-01-15 08:30+00', '2026-01-15 08:30+00', 0.0100, '2026-01-15 08:20+00'),
       (:'t2', 'outbound', 'email', 'edited', 'ai', true, true, 'edited', :'agent_id', '2026-01-15 10:30+00', '2026-01-15 10:30+00', 0.0200, '2026-01-15 09:20+00'),
       (:'t2', 'outbound', 'email', 'rejected', 'ai', true, true, 'rejected', :'agent_id', '2026-01-15 10:00+00', null, 0.0050, '2026-01-15 09:10+00'),
       (:'t4', 'outbound', 'email', 'pending', 'ai', true, true, 'pending', null, null, null, 0.0030, '2026-01-15 11:10+00'),
       (:'t3', 'outbound', 'email', 'automatic', 'ai', true, false, 'auto_sent', null, null, '2026-01-15 10:00+00', null, '2026-01-15 10:00+00'),
       (:'t1', 'outbound', 'email', 'by a person', 'agent', false, false, null, null, null, '2026-01-15 09:00+00', null, '2026-01-15 09:00+00');

-- TEST
select tests.freeze_time('2026-01-16 09:00+00');
select app_private.compute_daily_report('2026-01-15');
select results_eq(
  $$select total_tickets, tickets_resolved, tickets_auto_resolved, tickets_escalated, tickets_spam
    from public.analytics_daily where date = '2026-01-15'$$,
  $$values (4, 2, 1, 1, 1)$$,
  'tickets: 4 (the spam apart), 2 resolved, 1 by the AI, 1 escalated'
);
select results_eq(
  $$select avg_first_response_minutes, avg_resolution_hours from public.analytics_daily where date = '2026-01-15'$$,
  $$values (40.00::numeric(10, 2), 2.00::numeric(10, 2))$$,
  'first response (30 + 90 + 0 min) / 3 = 40 min; resolution (4 + 0 h) / 2 = 2 h'
);
select results_eq(
  $$select sla_targets_met, sla_targets_breached, sla_compliance_rate, sla_breaches from public.analytics_daily where date = '2026-01-15'$$,
  $$values (4, 1, 80.00::numeric(5, 2), 1)$$,
  'SLA: 4 targets met, 1 missed (80 %), 1 ticket breached; running clocks do not count yet'
);
select results_eq(
  $$select tickets_by_category, tickets_by_priority, top_sub_categories from public.analytics_daily where date = '2026-01-15'$$,
  $$values ('{"account": 1, "billing": 2, "technical": 1}'::jsonb, '{"high": 1, "low": 1, "medium": 1, "urgent": 1}'::jsonb,
            '[{"category": "billing", "sub_category": "refund_request", "tickets": 2},
              {"category": "account", "sub_category": "password_reset", "tickets": 1},
              {"category": "technical", "sub_category": "bug_report", "tickets": 1}]'::jsonb)$$,
  'by category, by priority and the top sub-categories'
);
select results_eq(
  $$select ai_analyses, ai_classification_accuracy, ai_priority_accuracy from public.analytics_daily where date = '2026-01-15'$$,
  $$values (4, 75.00::numeric(5, 2), 75.00::numeric(5, 2))$$,
  'classification accuracy: 3 of 4 analyses uncorrected (a sub-category was); priority likewise'
);
select results_eq(
  $$select ai_responses_generated, ai_responses_sent, ai_approval_rate, ai_review_outcomes from public.analytics_daily where date = '2026-01-15'$$,
  $$values (5, 3, 66.67::numeric(5, 2), '{"pending": 1, "approved": 1, "edited": 1, "rejected": 1, "auto_sent": 1}'::jsonb)$$,
  'AI answers: 5 written, 3 delivered; of 3 reviewed drafts 2 approved (one after editing)'
);
select is((select total_ai_cost from public.analytics_daily where date = '2026-01-15'), 0.0530::numeric(10, 4),
  'AI cost: analyses 0.0150 (the spam''s included) + answers 0.0380');
select is((select computed_at from public.analytics_daily where date = '2026-01-15'), '2026-01-16 09:00+00'::timestamptz,
  'the row says when it was computed');

select * from finish();
rollback;
