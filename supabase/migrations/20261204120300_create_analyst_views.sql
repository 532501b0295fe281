-- Views for analysts (Studio or any SQL client). Every one is security_invoker, so row-level
-- security holds: a signed-in agent sees the figures of their own team's tickets, the service
-- role and admins everything. Days and months are local to the time_zone setting; tickets
-- count on the day they arrived; spam (quarantined) is left out.

-- The stored daily reports with their rates.
create view public.daily_metrics with (security_invoker = true) as
select d.date, d.time_zone, d.total_tickets, d.tickets_resolved,
       round(100.0 * d.tickets_resolved / nullif(d.total_tickets, 0), 2) as resolved_rate,
       d.tickets_auto_resolved,
       round(100.0 * d.tickets_auto_resolved / nullif(d.total_tickets, 0), 2) as auto_resolved_rate,
       d.tickets_escalated, d.tickets_spam, d.avg_first_response_minutes, d.avg_resolution_hours,
       d.sla_compliance_rate, d.sla_breaches, d.sla_targets_met, d.sla_targets_breached,
       d.tickets_by_category, d.tickets_by_priority, d.top_sub_categories, d.ai_analyses,
       d.ai_classification_accuracy, d.ai_priority_accuracy, d.ai_responses_generated, d.ai_responses_sent,
       d.ai_approval_rate, d.ai_review_outcomes, d.total_ai_cost, d.computed_at, d.reported_at
from public.analytics_daily d;

-- SLA targets met and missed per arrival day, team and priority.
create view public.sla_compliance with (security_invoker = true) as
select (t.created_at at time zone z.tz)::date as date, t.team_id, tm.name as team_name, t.priority,
       count(*) as tickets,
       count(*) filter (where s.first_response_status = 'met') as first_response_met,
       count(*) filter (where s.first_response_status = 'breached') as first_response_breached,
       count(*) filter (where s.resolution_status = 'met') as resolution_met,
       count(*) filter (where s.resolution_status = 'breached') as resolution_breached,
       count(*) filter (where s.status = 'active') as running,
       count(*) filter (where s.status = 'breached') as breached_tickets,
       round(100.0 * (count(*) filter (where s.first_response_status = 'met')
                      + count(*) filter (where s.resolution_status = 'met'))
             / nullif(count(*) filter (where s.first_response_status <> 'active')
                      + count(*) filter (where s.resolution_status <> 'active'), 0), 2) as compliance_rate
from public.tickets t
join public.sla_tracking s on s.ticket_id = t.id
left join public.teams tm on tm.id = t.team_id
cross join (select app_private.report_time_zone() as tz) z
group by 1, 2, 3, 4;

-- Per agent and month: the tickets they hold (by arrival month), their median first response
-- and resolution, how many of their resolved tickets were reopened, and the AI drafts they
-- reviewed (by review month).
create view public.agent_performance with (security_invoker = true) as
with z as (
  select app_private.report_time_zone() as tz
), handled as (
  select date_trunc('month', t.created_at at time zone z.tz)::date as month, t.assigned_to as agent_id,
         count(*) as tickets_handled,
         count(*) filter (where t.status in ('resolved', 'closed')) as tickets_resolved,
         percentile_cont(0.5) within group (order by extract(epoch from t.first_response_at - t.created_at) / 60)
           filter (where t.first_response_at is not null) as first_response_minutes,
         percentile_cont(0.5) within group (order by extract(epoch from t.resolved_at - t.created_at) / 3600)
           filter (where t.status in ('resolved', 'closed')) as resolution_hours,
         count(*) filter (where t.reopened_count > 0) as tickets_reopened,
         count(*) filter (where t.resolved_at is not null or t.reopened_count > 0) as tickets_ever_resolved
  from public.tickets t cross join z
  where t.assigned_to is not null
  group by 1, 2
), reviews as (
  select date_trunc('month', r.reviewed_at at time zone z.tz)::date as month, r.reviewed_by as agent_id,
         count(*) as drafts_reviewed,
         count(*) filter (where r.review_status = 'approved') as drafts_approved,
         count(*) filter (where r.review_status = 'edited') as drafts_edited,
         count(*) filter (where r.review_status = 'rejected') as drafts_rejected,
         avg(r.edit_distance) filter (where r.review_status = 'edited') as edit_distance
  from public.responses r cross join z
  where r.reviewed_by is not null and r.review_status in ('approved', 'edited', 'rejected')
  group by 1, 2
)
select coalesce(h.month, v.month) as month, a.id as agent_id, a.name as agent_name, a.team_id, tm.name as team_name,
       coalesce(h.tickets_handled, 0) as tickets_handled, coalesce(h.tickets_resolved, 0) as tickets_resolved,
       round(h.first_response_minutes::numeric, 1) as median_first_response_minutes,
       round(h.resolution_hours::numeric, 2) as median_resolution_hours,
       coalesce(h.tickets_reopened, 0) as tickets_reopened,
       round(100.0 * h.tickets_reopened / nullif(h.tickets_ever_resolved, 0), 2) as reopen_rate,
       coalesce(v.drafts_reviewed, 0) as drafts_reviewed, coalesce(v.drafts_approved, 0) as drafts_approved,
       coalesce(v.drafts_edited, 0) as drafts_edited, coalesce(v.drafts_rejected, 0) as drafts_rejected,
       round(100.0 * (v.drafts_approved + v.drafts_edited) / nullif(v.drafts_reviewed, 0), 2) as review_approval_rate,
       round(v.edit_distance, 1) as avg_edit_distance
