-- SLA alerts are keyed by the deadline as well: after a priority change (or a pause) moves a
-- deadline, the new deadline gets the alerts it has not yet passed. Levels the new deadline
-- had already passed when it was recomputed, and that fired for the old one, are carried over
-- (recorded, not sent again), so each alert still fires exactly once per ticket and deadline.
-- The sweep locks the tickets it alerts, so a concurrent priority change either commits
-- before it (and is read) or waits for it (and carries its alerts over).

alter table public.sla_alerts drop constraint sla_alerts_pkey;
alter table public.sla_alerts
  add column carried_from timestamptz,
  add primary key (ticket_id, deadline_kind, deadline, level);
comment on table public.sla_alerts is 'SLA alerts fired (info at 50 %, warning at 80 %, breach at 100 %), at most one per ticket, deadline kind, deadline and level.';
comment on column public.sla_alerts.deadline is 'The deadline the alert is for; a recomputed deadline gets alerts of its own.';
comment on column public.sla_alerts.carried_from is 'Not sent: the earlier deadline this alert fired for, whose level the recomputed deadline had already passed.';

-- When a deadline moves, records as fired (carried_from = the old deadline) each level that
-- fired for the old deadline (or is implied by a higher one that did) and whose instant the
-- new deadline has already passed; the levels still ahead are left to fire on their own.
create function app_private.sla_tracking_carry_alerts()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := app_private.sla_now();
begin
  insert into public.sla_alerts (ticket_id, deadline_kind, level, deadline, fired_at, carried_from)
  select new.ticket_id, k.kind, l.level, k.deadline, v_now, k.old_deadline
  from (values ('first_response', old.first_response_deadline, new.first_response_deadline,
                new.first_response_alert_50_at, new.first_response_alert_80_at),
               ('resolution', old.resolution_deadline, new.resolution_deadline,
                new.resolution_alert_50_at, new.resolution_alert_80_at)) k(kind, old_deadline, deadline, at_50, at_80)
  cross join lateral (values ('info', 1, k.at_50), ('warning', 2, k.at_80)) l(level, rank, due_at)
  where k.deadline is distinct from k.old_deadline
    and l.due_at <= v_now
    and exists (select 1 from public.sla_alerts a
                where a.ticket_id = new.ticket_id and a.deadline_kind = k.kind and a.deadline = k.old_deadline
                  and case a.level when 'info' then 1 when 'warning' then 2 else 3 end >= l.rank)
  on conflict do nothing;
  return null;
end;
$$;
create trigger sla_tracking_carry_alerts after update on public.sla_tracking
  for each row
  when (new.first_response_deadline is distinct from old.first_response_deadline
        or new.resolution_deadline is distinct from old.resolution_deadline)
  execute function app_private.sla_tracking_carry_alerts();

