-- The daily report: at report_hour (9:00) in the organisation's time zone, yesterday's row of
-- analytics_daily is computed and posted to Slack once. pg_cron runs in UTC, so the job runs
-- every hour and SQL decides, from the local wall-clock hour, whether the report is due: a
-- DST change moves the UTC hour, never the local one. A day is the local calendar day (23 or
-- 25 hours long around a DST change). Tickets are counted on the day they arrived, with what
-- has happened to them by the time the row is computed (computed_at); AI work (analyses,
-- answers, their cost) on the day it was done.

insert into app_private.settings (key, value, description) values
  ('report_hour', '9', 'Local hour (0-23, in the time_zone setting) at which yesterday''s daily report is computed and posted'),
  ('report_slack_channel_id', '', 'Slack channel of the daily report (empty: the alerts_slack_channel_id channel)')
on conflict (key) do nothing;

insert into public.notification_kinds (kind, description) values
  ('daily_report', 'the daily support metrics report (no ticket)');

alter table public.analytics_daily
  add column time_zone text,
  add column tickets_escalated integer,
  add column tickets_spam integer,
  add column sla_targets_met integer,
  add column sla_targets_breached integer,
  add column top_sub_categories jsonb,
  add column ai_analyses integer,
  add column ai_priority_accuracy numeric(5, 2),
  add column ai_responses_generated integer,
  add column ai_responses_sent integer,
  add column ai_approval_rate numeric(5, 2),
  add column ai_review_outcomes jsonb,
  add column computed_at timestamptz,
  add column reported_at timestamptz,
  add column report_notification_id uuid references public.notifications (id) on delete set null;
comment on table public.analytics_daily is 'One row per local day (time_zone): the daily report''s metrics. Tickets are counted on the day they arrived, as they stood at computed_at; spam is left out of every ticket figure.';
comment on column public.analytics_daily.total_tickets is 'Tickets that arrived that day (not spam).';
comment on column public.analytics_daily.tickets_resolved is 'Of those, resolved or closed at computed_at.';
comment on column public.analytics_daily.tickets_auto_resolved is 'Of those, resolved by the AI without an agent.';
comment on column public.analytics_daily.avg_first_response_minutes is 'Mean time from arrival to the first answer, of the day''s answered tickets.';
comment on column public.analytics_daily.avg_resolution_hours is 'Mean time from arrival to resolution, of the day''s resolved tickets.';
comment on column public.analytics_daily.sla_compliance_rate is 'Percent of the day''s settled SLA targets (first response and resolution, each) that were met.';
comment on column public.analytics_daily.sla_breaches is 'The day''s tickets that missed either SLA deadline.';
comment on column public.analytics_daily.tickets_by_category is 'Tickets per category, {"billing": 12, ...}.';
comment on column public.analytics_daily.tickets_by_priority is 'Tickets per priority, {"urgent": 3, ...}.';
comment on column public.analytics_daily.top_sub_categories is 'The five most frequent category › sub-category pairs, [{"category", "sub_category", "tickets"}].';
comment on column public.analytics_daily.ai_classification_accuracy is 'Percent of the day''s analyses (of non-spam tickets) whose category and sub-category no agent corrected.';
comment on column public.analytics_daily.ai_priority_accuracy is 'Percent of the day''s analyses whose priority no agent corrected.';
comment on column public.analytics_daily.ai_responses_generated is 'AI-written answers created that day (drafts and automatic answers).';
comment on column public.analytics_daily.ai_responses_sent is 'Of those, delivered to the customer (sent_at set).';
comment on column public.analytics_daily.ai_approval_rate is 'Percent of the day''s AI drafts an agent reviewed that were approved as written or after editing (rejected = not approved); null without reviews.';
comment on column public.analytics_daily.ai_review_outcomes is 'The day''s AI answers per review status: {"pending", "approved", "edited", "rejected", "auto_sent"}.';
comment on column public.analytics_daily.total_ai_cost is 'US dollars spent on AI that day: analyses plus answers.';
comment on column public.analytics_daily.reported_at is 'When the report of this day was posted (at most once).';

-- The report (and the dashboard) count arrivals by day.
create index tickets_created_at_idx on public.tickets (created_at);
create index ai_analysis_created_at_idx on public.ai_analysis (created_at);
create index responses_ai_created_at_idx on public.responses (created_at) where was_ai_generated;

-- The organisation's IANA time zone (setting time_zone; UTC when unset or not a zone name).
-- security definer: views run as the signed-in agent, who may not read app_private.settings.
create function app_private.report_time_zone()
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce((select z.name from pg_catalog.pg_timezone_names z
                   where z.name = app_private.get_setting('time_zone')), 'UTC')
$$;

-- Computes (or recomputes) the analytics_daily row of a local day and returns it. Idempotent:
-- one row per date, replaced by each run; the posting state of the row is kept. p_now (when
-- it is computed) defaults to the SLA clock's now.
create function app_private.compute_daily_report(p_date date, p_now timestamptz default null)
returns public.analytics_daily
language plpgsql
set search_path = ''
as $$
declare
  v_tz text := app_private.report_time_zone();
  v_from timestamptz := p_date::timestamp at time zone v_tz;
  v_to timestamptz := (p_date + 1)::timestamp at time zone v_tz;
  v_row public.analytics_daily;
