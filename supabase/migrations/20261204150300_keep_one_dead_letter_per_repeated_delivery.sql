-- The same unusable message delivered again (a provider retrying a webhook, a mailbox polled
-- twice, a demo run again) adds to its open dead letter instead of a new one: the first copy
-- is kept with its raw bytes, `deliveries` counts the copies, and only the first one alerts.
alter table public.intake_dead_letters
  add column raw_sha256 bytea generated always as (sha256(coalesce(raw, ''::bytea))) stored,
  add column deliveries integer not null default 1 check (deliveries >= 1),
  add column last_received_at timestamptz;
comment on column public.intake_dead_letters.deliveries is
  'How many times this exact input arrived while the dead letter was open (within 24 hours of the last copy).';
create index intake_dead_letters_repeat_idx on public.intake_dead_letters (channel, raw_sha256)
  where resolved_at is null;

create or replace function app_private.intake_dead_letter(
  p_channel text,
  p_reason text,
  p_raw bytea,
  p_details jsonb default '{}'
)
returns bigint
language plpgsql
set search_path = ''
as $$
declare
  v_id bigint;
begin
  -- A copy of an open dead letter seen in the last 24 hours: counted, not alerted again.
  update public.intake_dead_letters d
  set deliveries = d.deliveries + 1, last_received_at = now()
  where d.id = (
    select x.id from public.intake_dead_letters x
    where x.channel = p_channel and x.raw_sha256 = sha256(coalesce(p_raw, ''::bytea))
      and x.resolved_at is null and coalesce(x.last_received_at, x.received_at) > now() - interval '24 hours'
    order by x.id
    limit 1
    for update)
  returning d.id into v_id;
  if v_id is not null then
    return v_id;
  end if;

  insert into public.intake_dead_letters (channel, reason, raw, raw_bytes, details)
  values (p_channel, left(p_reason, 2000), p_raw, coalesce(length(p_raw), 0), coalesce(p_details, '{}'))
  returning id into v_id;
  insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
  values ('intake', p_channel, 'intake_dead_letter', left(p_reason, 2000),
          jsonb_build_object('dead_letter_id', v_id, 'raw_bytes', coalesce(length(p_raw), 0)) || coalesce(p_details, '{}'),
          'error');
  -- The team hears about it in the alerts channel (or the outbox without Slack).
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
          jsonb_build_object('text', format(':rotating_light: A %s message could not become a ticket (dead letter %s): %s',
            p_channel, v_id, left(p_reason, 300))));
  perform app_private.enqueue_job('notify', null, '{"alerts": true}');
  return v_id;
end;
$$;

revoke all on all functions in schema app_private from public;
