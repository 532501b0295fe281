-- E-mail by IMAP polling: pg_cron rings the email-poll function every 2 minutes; it reads the
-- configured mailbox and hands each new message to app_private.intake_message (the one intake
-- path). This file keeps what the poller must remember between runs: per mailbox its
-- UIDVALIDITY, the UID cursor and a lease that stops overlapping runs; per message what
-- became of it (ticket, dead letter, failed attempts with their backoff).

insert into app_private.settings (key, value, description) values
  ('email_poll_max_attempts', '3', 'Attempts at one IMAP message before it is kept as a dead letter'),
  ('email_poll_backoff_base_seconds', '60', 'Wait after the first failed attempt at an IMAP message; then x4 per attempt')
on conflict (key) do nothing;

-- One row per polled mailbox (user@host:port/mailbox). Messages with a UID at or below last_uid
-- are finished. baseline_uid: the highest UID that existed when this UIDVALIDITY was first seen;
-- of those older messages only the unseen ones are taken in (see email_poll_sync_mailbox).
create table app_private.email_poll_state (
  mailbox_key text primary key check (length(mailbox_key) between 1 and 1000),
  uidvalidity bigint,
  last_uid bigint not null default 0 check (last_uid >= 0),
  baseline_uid bigint not null default 0 check (baseline_uid >= 0),
  lease_owner uuid,
  lease_until timestamptz,
  last_run_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table app_private.email_poll_state is 'IMAP poll cursor and lease per mailbox (email-poll function).';

-- What became of each message the poller has tried, kept (archived) per UIDVALIDITY.
create table app_private.email_poll_messages (
  mailbox_key text not null references app_private.email_poll_state (mailbox_key) on delete cascade,
  uidvalidity bigint not null,
  uid bigint not null check (uid > 0),
  status text not null check (status in ('failed', 'done', 'dead_letter', 'skipped')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  last_error text,
  message_id text,
  ticket_id uuid references public.tickets (id) on delete set null,
  outcome text,
  dead_letter_id bigint references public.intake_dead_letters (id) on delete set null,
  seen_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (mailbox_key, uidvalidity, uid)
);
comment on table app_private.email_poll_messages is 'IMAP messages tried by email-poll: done (intake committed), dead_letter, skipped (expunged) or failed (retried with backoff).';
create index email_poll_messages_failed_idx on app_private.email_poll_messages (mailbox_key, uidvalidity, uid)
  where status = 'failed';

alter table app_private.email_poll_state enable row level security;
alter table app_private.email_poll_messages enable row level security;
revoke all on app_private.email_poll_state, app_private.email_poll_messages from anon, authenticated;
grant all on app_private.email_poll_state, app_private.email_poll_messages to service_role;

-- Takes the mailbox's lease for p_lease_seconds unless another run holds it; returns the state
-- row, or no row when another poll is running. A crashed run's lease simply expires.
create function app_private.email_poll_begin(p_mailbox text, p_owner uuid, p_lease_seconds integer)
returns setof app_private.email_poll_state
language plpgsql
set search_path = ''
as $$
begin
  insert into app_private.email_poll_state (mailbox_key) values (p_mailbox) on conflict do nothing;
  return query
  update app_private.email_poll_state s
  set lease_owner = p_owner, lease_until = now() + make_interval(secs => p_lease_seconds),
      last_run_at = now(), updated_at = now()
  where s.mailbox_key = p_mailbox and (s.lease_until is null or s.lease_until < now())
  returning s.*;
end;
$$;

-- Extends the lease; raises when this run no longer holds it (it expired and another run took
-- over), so a stale run commits nothing.
create function app_private.email_poll_renew(p_mailbox text, p_owner uuid, p_lease_seconds integer)
returns void
language plpgsql
set search_path = ''
as $$
begin
  update app_private.email_poll_state
  set lease_until = now() + make_interval(secs => p_lease_seconds)
  where mailbox_key = p_mailbox and lease_owner = p_owner and lease_until >= now();
  if not found then
    raise exception 'email poll lease of % is no longer held', p_mailbox
      using errcode = 'P0001', hint = 'email_poll_lease_lost';
  end if;
end;
$$;

-- Records the mailbox's UIDVALIDITY. First sight: the cursor starts at 0 and the messages that
-- already exist (UID < p_uidnext) are baseline: only the unseen ones are taken in. A changed
-- UIDVALIDITY (mailbox recreated or rebuilt: every UID is new) does the same instead of
-- re-importing the mailbox, and logs a warning. Returns the cursor to use.
create function app_private.email_poll_sync_mailbox(
  p_mailbox text,
  p_owner uuid,
  p_uidvalidity bigint,
  p_uidnext bigint
)
returns table (last_uid bigint, baseline_uid bigint, changed boolean, previous_uidvalidity bigint)
language plpgsql
set search_path = ''
as $$
declare
  v_state app_private.email_poll_state;
begin
  select * into v_state from app_private.email_poll_state s
  where s.mailbox_key = p_mailbox and s.lease_owner = p_owner and s.lease_until >= now()
  for update;
  if not found then
    raise exception 'email poll lease of % is no longer held', p_mailbox
      using errcode = 'P0001', hint = 'email_poll_lease_lost';
  end if;
  if v_state.uidvalidity = p_uidvalidity then
    return query select v_state.last_uid, v_state.baseline_uid, false, v_state.uidvalidity;
    return;
  end if;
  update app_private.email_poll_state s
  set uidvalidity = p_uidvalidity, last_uid = 0, baseline_uid = greatest(p_uidnext - 1, 0),
      updated_at = now()
  where s.mailbox_key = p_mailbox;
  if v_state.uidvalidity is not null then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
    values ('intake', 'email-poll', 'imap_uidvalidity_changed',
            format('UIDVALIDITY of %s changed from %s to %s: messages that existed then are taken in only when unseen',
                   p_mailbox, v_state.uidvalidity, p_uidvalidity),
            jsonb_build_object('mailbox', p_mailbox, 'previous_uidvalidity', v_state.uidvalidity,
                               'uidvalidity', p_uidvalidity, 'previous_last_uid', v_state.last_uid,
                               'uidnext', p_uidnext),
            'warning');
  end if;
  return query select 0::bigint, greatest(p_uidnext - 1, 0), v_state.uidvalidity is not null,
                      v_state.uidvalidity;
end;
$$;

-- Records a finished message (done, dead_letter or skipped); called in the transaction that
-- took it in, after email_poll_renew, so the ticket and this row commit together.
create function app_private.email_poll_record(
  p_mailbox text,
  p_uidvalidity bigint,
  p_uid bigint,
  p_status text,
  p_details jsonb default '{}'
)
returns void
language sql
set search_path = ''
as $$
  insert into app_private.email_poll_messages as m
    (mailbox_key, uidvalidity, uid, status, message_id, ticket_id, outcome, dead_letter_id, last_error)
  values (p_mailbox, p_uidvalidity, p_uid, p_status, p_details ->> 'message_id',
          (p_details ->> 'ticket_id')::uuid, p_details ->> 'outcome',
          (p_details ->> 'dead_letter_id')::bigint, p_details ->> 'reason')
  on conflict (mailbox_key, uidvalidity, uid) do update
  set status = excluded.status, message_id = excluded.message_id, ticket_id = excluded.ticket_id,
      outcome = excluded.outcome, dead_letter_id = excluded.dead_letter_id,
      last_error = coalesce(excluded.last_error, m.last_error), next_attempt_at = null,
      updated_at = now()
$$;

-- Queues a Slack alert (or keeps it in the outbox) through the notify stage's alert job.
create function app_private.email_poll_alert(p_text text)
returns void
language plpgsql
set search_path = ''
as $$
begin
  insert into public.notifications (ticket_id, kind, channel, target, payload)
  values (null, 'pipeline_alert', 'slack', nullif(app_private.get_setting('alerts_slack_channel_id'), ''),
          jsonb_build_object('text', left(p_text, 2000)));
  perform app_private.enqueue_job('notify', null, '{"alerts": true}');
end;
$$;

-- Records a failed attempt at a message: retried after base·4^(attempt-1) seconds, and after
-- the last attempt kept as an intake dead letter with its raw bytes (error_logs row, Slack
-- alert). Returns 'failed' or 'dead_letter'. Raises when the run lost its lease.
create function app_private.email_poll_fail(
  p_mailbox text,
  p_owner uuid,
  p_uidvalidity bigint,
  p_uid bigint,
  p_error text,
  p_raw bytea default null,
  p_details jsonb default '{}'
)
returns text
language plpgsql
set search_path = ''
as $$
declare
  v_max integer := coalesce(nullif(app_private.get_setting('email_poll_max_attempts'), '')::integer, 3);
  v_base numeric := coalesce(nullif(app_private.get_setting('email_poll_backoff_base_seconds'), '')::numeric, 60);
  v_row app_private.email_poll_messages;
  v_dead bigint;
begin
  perform app_private.email_poll_renew(p_mailbox, p_owner, 180);
  insert into app_private.email_poll_messages as m
    (mailbox_key, uidvalidity, uid, status, attempts, last_error, message_id)
  values (p_mailbox, p_uidvalidity, p_uid, 'failed', 1, left(p_error, 4000), p_details ->> 'message_id')
  on conflict (mailbox_key, uidvalidity, uid) do update
  set attempts = m.attempts + 1, last_error = left(p_error, 4000), updated_at = now(),
      message_id = coalesce(excluded.message_id, m.message_id)
  where m.status = 'failed'
  returning * into v_row;
  if not found then
    -- Already finished by an earlier run: nothing to record.
    return 'done';
  end if;
  if v_row.attempts < v_max then
    update app_private.email_poll_messages
    set next_attempt_at = now() + make_interval(secs => v_base * power(4, v_row.attempts - 1))
    where mailbox_key = p_mailbox and uidvalidity = p_uidvalidity and uid = p_uid;
    return 'failed';
  end if;
  v_dead := app_private.intake_dead_letter('email',
    format('IMAP message failed %s times: %s', v_row.attempts, left(p_error, 1500)), p_raw,
    coalesce(p_details, '{}') || jsonb_build_object('source', 'email-poll', 'mailbox', p_mailbox,
      'uidvalidity', p_uidvalidity, 'uid', p_uid, 'attempts', v_row.attempts));
  update app_private.email_poll_messages
  set status = 'dead_letter', dead_letter_id = v_dead, next_attempt_at = null
  where mailbox_key = p_mailbox and uidvalidity = p_uidvalidity and uid = p_uid;
  perform app_private.email_poll_alert(format(
    ':rotating_light: An e-mail in %s (UID %s) failed %s times and is kept as intake dead letter %s: %s',
    p_mailbox, p_uid, v_row.attempts, v_dead, left(p_error, 300)));
  return 'dead_letter';
end;
$$;

-- Notes that messages carry \Seen in the mailbox (set after their row committed).
create function app_private.email_poll_mark_seen(p_mailbox text, p_uidvalidity bigint, p_uids bigint[])
returns void
language sql
set search_path = ''
as $$
  update app_private.email_poll_messages
  set seen_at = now(), updated_at = now()
  where mailbox_key = p_mailbox and uidvalidity = p_uidvalidity and uid = any (p_uids) and seen_at is null
$$;

-- Ends a run: moves the cursor forward (never back) and releases the lease. A run that failed
-- (mailbox unreachable, login refused) counts; the third failure in a row is logged as
-- critical and alerted once.
create function app_private.email_poll_finish(
  p_mailbox text,
  p_owner uuid,
  p_last_uid bigint,
  p_error text default null
)
returns void
language plpgsql
set search_path = ''
as $$
declare
  v_failures integer;
begin
  update app_private.email_poll_state
  set last_uid = greatest(last_uid, coalesce(p_last_uid, 0)),
      lease_owner = null, lease_until = null, updated_at = now(),
      last_error = left(p_error, 4000),
      last_success_at = case when p_error is null then now() else last_success_at end,
      consecutive_failures = case when p_error is null then 0 else consecutive_failures + 1 end
  where mailbox_key = p_mailbox and lease_owner = p_owner
  returning consecutive_failures into v_failures;
  if p_error is not null and v_failures = 3 then
    insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
    values ('intake', 'email-poll', 'imap_poll_failing', left(p_error, 4000),
            jsonb_build_object('mailbox', p_mailbox, 'consecutive_failures', v_failures), 'critical');
    perform app_private.email_poll_alert(format(
      ':rotating_light: E-mail polling of %s failed %s times in a row: %s', p_mailbox, v_failures,
      left(p_error, 300)));
  end if;
end;
$$;

revoke all on function app_private.email_poll_begin(text, uuid, integer) from public;
revoke all on function app_private.email_poll_renew(text, uuid, integer) from public;
revoke all on function app_private.email_poll_sync_mailbox(text, uuid, bigint, bigint) from public;
revoke all on function app_private.email_poll_record(text, bigint, bigint, text, jsonb) from public;
revoke all on function app_private.email_poll_alert(text) from public;
revoke all on function app_private.email_poll_fail(text, uuid, bigint, bigint, text, bytea, jsonb) from public;
revoke all on function app_private.email_poll_mark_seen(text, bigint, bigint[]) from public;
revoke all on function app_private.email_poll_finish(text, uuid, bigint, text) from public;
grant execute on function app_private.email_poll_begin(text, uuid, integer),
  app_private.email_poll_renew(text, uuid, integer),
  app_private.email_poll_sync_mailbox(text, uuid, bigint, bigint),
  app_private.email_poll_record(text, bigint, bigint, text, jsonb),
  app_private.email_poll_alert(text),
  app_private.email_poll_fail(text, uuid, bigint, bigint, text, bytea, jsonb),
  app_private.email_poll_mark_seen(text, bigint, bigint[]),
  app_private.email_poll_finish(text, uuid, bigint, text) to service_role;

-- Every 2 minutes pg_net rings email-poll exactly as the pipeline rings its stages (same
-- functions_base_url and service-role bearer); unconfigured, the function answers "skipped".
select cron.schedule('ists-email-poll', '*/2 * * * *', $$select app_private.ring_stage('email-poll')$$);