begin
  if p_date is null then
    raise exception 'a report needs a date' using errcode = '22004';
  end if;
  with day as (
    select t.id, t.category, t.sub_category, t.priority, t.status, t.created_at, t.first_response_at,
           t.resolved_at, t.is_auto_resolved, t.is_escalated, t.is_spam or t.status = 'quarantined' as spam
    from public.tickets t
    where t.created_at >= v_from and t.created_at < v_to
  ), work as (
    select * from day where not spam
  ), counts as (
    select count(*) as total,
           count(*) filter (where w.status in ('resolved', 'closed')) as resolved,
           count(*) filter (where w.is_auto_resolved) as auto_resolved,
           count(*) filter (where w.is_escalated) as escalated,
           round(avg(extract(epoch from w.first_response_at - w.created_at)) / 60, 2) as first_response_minutes,
           round(avg(extract(epoch from w.resolved_at - w.created_at))
                   filter (where w.status in ('resolved', 'closed')) / 3600, 2) as resolution_hours
    from work w
  ), sla as (
    select count(*) filter (where s.first_response_status = 'met')
             + count(*) filter (where s.resolution_status = 'met') as met,
           count(*) filter (where s.first_response_status = 'breached')
             + count(*) filter (where s.resolution_status = 'breached') as breached,
           count(*) filter (where s.status = 'breached') as breached_tickets
    from work w join public.sla_tracking s on s.ticket_id = w.id
  ), analyses as (
    select count(*) filter (where not coalesce(t.is_spam or t.status = 'quarantined', false)) as n,
           count(*) filter (where not coalesce(t.is_spam or t.status = 'quarantined', false)
             and exists (select 1 from public.ai_corrections c
                         where c.analysis_id = a.id and c.field in ('category', 'sub_category'))) as class_corrected,
           count(*) filter (where not coalesce(t.is_spam or t.status = 'quarantined', false)
             and exists (select 1 from public.ai_corrections c
                         where c.analysis_id = a.id and c.field = 'priority')) as priority_corrected,
           coalesce(sum(a.total_cost), 0) as cost
    from public.ai_analysis a
    left join public.tickets t on t.id = a.ticket_id
    where a.created_at >= v_from and a.created_at < v_to
  ), answers as (
    select count(*) as generated,
           count(*) filter (where r.sent_at is not null) as sent,
           count(*) filter (where r.review_status in ('approved', 'edited')) as approved,
           count(*) filter (where r.review_status in ('approved', 'edited', 'rejected')) as reviewed,
           jsonb_build_object('pending', count(*) filter (where r.review_status = 'pending'),
                              'approved', count(*) filter (where r.review_status = 'approved'),
                              'edited', count(*) filter (where r.review_status = 'edited'),
                              'rejected', count(*) filter (where r.review_status = 'rejected'),
                              'auto_sent', count(*) filter (where r.review_status = 'auto_sent')) as outcomes,
           coalesce(sum(r.total_cost), 0) as cost
    from public.responses r
    where r.was_ai_generated and r.direction = 'outbound' and r.created_at >= v_from and r.created_at < v_to
  )
  insert into public.analytics_daily (
    date, time_zone, total_tickets, tickets_resolved, tickets_auto_resolved, tickets_escalated, tickets_spam,
    avg_first_response_minutes, avg_resolution_hours, sla_compliance_rate, sla_breaches, sla_targets_met,
    sla_targets_breached, tickets_by_category, tickets_by_priority, top_sub_categories, ai_analyses,
    ai_classification_accuracy, ai_priority_accuracy, ai_responses_generated, ai_responses_sent,
    ai_approval_rate, ai_review_outcomes, total_ai_cost, computed_at)
  select p_date, v_tz, c.total, c.resolved, c.auto_resolved, c.escalated, (select count(*) from day d where d.spam),
         c.first_response_minutes, c.resolution_hours,
         round(100.0 * s.met / nullif(s.met + s.breached, 0), 2), s.breached_tickets, s.met, s.breached,
         (select coalesce(jsonb_object_agg(x.category, x.n order by x.category), '{}')
          from (select coalesce(w.category, 'uncategorised') as category, count(*) as n from work w group by 1) x),
         (select coalesce(jsonb_object_agg(x.priority, x.n order by x.priority), '{}')
          from (select w.priority, count(*) as n from work w group by 1) x),
         (select coalesce(jsonb_agg(jsonb_build_object('category', x.category, 'sub_category', x.sub_category,
                                                       'tickets', x.n) order by x.n desc, x.category, x.sub_category), '[]')
          from (select w.category, w.sub_category, count(*) as n from work w where w.sub_category is not null
                group by 1, 2 order by 3 desc, 1, 2 limit 5) x),
         an.n, round(100.0 * (an.n - an.class_corrected) / nullif(an.n, 0), 2),
         round(100.0 * (an.n - an.priority_corrected) / nullif(an.n, 0), 2),
         r.generated, r.sent, round(100.0 * r.approved / nullif(r.reviewed, 0), 2), r.outcomes,
         round(an.cost + r.cost, 4), coalesce(p_now, app_private.sla_now())
  from counts c, sla s, analyses an, answers r
  on conflict (date) do update set
    time_zone = excluded.time_zone, total_tickets = excluded.total_tickets,
    tickets_resolved = excluded.tickets_resolved, tickets_auto_resolved = excluded.tickets_auto_resolved,
    tickets_escalated = excluded.tickets_escalated, tickets_spam = excluded.tickets_spam,
    avg_first_response_minutes = excluded.avg_first_response_minutes,
    avg_resolution_hours = excluded.avg_resolution_hours, sla_compliance_rate = excluded.sla_compliance_rate,
    sla_breaches = excluded.sla_breaches, sla_targets_met = excluded.sla_targets_met,
    sla_targets_breached = excluded.sla_targets_breached, tickets_by_category = excluded.tickets_by_category,
    tickets_by_priority = excluded.tickets_by_priority, top_sub_categories = excluded.top_sub_categories,
    ai_analyses = excluded.ai_analyses, ai_classification_accuracy = excluded.ai_classification_accuracy,
    ai_priority_accuracy = excluded.ai_priority_accuracy, ai_responses_generated = excluded.ai_responses_generated,
    ai_responses_sent = excluded.ai_responses_sent, ai_approval_rate = excluded.ai_approval_rate,
    ai_review_outcomes = excluded.ai_review_outcomes, total_ai_cost = excluded.total_ai_cost,
    computed_at = excluded.computed_at
  returning * into v_row;
  return v_row;
