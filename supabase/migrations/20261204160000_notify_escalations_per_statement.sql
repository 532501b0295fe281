-- The lead's alert for escalated events is written once per statement instead of once per
-- row: one insert of the lead messages and one notify job per ticket, however many tickets a
-- statement escalates (the SLA sweep escalates thousands at once after an outage; per row,
-- each paid for its own message insert, job insert and settings lookup). Same messages as
-- the row trigger of 20261203094000.

-- Tells the team lead's channel (the team channel when there is no lead channel) about each
-- escalated event of the statement, naming the agent who escalated, and queues the notify
-- stage once per ticket.
create function app_private.ticket_events_notify_escalations()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_attempts integer;
begin
  if not exists (select 1 from new_events e where e.event_type = 'escalated') then
    return null;
  end if;
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  select e.ticket_id, 'ticket_escalated', 'slack', coalesce(tm.lead_slack_channel_id, tm.slack_channel_id),
         jsonb_build_object('text', format(':rotating_light: #T-%s escalated (%s)%s: %s', t.ticket_number,
           coalesce((select string_agg(r, ', ') from jsonb_array_elements_text(e.event_data -> 'reasons') r), 'by an agent'),
           case when e.actor_type = 'agent' and e.actor_id is not null
                then ' by ' || app_private.agent_name(e.actor_id) else '' end,
           left(t.subject, 120)))
  from new_events e
  join public.tickets t on t.id = e.ticket_id
  left join public.teams tm on tm.id = t.team_id
  where e.event_type = 'escalated';
  v_attempts := app_private.job_max_attempts();
  insert into app_private.jobs (stage, ticket_id, max_attempts)
  select 'notify', x.ticket_id, v_attempts
  from (select distinct e.ticket_id from new_events e
        where e.event_type = 'escalated' and e.ticket_id is not null) x
  on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing;
  return null;
end;
$$;

drop trigger ticket_events_notify_escalation on public.ticket_events;
drop function app_private.ticket_events_notify_escalation();
create trigger ticket_events_notify_escalations after insert on public.ticket_events
  referencing new table as new_events
  for each statement execute function app_private.ticket_events_notify_escalations();

revoke all on all functions in schema app_private from public;