-- One sweep at p_now (default: the SLA clock's now). For each running deadline past 50 % it
-- fires the highest level reached (a ticket first seen at 85 % gets the warning, not the info
-- too); a deadline is breached once p_now is after it (an answer at the deadline is on time).
-- Alerts are keyed by the deadline itself, so a recomputed deadline gets its own. Returns the
-- counts fired, or {"skipped": …} while another sweep holds the lock.
create or replace function app_private.sweep_sla(p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
  v_tz text := coalesce((select z.name from pg_catalog.pg_timezone_names z
                         where z.name = app_private.get_setting('time_zone')), 'UTC');
  v_fired public.sla_alerts[];
  v_tickets uuid[];
begin
  -- An overlapping run has nothing to add; the alerts' key would make it harmless anyway.
  if not pg_try_advisory_xact_lock(hashtextextended('ists-sla-sweep', 0)) then
    return jsonb_build_object('skipped', 'another sweep is running');
  end if;

  -- The tickets with an alert due that has not fired for their current deadline, locked
  -- (tickets first, in the order every writer of a clock takes them): a priority change or
  -- pause committed before is read below; one that comes later waits for this sweep and
  -- carries its alerts over. A ticket someone holds right now is left for the next sweep.
  select coalesce(array_agg(x.id), '{}') into v_tickets
  from (
    select t.id from public.tickets t
    where t.id in (
      select s.ticket_id from public.sla_tracking s
      where s.first_response_status = 'active' and s.paused_at is null and s.first_response_alert_50_at <= v_now
        and not exists (select 1 from public.sla_alerts a
                        where a.ticket_id = s.ticket_id and a.deadline_kind = 'first_response'
                          and a.deadline = s.first_response_deadline
                          and a.level = case when s.first_response_deadline < v_now then 'breach'
                                             when s.first_response_alert_80_at <= v_now then 'warning' else 'info' end)
      union
      select s.ticket_id from public.sla_tracking s
      where s.resolution_status = 'active' and s.paused_at is null and s.resolution_alert_50_at <= v_now
        and not exists (select 1 from public.sla_alerts a
                        where a.ticket_id = s.ticket_id and a.deadline_kind = 'resolution'
                          and a.deadline = s.resolution_deadline
                          and a.level = case when s.resolution_deadline < v_now then 'breach'
                                             when s.resolution_alert_80_at <= v_now then 'warning' else 'info' end))
    for update of t skip locked
  ) x;
  if cardinality(v_tickets) = 0 then
    return jsonb_build_object('info', 0, 'warning', 0, 'breach', 0);
  end if;

  -- A new statement, so it reads the clocks as they are now that the tickets are held.
  with due as (
    select s.ticket_id, 'first_response'::text as deadline_kind, s.first_response_deadline as deadline,
           case when s.first_response_deadline < v_now then 'breach'
                when s.first_response_alert_80_at <= v_now then 'warning' else 'info' end as level
    from public.sla_tracking s
    join unnest(v_tickets) held(ticket_id) on held.ticket_id = s.ticket_id
    where s.first_response_status = 'active' and s.paused_at is null and s.first_response_alert_50_at <= v_now
    union all
    select s.ticket_id, 'resolution', s.resolution_deadline,
           case when s.resolution_deadline < v_now then 'breach'
                when s.resolution_alert_80_at <= v_now then 'warning' else 'info' end
    from public.sla_tracking s
    join unnest(v_tickets) held(ticket_id) on held.ticket_id = s.ticket_id
    where s.resolution_status = 'active' and s.paused_at is null and s.resolution_alert_50_at <= v_now
  ), fired as (
    insert into public.sla_alerts (ticket_id, deadline_kind, level, deadline, fired_at)
    select d.ticket_id, d.deadline_kind, d.level, d.deadline, v_now from due d
    on conflict do nothing
    returning *
  )
  select coalesce(array_agg((f.ticket_id, f.deadline_kind, f.level, f.deadline, f.fired_at, f.carried_from)::public.sla_alerts), '{}')
  into v_fired
  from fired f;

  if cardinality(v_fired) = 0 then
    return jsonb_build_object('info', 0, 'warning', 0, 'breach', 0);
  end if;

  -- Slack: info and warning to the team channel (the alerts channel for a ticket without team).
  -- E-mail: warnings to the assignee and the team's managers (kept in the outbox until mail
  -- delivery is configured).
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select f.ticket_id, 'sla_' || f.level, 'slack',
         coalesce(tm.slack_channel_id, nullif(app_private.get_setting('alerts_slack_channel_id'), '')),
         jsonb_build_object('deadline_kind', f.deadline_kind, 'deadline', f.deadline,
           'text', format('%s #T-%s %s: %s %% of the %s time used, due %s (%s): %s',
             case f.level when 'info' then ':hourglass_flowing_sand:' else ':warning:' end,
             t.ticket_number, t.priority, case f.level when 'info' then 50 else 80 end,
             replace(f.deadline_kind, '_', ' '),
             to_char(f.deadline at time zone v_tz, 'DD Mon HH24:MI'), v_tz, left(t.subject, 120)))
  from unnest(v_fired) f
  join public.tickets t on t.id = f.ticket_id
  left join public.teams tm on tm.id = t.team_id
  where f.level in ('info', 'warning')
  union all
  select f.ticket_id, 'sla_warning', 'email', r.email,
         jsonb_build_object('deadline_kind', f.deadline_kind, 'deadline', f.deadline,
           'subject', format('SLA warning: #T-%s %s due %s (%s)', t.ticket_number,
             replace(f.deadline_kind, '_', ' '), to_char(f.deadline at time zone v_tz, 'DD Mon HH24:MI'), v_tz),
           'text', format('80 %% of the %s time of #T-%s (%s, %s) is used; it is due %s (%s).',
             replace(f.deadline_kind, '_', ' '), t.ticket_number, t.priority, left(t.subject, 120),
             to_char(f.deadline at time zone v_tz, 'DD Mon HH24:MI'), v_tz))
  from unnest(v_fired) f
  join public.tickets t on t.id = f.ticket_id
  cross join lateral (
    select a.email from public.agents a where a.id = t.assigned_to
    union
    select a.email from public.agents a where a.team_id = t.team_id and a.role = 'manager'
  ) r
  where f.level = 'warning';

  -- One notify job per ticket, in one statement (one ring of the notify stage).
  insert into app_private.jobs (stage, ticket_id, max_attempts)
  select distinct 'notify', f.ticket_id, coalesce(nullif(app_private.get_setting('job_max_attempts'), '')::integer, 3)
  from unnest(v_fired) f
  on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing;

  -- Breaches: escalate the ticket (the escalated event tells the lead's channel) and log it.
  update public.tickets t
  set is_escalated = true,
      escalation_reasons = case when 'sla_breach' = any (t.escalation_reasons) then t.escalation_reasons
                                else t.escalation_reasons || 'sla_breach'::text end
  where t.id in (select f.ticket_id from unnest(v_fired) f where f.level = 'breach');
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
  select f.ticket_id, e.event_type,
         case e.event_type
           when 'sla_breached' then jsonb_build_object('deadline_kind', f.deadline_kind, 'deadline', f.deadline,
                                                       'detected_at', v_now)
           else jsonb_build_object('reasons', jsonb_build_array('sla_breach'), 'deadline_kind', f.deadline_kind) end,
         'system'
  from unnest(v_fired) f
  cross join (values (1, 'sla_breached'), (2, 'escalated')) e(ord, event_type)
  where f.level = 'breach'
  order by f.ticket_id, f.deadline_kind, e.ord;

  update public.sla_tracking s
  set first_response_status = case when a.first_response_breach then 'breached' else s.first_response_status end,
      resolution_status = case when a.resolution_breach then 'breached' else s.resolution_status end,
      alert_50_sent = s.alert_50_sent or a.info,
      alert_80_sent = s.alert_80_sent or a.warning,
      breach_alert_sent = s.breach_alert_sent or a.first_response_breach or a.resolution_breach
  from (select f.ticket_id,
               bool_or(f.level = 'info') as info,
               bool_or(f.level = 'warning') as warning,
               bool_or(f.level = 'breach' and f.deadline_kind = 'first_response') as first_response_breach,
               bool_or(f.level = 'breach' and f.deadline_kind = 'resolution') as resolution_breach
        from unnest(v_fired) f group by f.ticket_id) a
  where s.ticket_id = a.ticket_id;

  return (select jsonb_build_object('info', count(*) filter (where f.level = 'info'),
                                    'warning', count(*) filter (where f.level = 'warning'),
                                    'breach', count(*) filter (where f.level = 'breach'))
          from unnest(v_fired) f);
end;
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
grant execute on function app_private.current_agent_id(), app_private.current_agent_team_id() to authenticated;
