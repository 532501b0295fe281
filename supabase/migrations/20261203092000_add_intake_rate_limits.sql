-- Intake abuse controls: per-sender and per-client-IP rate limits counted in the database,
-- the rate-limited intake entry point used by the intake function, and the honeypot log.
--
-- Each (scope, subject) has one counter row: a fixed window that opens at the subject's
-- first counted request and lasts the configured number of seconds. Only accepted requests
-- count; a refused one changes no ticket and no counter. Duplicates of a ticket inside the
-- dedupe window are answered before the limit is consulted, so retries never use it up.

insert into app_private.settings (key, value, description) values
  ('intake_limit_per_sender', '10', 'New tickets accepted per sender address per window (0 = no limit)'),
  ('intake_limit_per_sender_window_seconds', '3600', 'Length of the per-sender intake window'),
  ('intake_limit_per_ip', '30', 'Unauthenticated intake requests accepted per client IP (IPv6: per /64) per window (0 = no limit)'),
  ('intake_limit_per_ip_window_seconds', '600', 'Length of the per-IP intake window')
on conflict (key) do nothing;

create table app_private.intake_rate_limits (
  scope text not null check (scope in ('ip', 'sender')),
  subject text not null check (length(subject) between 1 and 320),
  window_start timestamptz not null,
  hits integer not null default 0 check (hits >= 0),
  primary key (scope, subject)
);
comment on table app_private.intake_rate_limits is
  'Intake counters: hits accepted since window_start per sender address or client IP; purged by pg_cron.';
create index intake_rate_limits_window_start_idx on app_private.intake_rate_limits (window_start);
alter table app_private.intake_rate_limits enable row level security;
grant all on app_private.intake_rate_limits to service_role;

-- A non-negative whole-number setting; the default when it is unset or malformed, so a
-- typo in app_private.settings never takes intake down.
create function app_private.get_intake_limit_setting(p_key text, p_default integer)
returns integer
language sql
stable
set search_path = ''
as $$
  select case when s.value ~ '^\s*[0-9]{1,9}\s*$' then btrim(s.value)::integer else p_default end
  from (select app_private.get_setting(p_key) as value) s
$$;

-- Takes one slot of every applicable limit (client IP when given, sender when given) or
-- none: returns retry_after_seconds and limited_by of the first exhausted limit, or nulls
-- when the request may proceed. Counter rows stay locked until commit, in one order
-- ('ip' before 'sender'), so concurrent requests count exactly and cannot deadlock.
create function app_private.take_intake_rate_limit(p_sender text, p_client_ip text)
returns table (retry_after_seconds integer, limited_by text)
language plpgsql
set search_path = ''
as $$
declare
  v_ip inet;
  v_limit record;
  v_counter record;
  v_scopes text[] := '{}'::text[];
  v_subjects text[] := '{}'::text[];
begin
  if nullif(btrim(p_client_ip), '') is not null then
    begin
      v_ip := btrim(p_client_ip)::inet;
    exception when invalid_text_representation then
      v_ip := null;
    end;
  end if;

  for v_limit in
    select l.scope, l.subject, l.max_hits, make_interval(secs => l.window_seconds) as window_length
    from (values
      ('ip', case when family(v_ip) = 6 then network(set_masklen(v_ip, 64))::text else host(v_ip) end,
       app_private.get_intake_limit_setting('intake_limit_per_ip', 30),
       greatest(1, app_private.get_intake_limit_setting('intake_limit_per_ip_window_seconds', 600))),
      ('sender', nullif(lower(btrim(p_sender)), ''),
       app_private.get_intake_limit_setting('intake_limit_per_sender', 10),
       greatest(1, app_private.get_intake_limit_setting('intake_limit_per_sender_window_seconds', 3600)))
    ) as l (scope, subject, max_hits, window_seconds)
    where l.subject is not null and l.max_hits > 0
    order by l.scope
  loop
    -- Locks the counter (creating it, or opening a new window once the old one ended).
    insert into app_private.intake_rate_limits as r (scope, subject, window_start, hits)
    values (v_limit.scope, v_limit.subject, now(), 0)
    on conflict (scope, subject) do update
      set window_start = case when r.window_start <= now() - v_limit.window_length then now() else r.window_start end,
          hits = case when r.window_start <= now() - v_limit.window_length then 0 else r.hits end
    returning r.hits, r.window_start into v_counter;

    if v_counter.hits >= v_limit.max_hits then
      return query select greatest(1, ceil(extract(epoch from
               v_counter.window_start + v_limit.window_length - clock_timestamp())))::integer,
             v_limit.scope::text;
      return;
    end if;
    v_scopes := v_scopes || v_limit.scope::text;
    v_subjects := v_subjects || v_limit.subject::text;
  end loop;

  update app_private.intake_rate_limits r
  set hits = r.hits + 1
  from unnest(v_scopes, v_subjects) as t (scope, subject)
  where r.scope = t.scope and r.subject = t.subject;
  return query select null::integer, null::text;
