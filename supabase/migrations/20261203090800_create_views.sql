-- Views for agents, leads and operators. security_invoker keeps row-level security in force.

create view public.active_tickets_view with (security_invoker = true) as
select
  t.*,
  a.category as ai_category,
  a.confidence,
  a.sentiment_emotion as ai_sentiment_emotion,
  ag.name as agent_name,
  tm.name as team_name,
  s.first_response_deadline,
  s.resolution_deadline
from public.tickets t
left join lateral (
  select x.category, x.confidence, x.sentiment_emotion from public.ai_analysis x
  where x.ticket_id = t.id order by x.created_at desc limit 1
) a on true
left join public.agents ag on ag.id = t.assigned_to
left join public.teams tm on tm.id = t.team_id
left join public.sla_tracking s on s.ticket_id = t.id
where t.status not in ('resolved', 'closed')
order by app_private.priority_rank(t.priority), t.created_at;

create view public.agent_workload with (security_invoker = true) as
select
  a.id,
  a.name,
  a.team_id,
  a.skill_level,
  a.is_available,
  a.max_concurrent_tickets,
  count(t.id) as current_tickets,
  a.max_concurrent_tickets - count(t.id) as capacity_remaining,
  a.last_assigned_at
from public.agents a
left join public.tickets t on t.assigned_to = a.id and t.status in ('assigned', 'in_progress')
group by a.id
order by current_tickets desc;

create view public.team_queue with (security_invoker = true) as
select
  tm.id as team_id,
  tm.name as team_name,
  t.id as ticket_id,
  t.ticket_number,
  t.priority,
  t.is_escalated,
  t.subject,
  t.created_at,
  now() - t.created_at as waiting_for,
  row_number() over (partition by tm.id order by app_private.priority_rank(t.priority), t.created_at) as position
from public.tickets t
join public.teams tm on tm.id = t.team_id
where t.status = 'queued';

create view public.pipeline_dead_letters as
select j.id as job_id, j.stage, j.ticket_id, t.ticket_number, t.subject, j.attempts, j.last_error,
       j.payload, j.created_at, j.finished_at as dead_at
from app_private.jobs j
left join public.tickets t on t.id = j.ticket_id
where j.status = 'dead'
order by j.finished_at desc;

create view public.pipeline_health as
select j.stage,
       count(*) filter (where j.status = 'queued') as queued,
       count(*) filter (where j.status = 'queued' and j.run_after <= now()) as due,
       count(*) filter (where j.status = 'running') as running,
       count(*) filter (where j.status = 'dead') as dead,
       count(*) filter (where j.status = 'done') as done,
       max(now() - j.created_at) filter (where j.status in ('queued', 'running')) as oldest_open_age
from app_private.jobs j
group by j.stage;

revoke all on public.active_tickets_view, public.agent_workload, public.team_queue,
  public.pipeline_dead_letters, public.pipeline_health from anon, authenticated;
grant select on public.active_tickets_view, public.agent_workload, public.team_queue to authenticated;
grant select on public.active_tickets_view, public.agent_workload, public.team_queue,
  public.pipeline_dead_letters, public.pipeline_health to service_role;
grant execute on function app_private.priority_rank(text) to authenticated;
