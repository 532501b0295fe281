-- The edit rate next to the approval rate: of the AI drafts agents reviewed, the percent
-- they sent after editing. daily_metrics reads it from the stored review outcomes of each
-- day; ai_model_daily counts it per day and model. Both views keep their columns and gain
-- the new one at the end.

create or replace view public.daily_metrics with (security_invoker = true) as
select d.date, d.time_zone, d.total_tickets, d.tickets_resolved,
       round(100.0 * d.tickets_resolved / nullif(d.total_tickets, 0), 2) as resolved_rate,
       d.tickets_auto_resolved,
       round(100.0 * d.tickets_auto_resolved / nullif(d.total_tickets, 0), 2) as auto_resolved_rate,
       d.tickets_escalated, d.tickets_spam, d.avg_first_response_minutes, d.avg_resolution_hours,
       d.sla_compliance_rate, d.sla_breaches, d.sla_targets_met, d.sla_targets_breached,
       d.tickets_by_category, d.tickets_by_priority, d.top_sub_categories, d.ai_analyses,
       d.ai_classification_accuracy, d.ai_priority_accuracy, d.ai_responses_generated, d.ai_responses_sent,
       d.ai_approval_rate, d.ai_review_outcomes, d.total_ai_cost, d.computed_at, d.reported_at,
       round(100.0 * coalesce((d.ai_review_outcomes ->> 'edited')::integer, 0)
             / nullif(coalesce((d.ai_review_outcomes ->> 'approved')::integer, 0)
                      + coalesce((d.ai_review_outcomes ->> 'edited')::integer, 0)
                      + coalesce((d.ai_review_outcomes ->> 'rejected')::integer, 0), 0), 2) as ai_edit_rate
from public.analytics_daily d;
comment on column public.daily_metrics.ai_edit_rate is
  'Percent of the day''s reviewed AI drafts that agents edited before sending (edited ÷ approved + edited + rejected).';

create or replace view public.ai_model_daily with (security_invoker = true) as
with z as (
  select app_private.report_time_zone() as tz
), analyses as (
  select (a.created_at at time zone z.tz)::date as date, coalesce(a.model_name, 'unknown') as model_name,
         count(*) as analyses,
         count(*) filter (where exists (select 1 from public.ai_corrections c
                                        where c.analysis_id = a.id and c.field in ('category', 'sub_category'))) as classification_corrections,
         count(*) filter (where exists (select 1 from public.ai_corrections c
                                        where c.analysis_id = a.id and c.field = 'priority')) as priority_corrections,
         count(*) filter (where a.fallback_reason is not null) as fallbacks,
         count(*) filter (where a.cache_hit) as cache_hits,
         sum(coalesce(a.prompt_tokens, 0) + coalesce(a.completion_tokens, 0)) as tokens,
         sum(coalesce(a.total_cost, 0)) as cost
  from public.ai_analysis a cross join z
  group by 1, 2
), answers as (
  select (r.created_at at time zone z.tz)::date as date, coalesce(r.model_name, 'unknown') as model_name,
         count(*) as answers,
         count(*) filter (where r.sent_at is not null) as sent,
         count(*) filter (where r.review_status in ('approved', 'edited')) as approved,
         count(*) filter (where r.review_status = 'edited') as edited,
         count(*) filter (where r.review_status in ('approved', 'edited', 'rejected')) as reviewed,
         sum(coalesce(r.prompt_tokens, 0) + coalesce(r.completion_tokens, 0)) as tokens,
         sum(coalesce(r.total_cost, 0)) as cost
  from public.responses r cross join z
  where r.was_ai_generated and r.direction = 'outbound'
  group by 1, 2
)
select coalesce(a.date, r.date) as date, coalesce(a.model_name, r.model_name) as model_name,
       coalesce(a.analyses, 0) as analyses,
       round(100.0 * (a.analyses - a.classification_corrections) / nullif(a.analyses, 0), 2) as classification_accuracy,
       round(100.0 * (a.analyses - a.priority_corrections) / nullif(a.analyses, 0), 2) as priority_accuracy,
       coalesce(a.fallbacks, 0) as fallbacks, coalesce(a.cache_hits, 0) as cache_hits,
       coalesce(r.answers, 0) as answers_generated, coalesce(r.sent, 0) as answers_sent,
       round(100.0 * r.approved / nullif(r.reviewed, 0), 2) as answer_approval_rate,
       coalesce(a.tokens, 0) + coalesce(r.tokens, 0) as tokens,
       round(coalesce(a.cost, 0), 6) as analysis_cost, round(coalesce(r.cost, 0), 6) as answer_cost,
       round(coalesce(a.cost, 0) + coalesce(r.cost, 0), 6) as total_cost,
       round(100.0 * r.edited / nullif(r.reviewed, 0), 2) as answer_edit_rate
from analyses a
full join answers r on r.date = a.date and r.model_name = a.model_name;
comment on column public.ai_model_daily.answer_edit_rate is
  'Percent of the model''s reviewed answers of the day that agents edited before sending.';
