-- The at-risk list takes its limit after leaving out closed, resolved and quarantined tickets
-- (it took the nearest deadlines first, so stale clocks of finished tickets could fill it).
create or replace function app_private.dashboard_at_risk(p_limit integer default 20)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with next_deadline as (
    select s.*, d.kind, d.deadline, d.target
    from public.sla_tracking s
    join public.tickets t on t.id = s.ticket_id
    cross join lateral (
      select * from (values ('first_response', s.first_response_deadline, s.first_response_minutes, s.first_response_status),
                            ('resolution', s.resolution_deadline, s.resolution_minutes, s.resolution_status)) v(kind, deadline, target, status)
      where v.status = 'active' order by v.deadline limit 1) d
    where s.paused_at is null and s.status <> 'met'
      and t.status not in ('resolved', 'closed', 'quarantined')
    order by d.deadline
    limit least(greatest(coalesce(p_limit, 20), 1), 100)
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'ticket_id', t.id, 'ticket_number', t.ticket_number, 'subject', left(t.subject, 120), 'priority', t.priority,
           'team', tm.name, 'agent', ag.name, 'deadline_kind', n.kind, 'deadline', n.deadline,
           'minutes_left', round(extract(epoch from n.deadline - now()) / 60),
           'percent_used', round(100 * (app_private.sla_business_minutes_between(n.clock_started_at, now(), n.calendar_id)
                                        - n.paused_minutes) / nullif(n.target, 0)))
         order by n.deadline), '[]')
  from next_deadline n
  join public.tickets t on t.id = n.ticket_id
  left join public.teams tm on tm.id = t.team_id
  left join public.agents ag on ag.id = t.assigned_to
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.dashboard_at_risk(integer) to service_role;
