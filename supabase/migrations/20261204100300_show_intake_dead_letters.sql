-- One error view for everything that failed for good: pipeline jobs that used up their
-- attempts (as in pipeline_dead_letters) and accepted input that could not become a ticket
-- (intake_dead_letters: unparsable mail, no usable sender, intake failing after its retries).
-- Unresolved first, newest first. Mark an intake dead letter handled with
-- update intake_dead_letters set resolved_at = now(), resolved_note = '…' where id = …;

create view public.dead_letters with (security_invoker = true) as
select * from (
  select 'pipeline_job'::text as source, j.id, j.stage, null::text as channel, j.ticket_id, t.ticket_number,
         t.subject, j.last_error as error, j.attempts, j.payload as details, null::bigint as raw_bytes,
         j.created_at, j.finished_at as dead_at, null::timestamptz as resolved_at, null::text as resolved_note
  from app_private.jobs j
  left join public.tickets t on t.id = j.ticket_id
  where j.status = 'dead'
  union all
  select 'intake'::text, d.id, null::text, d.channel::text, null::uuid, null::bigint,
         d.details ->> 'subject', d.reason,
         case when d.details ->> 'attempts' ~ '^[0-9]{1,9}$' then (d.details ->> 'attempts')::integer end,
         d.details, d.raw_bytes, d.received_at, d.received_at, d.resolved_at, d.resolved_note
  from public.intake_dead_letters d
) all_dead
order by resolved_at is not null, dead_at desc;

comment on view public.dead_letters is
  'Pipeline jobs dead-lettered after their last attempt and intake input kept as a dead letter (raw bytes in intake_dead_letters.raw).';

revoke all on public.dead_letters from anon, authenticated;
grant select on public.dead_letters to service_role;