end;
$$;

-- Intake's entry point: answers a duplicate within the dedupe window as intake_ticket does
-- (never counted, never refused); otherwise takes the sender's and, when given, the client
-- IP's rate limit, then creates the ticket. A limited request changes nothing and returns
-- null ticket columns with retry_after_seconds and limited_by ('ip' or 'sender').
create function app_private.submit_intake(
  p_idempotency_key text,
  p_message jsonb,
  p_client_ip text default null
)
returns table (ticket_id uuid, ticket_number bigint, duplicate boolean, retry_after_seconds integer,
               limited_by text)
language plpgsql
set search_path = ''
as $$
declare
  v_window interval := make_interval(hours => coalesce(nullif(app_private.get_setting('dedupe_window_hours'), '')::integer, 24));
  v_limit record;
begin
  if p_idempotency_key !~ '^[0-9a-f]{64}$' then
    raise exception 'idempotency key must be 64 hex characters' using errcode = '22023';
  end if;
  -- The same lock intake_ticket takes (re-entrant): a concurrent identical message waits
  -- here and then sees the first one's ticket, so it is not counted either.
  perform pg_advisory_xact_lock(hashtextextended(p_idempotency_key, 0));

  if not exists (select 1 from public.tickets t
                 where t.idempotency_key = p_idempotency_key and t.created_at > now() - v_window) then
    select l.retry_after_seconds, l.limited_by into v_limit
    from app_private.take_intake_rate_limit(p_message ->> 'email', p_client_ip) l;
    if v_limit.limited_by is not null then
      return query select null::uuid, null::bigint, false, v_limit.retry_after_seconds, v_limit.limited_by;
      return;
    end if;
  end if;

  return query
    select i.ticket_id, i.ticket_number, i.duplicate, null::integer, null::text
    from app_private.intake_ticket(p_idempotency_key, p_message) i;
end;
$$;

-- Logs a form post whose honeypot field was filled (error_logs, severity info, error_type
-- 'honeypot') after taking the client IP's rate limit; creates no ticket. Returns a
-- plausible next ticket number for the decoy answer, or the limit that refused it.
create function app_private.record_intake_honeypot(p_client_ip text, p_context jsonb)
returns table (ticket_number bigint, retry_after_seconds integer, limited_by text)
language plpgsql
set search_path = ''
as $$
declare
  v_limit record;
begin
  select l.retry_after_seconds, l.limited_by into v_limit
  from app_private.take_intake_rate_limit(null, p_client_ip) l;
  if v_limit.limited_by is not null then
    return query select null::bigint, v_limit.retry_after_seconds, v_limit.limited_by;
    return;
  end if;

  insert into public.error_logs (workflow_name, node_name, error_type, error_message, context, severity)
  values ('intake', 'honeypot', 'honeypot', 'Form post with the honeypot field filled: dropped',
          coalesce(p_context, '{}'::jsonb) || jsonb_build_object('client_ip', p_client_ip), 'info');

  return query select coalesce((select max(t.ticket_number) from public.tickets t), 0) + 1,
                      null::integer, null::text;
end;
$$;

-- Deletes counters whose window has ended (run by pg_cron every 10 minutes); returns how many.
create function app_private.purge_intake_rate_limits()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  v_deleted integer;
begin
  delete from app_private.intake_rate_limits r
  where r.window_start <= now() - make_interval(secs => greatest(1, case r.scope
    when 'ip' then app_private.get_intake_limit_setting('intake_limit_per_ip_window_seconds', 600)
    else app_private.get_intake_limit_setting('intake_limit_per_sender_window_seconds', 3600) end));
  get diagnostics v_deleted = row_count;
  return v_deleted;
end;
$$;

select cron.schedule('ists-purge-intake-rate-limits', '*/10 * * * *',
                     'select app_private.purge_intake_rate_limits()');

revoke all on function app_private.get_intake_limit_setting(text, integer) from public;
revoke all on function app_private.take_intake_rate_limit(text, text) from public;
revoke all on function app_private.submit_intake(text, jsonb, text) from public;
revoke all on function app_private.record_intake_honeypot(text, jsonb) from public;
revoke all on function app_private.purge_intake_rate_limits() from public;
-- submit_intake and record_intake_honeypot run as their caller, so it needs the helpers too.
grant execute on function app_private.get_intake_limit_setting(text, integer) to service_role;
grant execute on function app_private.take_intake_rate_limit(text, text) to service_role;
grant execute on function app_private.submit_intake(text, jsonb, text) to service_role;
grant execute on function app_private.record_intake_honeypot(text, jsonb) to service_role;
grant execute on function app_private.purge_intake_rate_limits() to service_role;
