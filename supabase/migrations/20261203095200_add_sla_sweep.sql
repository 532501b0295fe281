-- The SLA sweep, run by pg_cron every 5 minutes: one set-based pass over the running clocks.
-- At 50 % of a deadline an info alert (Slack), at 80 % a warning (Slack, and e-mail to the
-- assignee and the team's managers), at 100 % a breach (the ticket is escalated, which tells
-- the lead's channel; the breach is logged and the deadline marked breached). Each alert is a
-- row of sla_alerts, keyed by ticket, deadline and level, written in the same transaction as
-- its messages: it fires once even when sweeps overlap or one fails halfway.

create table public.sla_alerts (
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  deadline_kind varchar(20) not null check (deadline_kind in ('first_response', 'resolution')),
  level varchar(10) not null check (level in ('info', 'warning', 'breach')),
  deadline timestamptz not null,
  fired_at timestamptz not null,
  primary key (ticket_id, deadline_kind, level)
);
comment on table public.sla_alerts is 'SLA alerts fired (info at 50 %, warning at 80 %, breach at 100 %), at most one per ticket, deadline and level.';
alter table public.sla_alerts enable row level security;
revoke all on public.sla_alerts from anon, authenticated;
grant all on public.sla_alerts to service_role;
grant select on public.sla_alerts to authenticated;
create policy sla_alerts_select_of_visible_tickets on public.sla_alerts
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));

-- What the sweep scans: running clocks by their next alert instant.
create index sla_tracking_first_response_due_idx on public.sla_tracking (first_response_alert_50_at)
  where first_response_status = 'active' and paused_at is null;
create index sla_tracking_resolution_due_idx on public.sla_tracking (resolution_alert_50_at)
  where resolution_status = 'active' and paused_at is null;

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_check check (kind in (
  'ticket_assigned', 'ticket_queued', 'customer_reply', 'pipeline_alert', 'inbound_reply',
  'ticket_escalated', 'ticket_updated', 'sla_info', 'sla_warning'));

-- One sweep at p_now (default: the SLA clock's now). For each running deadline past 50 % it
-- fires the highest level reached (a ticket first seen at 85 % gets the warning, not the info
-- too); a deadline is breached once p_now is after it (an answer at the deadline is on time).
-- Returns the counts fired, or {"skipped": …} while another sweep holds the lock.
create function app_private.sweep_sla(p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
  v_tz text := coalesce((select z.name from pg_catalog.pg_timezone_names z
                         where z.name = app_private.get_setting('time_zone')), 'UTC');
  v_fired public.sla_alerts[];
begin
  -- An overlapping run has nothing to add; the alerts' key would make it harmless anyway.
  if not pg_try_advisory_xact_lock(hashtextextended('ists-sla-sweep', 0)) then
    return jsonb_build_object('skipped', 'another sweep is running');
  end if;

  with due as (
    select s.ticket_id, 'first_response'::text as deadline_kind, s.first_response_deadline as deadline,
           case when s.first_response_deadline < v_now then 'breach'
                when s.first_response_alert_80_at <= v_now then 'warning' else 'info' end as level
    from public.sla_tracking s
    where s.first_response_status = 'active' and s.paused_at is null and s.first_response_alert_50_at <= v_now
    union all
    select s.ticket_id, 'resolution', s.resolution_deadline,
           case when s.resolution_deadline < v_now then 'breach'
                when s.resolution_alert_80_at <= v_now then 'warning' else 'info' end
    from public.sla_tracking s
    where s.resolution_status = 'active' and s.paused_at is null and s.resolution_alert_50_at <= v_now
  ), fired as (
    insert into public.sla_alerts (ticket_id, deadline_kind, level, deadline, fired_at)
    select d.ticket_id, d.deadline_kind, d.level, d.deadline, v_now from due d
    on conflict do nothing
    returning *
  )
  select coalesce(array_agg((f.ticket_id, f.deadline_kind, f.level, f.deadline, f.fired_at)::public.sla_alerts), '{}')
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

select cron.schedule('ists-sla-sweep', '*/5 * * * *', 'select app_private.sweep_sla()');
