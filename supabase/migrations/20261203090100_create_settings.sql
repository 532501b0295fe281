-- Organisation settings read by triggers and reports (one row per key).

create table app_private.settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_]*$'),
  value text not null,
  description text,
  updated_at timestamptz not null default now()
);
alter table app_private.settings enable row level security;
grant all on app_private.settings to service_role;

insert into app_private.settings (key, value, description) values
  ('organisation_name', 'Example Support', 'Shown in messages and reports'),
  ('time_zone', 'UTC', 'IANA time zone of the support organisation'),
  ('functions_base_url', '', 'Base URL of the edge functions, e.g. https://<ref>.supabase.co (local: http://127.0.0.1:54321)'),
  ('service_role_key', '', 'Bearer token the pipeline sends to internal functions; prefer the Vault secret ists_service_role_key'),
  ('dedupe_window_hours', '24', 'Identical messages within this window return the existing ticket'),
  ('auto_resolve_min_confidence', '0.85', 'Auto-resolve only above this classification confidence'),
  ('auto_resolve_max_intensity', '7', 'Auto-resolve only below this sentiment intensity'),
  ('auto_resolve_max_body_chars', '500', 'Auto-resolve only bodies shorter than this'),
  ('repeat_contact_threshold', '3', 'The Nth ticket of a customer within 7 days escalates'),
  ('job_max_attempts', '3', 'Attempts before a pipeline job is dead-lettered'),
  ('job_backoff_base_seconds', '10', 'First retry delay; doubles per attempt'),
  ('dashboard_url', '', 'Link used by View Ticket buttons and reports');

-- Returns a setting: a Vault secret named ists_<key> wins over the settings row.
create function app_private.get_setting(p_key text)
returns text
language plpgsql
stable
set search_path = ''
as $$
declare
  v_value text;
begin
  if to_regclass('vault.decrypted_secrets') is not null then
    -- Dynamic: the vault schema exists on Supabase, not on every Postgres.
    execute format('select decrypted_secret from %I.decrypted_secrets where name = $1', 'vault')
      into v_value using 'ists_' || p_key;
    if v_value is not null then
      return v_value;
    end if;
  end if;
  select s.value into v_value from app_private.settings s where s.key = p_key;
  return v_value;
end;
$$;
