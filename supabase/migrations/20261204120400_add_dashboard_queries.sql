-- What the live dashboard shows, one SQL call per endpoint: the last days' tickets, categories,
-- priorities, SLA compliance, queues, AI metrics and pipeline health; and the open tickets
-- nearest to breaching an SLA deadline.

-- The dashboard's summary of the last p_days local days (today included), as JSON.
create function app_private.dashboard_summary(p_days integer default 14)
returns jsonb
language plpgsql
stable
set search_path = ''
as $$
declare
  v_tz text := app_private.report_time_zone();
  v_days integer := least(greatest(coalesce(p_days, 14), 1), 92);
  v_today date := (now() at time zone v_tz)::date;
  v_from timestamptz := (v_today - (v_days - 1))::timestamp at time zone v_tz;
begin
  return (
    with recent as (
      select t.*, (t.created_at at time zone v_tz)::date as day
      from public.tickets t
      where t.created_at >= v_from and not t.is_spam and t.status <> 'quarantined'
    ), days as (
      select d::date as day from generate_series(v_today - (v_days - 1), v_today, interval '1 day') d
    ), per_day as (
      select d.day, count(r.id) as created,
             count(r.id) filter (where r.status in ('resolved', 'closed')) as resolved,
             count(r.id) filter (where r.is_auto_resolved) as auto_resolved,
             count(s.ticket_id) filter (where s.first_response_status = 'met')
               + count(s.ticket_id) filter (where s.resolution_status = 'met') as met,
             count(s.ticket_id) filter (where s.first_response_status = 'breached')
               + count(s.ticket_id) filter (where s.resolution_status = 'breached') as breached
      from days d
      left join recent r on r.day = d.day
      left join public.sla_tracking s on s.ticket_id = r.id
      group by d.day
    )
    select jsonb_build_object(
      'generated_at', now(), 'time_zone', v_tz, 'days', v_days,
      'tickets_by_day', (select jsonb_agg(jsonb_build_object('date', p.day, 'created', p.created, 'resolved', p.resolved,
                                                             'auto_resolved', p.auto_resolved,
                                                             'sla_compliance', round(100.0 * p.met / nullif(p.met + p.breached, 0), 1))
                                          order by p.day) from per_day p),
      'by_category', (select coalesce(jsonb_agg(jsonb_build_object('category', x.category, 'tickets', x.n) order by x.n desc, x.category), '[]')
                      from (select coalesce(r.category, 'uncategorised') as category, count(*) as n from recent r group by 1) x),
      'by_priority', (select coalesce(jsonb_agg(jsonb_build_object('priority', x.priority, 'tickets', x.n)
                                                order by app_private.priority_rank(x.priority)), '[]')
                      from (select r.priority, count(*) as n from recent r group by 1) x),
      'sla', (select jsonb_build_object('met', sum(p.met), 'breached', sum(p.breached),
                                        'compliance', round(100.0 * sum(p.met) / nullif(sum(p.met) + sum(p.breached), 0), 1))
              from per_day p),
      'sla_by_team', (select coalesce(jsonb_agg(jsonb_build_object('team', x.team, 'met', x.met, 'breached', x.breached,
                                                                   'compliance', round(100.0 * x.met / nullif(x.met + x.breached, 0), 1))
                                                order by x.team), '[]')
                      from (select coalesce(tm.name, 'No team') as team,
                                   count(*) filter (where s.first_response_status = 'met') + count(*) filter (where s.resolution_status = 'met') as met,
                                   count(*) filter (where s.first_response_status = 'breached') + count(*) filter (where s.resolution_status = 'breached') as breached
                            from recent r join public.sla_tracking s on s.ticket_id = r.id
                            left join public.teams tm on tm.id = r.team_id group by 1) x),
      'queue_by_team', (select coalesce(jsonb_agg(jsonb_build_object('team', tm.name, 'queued', q.queued, 'open', q.open,
                                                                     'oldest_wait_minutes', q.oldest_wait_minutes,
                                                                     'available_agents', (select count(*) from public.agents a
                                                                                          where a.team_id = tm.id and a.is_available))
                                                  order by tm.name), '[]')
                        from public.teams tm
                        cross join lateral (
                          select count(*) filter (where t.status = 'queued') as queued,
                                 count(*) as open,
                                 round(extract(epoch from now() - min(t.created_at) filter (where t.status = 'queued')) / 60) as oldest_wait_minutes
                          from public.tickets t
                          where t.team_id = tm.id and t.status not in ('resolved', 'closed', 'quarantined')) q),
      'ai', (select jsonb_build_object('analyses', coalesce(sum(m.analyses), 0),
                                       'classification_accuracy', round(sum(m.analyses * m.classification_accuracy) / nullif(sum(m.analyses) filter (where m.classification_accuracy is not null), 0), 1),
                                       'answers_generated', coalesce(sum(m.answers_generated), 0),
                                       'answers_sent', coalesce(sum(m.answers_sent), 0),
                                       'total_cost', round(coalesce(sum(m.total_cost), 0), 4))
             from public.ai_model_daily m where m.date >= v_today - (v_days - 1)),
      'pipeline', (select coalesce(jsonb_agg(jsonb_build_object('stage', h.stage, 'queued', h.queued, 'due', h.due,
                                                                'running', h.running, 'dead', h.dead,
                                                                'oldest_open_seconds', round(extract(epoch from h.oldest_open_age)))
                                             order by h.stage), '[]')
                   from public.pipeline_health h)
    )
  );
end;
$$;

-- The open tickets nearest to breaching: for each running clock its next active deadline,
-- soonest (or most overdue) first, with the time left and the share of working time used.
create function app_private.dashboard_at_risk(p_limit integer default 20)
returns jsonb
language sql
stable
set search_path = ''
as $$
  with next_deadline as (
    select s.*, d.kind, d.deadline, d.target
    from public.sla_tracking s
    cross join lateral (
      select * from (values ('first_response', s.first_response_deadline, s.first_response_minutes, s.first_response_status),
                            ('resolution', s.resolution_deadline, s.resolution_minutes, s.resolution_status)) v(kind, deadline, target, status)
      where v.status = 'active' order by v.deadline limit 1) d
    where s.paused_at is null and s.status <> 'met'
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
  where t.status not in ('resolved', 'closed', 'quarantined')
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
grant execute on function app_private.report_time_zone() to authenticated;