end;
$$;

-- Posts the report of a local day to Slack once: computes the row unless it was posted
-- already, then claims the posting on the row (so overlapping or repeated runs post nothing
-- more) and writes the message into the outbox for the notify stage. Returns what it did.
create function app_private.post_daily_report(p_date date, p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_row public.analytics_daily;
  v_base text := rtrim(coalesce(app_private.get_setting('functions_base_url'), ''), '/');
  v_notification uuid;
begin
  if exists (select 1 from public.analytics_daily d where d.date = p_date and d.reported_at is not null) then
    return jsonb_build_object('date', p_date, 'posted', false, 'reason', 'already posted');
  end if;
  perform app_private.compute_daily_report(p_date, p_now);
  -- The row lock taken by the upsert above serialises overlapping runs; only one claims.
  update public.analytics_daily d set reported_at = coalesce(p_now, app_private.sla_now())
  where d.date = p_date and d.reported_at is null
  returning * into v_row;
  if not found then
    return jsonb_build_object('date', p_date, 'posted', false, 'reason', 'already posted');
  end if;
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  values (null, 'daily_report', 'slack',
          coalesce(nullif(app_private.get_setting('report_slack_channel_id'), ''),
                   nullif(app_private.get_setting('alerts_slack_channel_id'), '')),
          jsonb_build_object(
            'organisation', coalesce(nullif(app_private.get_setting('organisation_name'), ''), 'Support'),
            'dashboard_url', coalesce(nullif(app_private.get_setting('dashboard_url'), ''),
                                      case when v_base <> '' then v_base || '/functions/v1/dashboard' end),
            'report', to_jsonb(v_row) - 'id' - 'created_at' - 'reported_at' - 'report_notification_id'))
  returning id into v_notification;
  update public.analytics_daily d set report_notification_id = v_notification where d.date = p_date;
  perform app_private.enqueue_job('notify', null, '{"report": true}');
  return jsonb_build_object('date', p_date, 'posted', true, 'notification_id', v_notification);
end;
$$;

-- pg_cron, every hour (UTC): when the local hour is report_hour (or up to five hours later,
-- to catch up after an outage), posts yesterday's report unless it was posted. p_now defaults
-- to the SLA clock's now (tests freeze it).
create function app_private.run_daily_report(p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_tz text := app_private.report_time_zone();
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
  v_local timestamp := v_now at time zone v_tz;
  v_setting text := app_private.get_setting('report_hour');
  v_hour integer := coalesce(case when v_setting ~ '^\d{1,2}$' then
                               case when v_setting::integer <= 23 then v_setting::integer end end, 9);
  v_local_hour integer := extract(hour from v_local)::integer;
begin
  if v_local_hour < v_hour or v_local_hour > least(v_hour + 5, 23) then
    return jsonb_build_object('due', false, 'local_time', v_local, 'time_zone', v_tz);
  end if;
  return app_private.post_daily_report(v_local::date - 1, v_now) || jsonb_build_object('due', true, 'time_zone', v_tz);
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
grant execute on function app_private.report_time_zone() to authenticated;

select cron.schedule('ists-daily-report', '0 * * * *', 'select app_private.run_daily_report()');