from handled h
full join reviews v on v.month = h.month and v.agent_id = h.agent_id
join public.agents a on a.id = coalesce(h.agent_id, v.agent_id)
left join public.teams tm on tm.id = a.team_id;

-- Negative sentiment (angry, frustrated) per arrival day and category, against the mean share
-- of the 14 days before. A spike: at least 10 analysed tickets that day, at least 3 earlier
-- days with tickets in the window, and a negative share 15 percentage points or more above
-- their mean.
create view public.sentiment_trend with (security_invoker = true) as
with z as (
  select app_private.report_time_zone() as tz
), daily as (
  select (t.created_at at time zone z.tz)::date as date, coalesce(t.category, 'uncategorised') as category,
         count(*) as tickets,
         count(*) filter (where t.sentiment_emotion in ('angry', 'frustrated')) as negative_tickets,
         round(avg(t.sentiment_intensity) filter (where t.sentiment_emotion in ('angry', 'frustrated')), 1)
           as avg_negative_intensity
  from public.tickets t cross join z
  where t.sentiment_emotion is not null and not t.is_spam and t.status <> 'quarantined'
  group by 1, 2
), shares as (
  select d.*, d.negative_tickets::numeric / d.tickets as negative_share,
         avg(d.negative_tickets::numeric / d.tickets) over w as baseline_share,
         count(*) over w as baseline_days
  from daily d
  window w as (partition by d.category order by d.date
               range between interval '14 days' preceding and interval '1 day' preceding)
)
select s.date, s.category, s.tickets, s.negative_tickets, round(s.negative_share, 4) as negative_share,
       s.avg_negative_intensity, round(s.baseline_share, 4) as baseline_negative_share, s.baseline_days,
       coalesce(s.tickets >= 10 and s.baseline_days >= 3 and s.negative_share >= s.baseline_share + 0.15, false) as spike
from shares s;

-- Category › sub-category per arrival day, ranked by tickets.
create view public.top_issues with (security_invoker = true) as
with z as (
  select app_private.report_time_zone() as tz
), daily as (
  select (t.created_at at time zone z.tz)::date as date, t.category, t.sub_category,
         count(*) as tickets,
         count(*) filter (where t.sentiment_emotion in ('angry', 'frustrated')) as negative_tickets,
         count(*) filter (where t.is_escalated) as escalated_tickets,
         count(*) filter (where t.status in ('resolved', 'closed')) as resolved_tickets,
         round(avg(extract(epoch from t.resolved_at - t.created_at) / 3600)
                 filter (where t.status in ('resolved', 'closed')), 2) as avg_resolution_hours
  from public.tickets t cross join z
  where t.category is not null and t.sub_category is not null and not t.is_spam and t.status <> 'quarantined'
  group by 1, 2, 3
)
select d.date, rank() over (partition by d.date order by d.tickets desc) as rank, d.category, d.sub_category,
       d.tickets, round(100.0 * d.tickets / sum(d.tickets) over (partition by d.date), 2) as share_of_day,
       d.negative_tickets, d.escalated_tickets, d.resolved_tickets, d.avg_resolution_hours
from daily d;

-- AI accuracy and cost per local day and model: the analyses (accuracy against agents'
-- corrections, fallbacks, cache hits) and the answers the model wrote (sent, reviewed).
create view public.ai_model_daily with (security_invoker = true) as
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
       round(coalesce(a.cost, 0) + coalesce(r.cost, 0), 6) as total_cost
from analyses a
full join answers r on r.date = a.date and r.model_name = a.model_name;

-- Pipeline health: every stage (also one without jobs yet), with its queue depth, what is due
-- and retrying, and how long the oldest open job has existed and the oldest due one waited.
create or replace view public.pipeline_health as
select s.stage,
       count(j.id) filter (where j.status = 'queued') as queued,
       count(j.id) filter (where j.status = 'queued' and j.run_after <= now()) as due,
       count(j.id) filter (where j.status = 'running') as running,
       count(j.id) filter (where j.status = 'dead') as dead,
       count(j.id) filter (where j.status = 'done') as done,
       max(now() - j.created_at) filter (where j.status in ('queued', 'running')) as oldest_open_age,
       count(j.id) filter (where j.status = 'queued' and j.attempts > 0) as retrying,
       max(now() - j.run_after) filter (where j.status = 'queued' and j.run_after <= now()) as oldest_due_age
from app_private.pipeline_stages s
left join app_private.jobs j on j.stage = s.stage
group by s.stage;

revoke all on public.daily_metrics, public.sla_compliance, public.agent_performance, public.sentiment_trend,
  public.top_issues, public.ai_model_daily from anon, authenticated;
grant select on public.daily_metrics, public.sla_compliance, public.agent_performance, public.sentiment_trend,
  public.top_issues, public.ai_model_daily to authenticated, service_role;
revoke all on public.pipeline_health from anon, authenticated;
grant select on public.pipeline_health to service_role;
