-- "3 retries with exponential backoff, dead letters after that", the same everywhere: a job
-- or an IMAP message is tried once and then retried 3 times, so max_attempts (attempts in
-- all, the first included) is 4. In-request retries (_shared/retry.ts) count the same way.
-- Settings an operator already changed from the old default are left alone.

update app_private.settings
set value = '4', description = 'Attempts at a pipeline job in all (the first and 3 retries) before it is dead-lettered'
where key = 'job_max_attempts' and value = '3';
update app_private.settings
set value = '4', description = 'Attempts at one IMAP message in all (the first and 3 retries, after 1, 4 and 16 minutes) before it is kept as a dead letter'
where key = 'email_poll_max_attempts' and value = '3';
insert into app_private.settings (key, value, description) values
  ('job_max_attempts', '4', 'Attempts at a pipeline job in all (the first and 3 retries) before it is dead-lettered'),
  ('email_poll_max_attempts', '4', 'Attempts at one IMAP message in all (the first and 3 retries, after 1, 4 and 16 minutes) before it is kept as a dead letter')
on conflict (key) do nothing;

alter table app_private.jobs alter column max_attempts set default 4;
comment on column app_private.jobs.max_attempts is
  'Attempts in all, the first included: 4 = one attempt and 3 retries (setting job_max_attempts).';
comment on column app_private.jobs.attempts is 'Attempts claimed so far (1 = the first attempt).';

-- Attempts a new job gets: the job_max_attempts setting (a positive integer), else 4.
create function app_private.job_max_attempts()
returns integer
language sql
stable
set search_path = ''
as $$
  select case when s.value ~ '^\s*[1-9][0-9]{0,3}\s*$' then btrim(s.value)::integer else 4 end
  from (select app_private.get_setting('job_max_attempts') as value) s
$$;

-- Queues a stage for a ticket unless one is already waiting; returns the job id or null.
-- Slack events are never merged: each stored event gets its own job (as in 20261203091400).
create or replace function app_private.enqueue_job(
  p_stage text,
  p_ticket_id uuid,
  p_payload jsonb default '{}',
  p_delay interval default interval '0'
)
returns bigint
language sql
set search_path = ''
as $$
  insert into app_private.jobs (stage, ticket_id, payload, run_after, max_attempts)
  values (p_stage, p_ticket_id, coalesce(p_payload, '{}'), now() + p_delay, app_private.job_max_attempts())
  on conflict (stage, ticket_id) where status = 'queued' and stage <> 'slack-events' do nothing
  returning id
$$;

grant execute on function app_private.job_max_attempts() to service_role;
revoke all on all functions in schema app_private from public;
