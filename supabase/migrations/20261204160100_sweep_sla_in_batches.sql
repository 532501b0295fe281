-- The SLA sweep in batches. pg_cron now calls the procedure run_sla_sweep(), which works out
-- once which tickets have an alert due and then alerts them sla_sweep_batch_size at a time,
-- committing after each batch: a backlog (after an outage, every alert due at once) holds
-- each ticket for one short batch instead of the whole sweep, and the alerts of a finished
-- batch go out while the next one runs. A sweep that dies keeps the batches it committed;
-- the next sweep fires the rest, each alert still once (sla_alerts' key, the sweep lock).
-- A ticket that breaches both deadlines in one sweep is escalated once (one message to the
-- lead), with both breaches on its timeline.

insert into app_private.settings (key, value, description) values
  ('sla_sweep_batch_size', '1000',
   'Tickets the SLA sweep alerts per transaction; it commits between batches, so each ticket is held only for its batch')
on conflict (key) do nothing;

-- Tickets per batch of the SLA sweep: the sla_sweep_batch_size setting (a positive integer),
-- else 1000.
create function app_private.sla_sweep_batch_size()
returns integer
language sql
stable
set search_path = ''
as $$
  select case when s.value ~ '^\s*[1-9][0-9]{0,5}\s*$' then btrim(s.value)::integer else 1000 end
  from (select app_private.get_setting('sla_sweep_batch_size') as value) s
$$;

-- The sweep's work list at p_now: the tickets with a running deadline whose highest level
-- reached (50 % info, 80 % warning, past the deadline breach) has not fired for that deadline,
-- most overdue first.
create function app_private.sla_due_tickets(p_now timestamptz)
returns uuid[]
language sql
stable
set search_path = ''
as $$
  select coalesce(array_agg(d.ticket_id order by d.deadline, d.ticket_id), '{}')
  from (
    select x.ticket_id, min(x.deadline) as deadline
    from (
      select s.ticket_id, s.first_response_deadline as deadline
      from public.sla_tracking s
      where s.first_response_status = 'active' and s.paused_at is null and s.first_response_alert_50_at <= p_now
        and not exists (select 1 from public.sla_alerts a
                        where a.ticket_id = s.ticket_id and a.deadline_kind = 'first_response'
                          and a.deadline = s.first_response_deadline
                          and a.level = case when s.first_response_deadline < p_now then 'breach'
                                             when s.first_response_alert_80_at <= p_now then 'warning' else 'info' end)
      union all
      select s.ticket_id, s.resolution_deadline
      from public.sla_tracking s
      where s.resolution_status = 'active' and s.paused_at is null and s.resolution_alert_50_at <= p_now
        and not exists (select 1 from public.sla_alerts a
                        where a.ticket_id = s.ticket_id and a.deadline_kind = 'resolution'
                          and a.deadline = s.resolution_deadline
                          and a.level = case when s.resolution_deadline < p_now then 'breach'
                                             when s.resolution_alert_80_at <= p_now then 'warning' else 'info' end)
    ) x
    group by x.ticket_id
  ) d
$$;

-- The time zone SLA messages show deadlines in: the time_zone setting when it names a zone,
-- else UTC. (pg_timezone_names reads the zone files: look it up once per sweep, not per batch.)
create function app_private.sla_message_time_zone()
returns text
language sql
stable
set search_path = ''
as $$
  select coalesce((select z.name from pg_catalog.pg_timezone_names z
                   where z.name = app_private.get_setting('time_zone')), 'UTC')
$$;

-- One batch, under the caller's sweep lock: locks those of p_tickets no one else holds, fires
-- their alerts due at p_now (sla_alerts, messages with deadlines in p_time_zone, escalation).
-- Returns the alerts per level, the tickets alerted and those deferred to the next sweep.
create function app_private.fire_sla_alerts(p_now timestamptz, p_tickets uuid[], p_time_zone text)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_tz text := p_time_zone;
  v_alerts_channel text := nullif(app_private.get_setting('alerts_slack_channel_id'), '');
  v_attempts integer := app_private.job_max_attempts();
  v_held uuid[];
  v_fired public.sla_alerts[];
begin
  -- Tickets first, in the order every writer of a clock takes them: a priority change or
  -- pause committed before is read below; one that comes later waits for this batch and
  -- carries its alerts over. A ticket someone holds right now is left for the next sweep.
  select coalesce(array_agg(x.id), '{}') into v_held
  from (select t.id from public.tickets t where t.id = any (p_tickets) order by t.id for update of t skip locked) x;
  if cardinality(v_held) = 0 then
    return jsonb_build_object('info', 0, 'warning', 0, 'breach', 0, 'tickets', 0,
                              'deferred', cardinality(p_tickets));
  end if;

  -- A new statement, so it reads the clocks as they are now that the tickets are held.
  with due as (
    select s.ticket_id, 'first_response'::text as deadline_kind, s.first_response_deadline as deadline,
           case when s.first_response_deadline < p_now then 'breach'
                when s.first_response_alert_80_at <= p_now then 'warning' else 'info' end as level
    from public.sla_tracking s
    where s.ticket_id = any (v_held)
      and s.first_response_status = 'active' and s.paused_at is null and s.first_response_alert_50_at <= p_now
    union all
    select s.ticket_id, 'resolution', s.resolution_deadline,
           case when s.resolution_deadline < p_now then 'breach'
                when s.resolution_alert_80_at <= p_now then 'warning' else 'info' end
    from public.sla_tracking s
    where s.ticket_id = any (v_held)
      and s.resolution_status = 'active' and s.paused_at is null and s.resolution_alert_50_at <= p_now
  ), fired as (
    insert into public.sla_alerts (ticket_id, deadline_kind, level, deadline, fired_at)
    select d.ticket_id, d.deadline_kind, d.level, d.deadline, p_now from due d
    order by d.ticket_id, d.deadline_kind
    on conflict do nothing
    returning *
  )
  select coalesce(array_agg((f.ticket_id, f.deadline_kind, f.level, f.deadline, f.fired_at, f.carried_from)::public.sla_alerts), '{}')
  into v_fired
  from fired f;

  if cardinality(v_fired) > 0 then
    -- Slack: info and warning to the team channel (the alerts channel for a ticket without
    -- team). E-mail: warnings to the assignee and the team's managers (kept in the outbox
    -- until mail delivery is configured).
    insert into public.notifications (ticket_id, kind, channel, target, payload)
    select f.ticket_id, 'sla_' || f.level, 'slack', coalesce(tm.slack_channel_id, v_alerts_channel),
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
    select 'notify', x.ticket_id, v_attempts
    from (select distinct f.ticket_id from unnest(v_fired) f) x
    on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing;

    -- Breaches: escalate the ticket once however many of its deadlines it missed (the
    -- escalated event tells the lead's channel, once per statement) and log each breach.
    update public.tickets t
    set is_escalated = true,
        escalation_reasons = case when 'sla_breach' = any (t.escalation_reasons) then t.escalation_reasons
                                  else t.escalation_reasons || 'sla_breach'::text end
    where t.id in (select f.ticket_id from unnest(v_fired) f where f.level = 'breach')
      and not (t.is_escalated and 'sla_breach' = any (t.escalation_reasons));
    insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
    select e.ticket_id, e.event_type, e.event_data, 'system'
    from (
      select f.ticket_id, 1 as ord, f.deadline_kind, 'sla_breached' as event_type,
             jsonb_build_object('deadline_kind', f.deadline_kind, 'deadline', f.deadline, 'detected_at', p_now) as event_data
      from unnest(v_fired) f
      where f.level = 'breach'
      union all
      select f.ticket_id, 2, null, 'escalated',
             jsonb_build_object('reasons', jsonb_build_array('sla_breach'),
                                'deadline_kind', min(f.deadline_kind),
                                'deadline_kinds', jsonb_agg(f.deadline_kind order by f.deadline_kind))
      from unnest(v_fired) f
      where f.level = 'breach'
      group by f.ticket_id
    ) e
    order by e.ticket_id, e.ord, e.deadline_kind;

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
  end if;

  return (select jsonb_build_object('info', count(*) filter (where f.level = 'info'),
                                    'warning', count(*) filter (where f.level = 'warning'),
                                    'breach', count(*) filter (where f.level = 'breach'),
                                    'tickets', count(distinct f.ticket_id),
                                    'deferred', cardinality(p_tickets) - cardinality(v_held))
          from unnest(v_fired) f);
end;
$$;

-- One whole sweep at p_now (default: the SLA clock's now) in one transaction, the highest
-- level reached per running deadline (see sla_due_tickets). Returns the alerts per level, or
-- {"skipped": …} while another sweep holds the lock.
create or replace function app_private.sweep_sla(p_now timestamptz default null)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
begin
  -- An overlapping run has nothing to add; the alerts' key would make it harmless anyway.
  if not pg_try_advisory_xact_lock(hashtextextended('ists-sla-sweep', 0)) then
    return jsonb_build_object('skipped', 'another sweep is running');
  end if;
  return app_private.fire_sla_alerts(v_now, app_private.sla_due_tickets(v_now), app_private.sla_message_time_zone())
         - 'tickets' - 'deferred';
end;
$$;

-- The sweep pg_cron runs: the tickets due at p_now (default: now), p_batch_size (default: the
-- setting) per transaction, committing each batch; skips while another sweep runs. p_result:
-- alerts per level, tickets alerted and deferred, batches, the longest batch in ms.
create procedure app_private.run_sla_sweep(
  p_now timestamptz default null,
  p_batch_size integer default null,
  inout p_result jsonb default null
)
language plpgsql
as $$
declare
  v_now timestamptz := coalesce(p_now, app_private.sla_now());
  v_size integer := coalesce(p_batch_size, app_private.sla_sweep_batch_size());
  v_due uuid[];
  v_tz text;
  v_batch jsonb;
  v_from integer := 1;
  v_batches integer := 0;
  v_info bigint := 0;
  v_warning bigint := 0;
  v_breach bigint := 0;
  v_tickets bigint := 0;
  v_deferred bigint := 0;
  v_started timestamptz;
  v_longest interval := interval '0';
begin
  -- No "set search_path" on this procedure (one with a SET clause cannot commit): every name
  -- is schema-qualified.
  if v_size < 1 then
    raise exception 'Cannot sweep in batches of % tickets: give a positive batch size', v_size
      using errcode = '22023';
  end if;
  if not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtextextended('ists-sla-sweep', 0)) then
    p_result := pg_catalog.jsonb_build_object('skipped', 'another sweep is running');
    return;
  end if;
  v_due := app_private.sla_due_tickets(v_now);
  if pg_catalog.cardinality(v_due) > 0 then
    v_tz := app_private.sla_message_time_zone();
    v_size := least(v_size, pg_catalog.cardinality(v_due));
  end if;
  while v_from <= pg_catalog.cardinality(v_due) loop
    -- The first batch holds the lock taken above; each later one takes it again (waiting for
    -- a sweep that started in between to finish its batch), so no two batches overlap.
    if v_batches > 0 then
      perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('ists-sla-sweep', 0));
    end if;
    v_started := pg_catalog.clock_timestamp();
    v_batch := app_private.fire_sla_alerts(v_now, v_due[v_from:v_from + v_size - 1], v_tz);
    commit;
    v_longest := greatest(v_longest, pg_catalog.clock_timestamp() - v_started);
    v_batches := v_batches + 1;
    v_from := v_from + v_size;
    v_info := v_info + (v_batch ->> 'info')::bigint;
    v_warning := v_warning + (v_batch ->> 'warning')::bigint;
    v_breach := v_breach + (v_batch ->> 'breach')::bigint;
    v_tickets := v_tickets + (v_batch ->> 'tickets')::bigint;
    v_deferred := v_deferred + (v_batch ->> 'deferred')::bigint;
  end loop;
  p_result := pg_catalog.jsonb_build_object('info', v_info, 'warning', v_warning, 'breach', v_breach,
    'tickets', v_tickets, 'deferred', v_deferred, 'batches', v_batches,
    'longest_batch_ms', pg_catalog.round(extract(epoch from v_longest) * 1000));
  if v_batches > 1 then
    raise log 'ists SLA sweep at %: %', v_now, p_result;
  end if;
end;
$$;

select cron.schedule('ists-sla-sweep', '*/5 * * * *', 'call app_private.run_sla_sweep()');

revoke all on all functions in schema app_private from public;
revoke all on procedure app_private.run_sla_sweep(timestamptz, integer, jsonb) from public;
grant execute on function app_private.sla_sweep_batch_size(), app_private.sla_due_tickets(timestamptz),
  app_private.sla_message_time_zone(), app_private.fire_sla_alerts(timestamptz, uuid[], text) to service_role;
grant execute on procedure app_private.run_sla_sweep(timestamptz, integer, jsonb) to service_role;
