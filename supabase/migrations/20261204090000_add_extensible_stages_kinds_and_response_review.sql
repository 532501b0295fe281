-- Pipeline stages and notification kinds become rows of lookup tables instead of check
-- constraints, so each feature adds its own with an insert (a later migration that rewrote a
-- check list would silently drop the kinds another feature had added). Responses gain the
-- review record the answer workflow fills and the reports read.

create table app_private.pipeline_stages (
  stage text primary key check (stage ~ '^[a-z][a-z-]*$'),
  description text not null
);
comment on table app_private.pipeline_stages is 'Stages of the job queue; each is served by the edge function of the same name.';
alter table app_private.pipeline_stages enable row level security;
grant select on app_private.pipeline_stages to service_role;
insert into app_private.pipeline_stages (stage, description) values
  ('triage', 'AI analysis of a new ticket'),
  ('route', 'rules, escalation, auto-resolution and assignment'),
  ('notify', 'Slack and e-mail notifications from the outbox'),
  ('slack-events', 'Slack Events API deliveries turned into tickets and replies'),
  ('respond', 'knowledge-base-grounded answer drafts and the auto-send decision'),
  ('send', 'delivery of approved or automatic answers on the ticket''s channel');

alter table app_private.jobs drop constraint jobs_stage_check;
alter table app_private.jobs add constraint jobs_stage_fkey
  foreign key (stage) references app_private.pipeline_stages (stage);
alter table app_private.stage_drains drop constraint stage_drains_stage_check;
alter table app_private.stage_drains add constraint stage_drains_stage_fkey
  foreign key (stage) references app_private.pipeline_stages (stage);
insert into app_private.stage_drains (stage)
select s.stage from app_private.pipeline_stages s
on conflict (stage) do nothing;

create table public.notification_kinds (
  kind varchar(30) primary key check (kind ~ '^[a-z][a-z_]*$'),
  description text not null
);
comment on table public.notification_kinds is 'Kinds of outbox messages (notifications.kind).';
alter table public.notification_kinds enable row level security;
grant select on public.notification_kinds to authenticated, service_role;
create policy notification_kinds_select_signed_in on public.notification_kinds
  for select to authenticated using (true);
insert into public.notification_kinds (kind, description) values
  ('ticket_assigned', 'a ticket was assigned: team channel post and assignee DM'),
  ('ticket_queued', 'a ticket waits in its team queue'),
  ('customer_reply', 'an answer sent to the customer'),
  ('pipeline_alert', 'a dead letter or pipeline failure'),
  ('inbound_reply', 'the customer replied on a ticket'),
  ('ticket_escalated', 'a ticket was escalated: the team lead is told'),
  ('ticket_updated', 'an earlier Slack message is updated in place'),
  ('sla_info', 'SLA 50 % elapsed'),
  ('sla_warning', 'SLA 80 % elapsed');

alter table public.notifications drop constraint notifications_kind_check;
alter table public.notifications add constraint notifications_kind_fkey
  foreign key (kind) references public.notification_kinds (kind);

-- The review record of an AI-written answer. An answer saved for review has ai_draft = true
-- and review_status 'pending' until an agent approves (as written), edits (then sends the
-- edited text; edit_distance counts the changed characters) or rejects it (review_note says
-- why); an answer sent without review has ai_draft = false and review_status 'auto_sent'.
-- Answers written by people have review_status null.
alter table public.responses
  add column review_status varchar(20)
    check (review_status in ('pending', 'approved', 'edited', 'rejected', 'auto_sent')),
  add column reviewed_by uuid references public.agents (id) on delete set null,
  add column reviewed_at timestamptz,
  add column edit_distance integer check (edit_distance >= 0),
  add column review_note text,
  add column ai_confidence numeric(4, 3) check (ai_confidence between 0 and 1),
  add column model_name varchar(100),
  add column prompt_tokens integer check (prompt_tokens >= 0),
  add column completion_tokens integer check (completion_tokens >= 0),
  add column total_cost numeric(10, 6) check (total_cost >= 0),
  add constraint responses_review_needs_ai check (review_status is null or was_ai_generated),
  add constraint responses_reviewed_has_reviewer
    check (review_status not in ('approved', 'edited', 'rejected') or reviewed_at is not null);
comment on column public.responses.review_status is
  'AI answers only: pending (draft awaiting an agent), approved, edited, rejected, auto_sent.';
comment on column public.responses.edit_distance is
  'Characters an agent changed in the AI draft before sending it (Levenshtein distance).';
comment on column public.responses.total_cost is 'US dollars the AI spent writing this answer.';
create index responses_review_pending_idx on public.responses (created_at)
  where review_status = 'pending';

-- An AI answer inserted without a review status gets the one its ai_draft flag implies
-- (the auto-resolution path writes its template answers this way).
create function app_private.responses_default_review_status()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.was_ai_generated and new.direction = 'outbound' and new.review_status is null then
    new.review_status := case when new.ai_draft then 'pending' else 'auto_sent' end;
  end if;
  return new;
end;
$$;

create trigger responses_default_review_status before insert on public.responses
  for each row execute function app_private.responses_default_review_status();

revoke all on all functions in schema app_private from public;
