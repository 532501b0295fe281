-- Tickets and everything recorded about them.

-- The taxonomy: every sub-category belongs to exactly one category. Tickets, analyses and
-- routing rules reference it, so a correction cannot store an unknown or mismatched label.
create table public.ticket_sub_categories (
  sub_category varchar(50) primary key,
  category varchar(50) not null check (category in ('billing', 'technical', 'account', 'general')),
  unique (category, sub_category)
);
insert into public.ticket_sub_categories (sub_category, category) values
  ('password_reset', 'account'), ('login_problem', 'account'), ('account_update', 'account'),
  ('account_deletion', 'account'), ('invoice_request', 'billing'), ('refund_request', 'billing'),
  ('payment_failed', 'billing'), ('subscription_change', 'billing'), ('bug_report', 'technical'),
  ('outage', 'technical'), ('integration', 'technical'), ('performance', 'technical'),
  ('documentation', 'general'), ('how_to', 'general'), ('feature_request', 'general'),
  ('complaint', 'general'), ('other', 'general');

create table public.tickets (
  id uuid primary key default gen_random_uuid(),
  ticket_number bigint generated always as identity unique,
  idempotency_key varchar(64) unique not null check (idempotency_key ~ '^[0-9a-f]{64}$'),
  -- Source
  channel varchar(20) not null check (channel in ('email', 'slack', 'api', 'web')),
  customer_id uuid not null references public.customers (id),
  sender_email varchar(255) not null,
  sender_name varchar(255),
  -- Content
  subject text not null,
  body text not null,
  attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array'),
  -- Classification
  category varchar(50) check (category in ('billing', 'technical', 'account', 'general')),
  sub_category varchar(50),
  tags text[] not null default '{}',
  language varchar(10),
  subject_en text,
  body_en text,
  sentiment_emotion varchar(30),
  sentiment_intensity integer check (sentiment_intensity between 1 and 10),
  ai_confidence numeric(3, 2) check (ai_confidence between 0 and 1),
  -- Status
  status varchar(30) not null default 'new' check (status in (
    'new', 'analyzing', 'analyzed', 'queued', 'assigned', 'in_progress',
    'waiting_on_customer', 'resolved', 'closed')),
  priority varchar(20) not null default 'medium' check (priority in ('urgent', 'high', 'medium', 'low')),
  -- Assignment
  assigned_to uuid references public.agents (id),
  assigned_at timestamptz,
  team_id uuid references public.teams (id),
  routed_at timestamptz,
  -- SLA
  sla_deadline timestamptz,
  first_response_at timestamptz,
  resolved_at timestamptz,
  -- Flags
  is_spam boolean not null default false,
  is_escalated boolean not null default false,
  escalation_reasons text[] not null default '{}',
  is_auto_resolved boolean not null default false,
  -- Metadata
  raw_metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tickets_assigned_needs_agent check (status <> 'assigned' or assigned_to is not null),
  constraint tickets_sub_category_of_category foreign key (category, sub_category)
    references public.ticket_sub_categories (category, sub_category)
);
comment on table public.tickets is 'One row per customer request; the pipeline fills classification, routing and SLA.';
comment on column public.tickets.idempotency_key is 'SHA-256 of normalised sender, subject and body; repeats within the dedupe window return the existing ticket.';
comment on column public.tickets.subject_en is 'English translation used for analysis when the customer wrote in another language.';
comment on column public.tickets.sla_deadline is 'Resolution deadline (first-response deadline is in sla_tracking).';

revoke all on sequence public.tickets_ticket_number_seq from anon, authenticated;

create index idx_tickets_status on public.tickets (status);
create index idx_tickets_priority on public.tickets (priority);
create index idx_tickets_assigned_to on public.tickets (assigned_to);
create index idx_tickets_sla_deadline on public.tickets (sla_deadline) where status not in ('resolved', 'closed');
create index tickets_customer_created_idx on public.tickets (customer_id, created_at desc);
create index tickets_team_queue_idx on public.tickets (team_id, created_at) where status = 'queued';
create index tickets_agent_active_idx on public.tickets (assigned_to) where status in ('assigned', 'in_progress');

create table public.ai_analysis (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid references public.tickets (id) on delete cascade,
  -- Classification
  category varchar(50) not null check (category in ('billing', 'technical', 'account', 'general')),
  sub_category varchar(50),
  confidence numeric(3, 2) not null check (confidence between 0 and 1),
  -- Sentiment
  sentiment_emotion varchar(30) check (sentiment_emotion in ('angry', 'frustrated', 'confused', 'neutral', 'satisfied', 'happy')),
  sentiment_intensity integer check (sentiment_intensity between 1 and 10),
  -- Priority
  priority_recommendation varchar(20) check (priority_recommendation in ('urgent', 'high', 'medium', 'low')),
  urgency_score integer check (urgency_score between 1 and 10),
  escalation_flag boolean not null default false,
  language varchar(10),
  -- AI reasoning (for transparency)
  reasoning jsonb,
  content_hash varchar(64),
  cache_hit boolean not null default false,
  cached_from uuid references public.ai_analysis (id) on delete set null,
  fallback_reason text,
  -- Model info
  model_name varchar(100),
  prompt_tokens integer,
  completion_tokens integer,
  total_cost numeric(10, 6),
  created_at timestamptz not null default now(),
  constraint ai_analysis_sub_category_of_category foreign key (category, sub_category)
    references public.ticket_sub_categories (category, sub_category)
);
create index ai_analysis_ticket_id_idx on public.ai_analysis (ticket_id);
create index ai_analysis_content_hash_idx on public.ai_analysis (content_hash, created_at desc);
comment on column public.ai_analysis.content_hash is 'SHA-256 of customer tier, subject and body: the 24 h analysis cache key (the whole body, not its first 200 characters: messages that share an opening must not share an analysis).';
comment on column public.ai_analysis.fallback_reason is 'Why another provider''s answer replaced this model''s (e.g. OpenAI failed, the local model answered).';

create table public.ticket_events (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid references public.tickets (id) on delete cascade,
  event_type varchar(50) not null,
  event_data jsonb,
  actor_type varchar(20) check (actor_type in ('system', 'ai', 'agent', 'customer')),
  actor_id uuid,
  created_at timestamptz not null default now()
);
create index idx_ticket_events_ticket_id on public.ticket_events (ticket_id, created_at desc);

create table public.routing_rules (
  id uuid primary key default gen_random_uuid(),
  name varchar(100) not null,
  -- Match criteria (null = any)
  category varchar(50) check (category in ('billing', 'technical', 'account', 'general')),
  sub_category varchar(50) references public.ticket_sub_categories (sub_category),
  priority varchar(20) check (priority in ('urgent', 'high', 'medium', 'low')),
  customer_tier varchar(20) check (customer_tier in ('standard', 'vip', 'enterprise')),
  language varchar(10),
  channel varchar(20) check (channel in ('email', 'slack', 'api', 'web')),
  -- Target
  team_id uuid not null references public.teams (id),
  rule_priority integer not null default 100, -- lower = higher priority
  is_active boolean not null default true,
  created_at timestamptz not null default now()
);
create index routing_rules_active_idx on public.routing_rules (rule_priority) where is_active;

create table public.sla_policies (
  priority varchar(20) primary key check (priority in ('urgent', 'high', 'medium', 'low')),
  first_response_minutes integer not null check (first_response_minutes > 0),
  resolution_minutes integer not null check (resolution_minutes > 0),
  check (resolution_minutes >= first_response_minutes)
);
insert into public.sla_policies (priority, first_response_minutes, resolution_minutes) values
  ('urgent', 60, 240), ('high', 240, 480), ('medium', 480, 1440), ('low', 1440, 4320);

create table public.sla_tracking (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid references public.tickets (id) on delete cascade unique,
  priority varchar(20) not null check (priority in ('urgent', 'high', 'medium', 'low')),
  first_response_deadline timestamptz not null,
  resolution_deadline timestamptz not null,
  status varchar(20) not null default 'active' check (status in ('active', 'met', 'breached')),
  alert_50_sent boolean not null default false,
  alert_80_sent boolean not null default false,
  breach_alert_sent boolean not null default false,
  created_at timestamptz not null default now()
);

create table public.responses (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid references public.tickets (id) on delete cascade,
  direction varchar(20) not null check (direction in ('outbound', 'inbound')),
  channel varchar(20) not null check (channel in ('email', 'slack', 'api', 'web')),
  body text not null,
  sender_type varchar(20) check (sender_type in ('agent', 'customer', 'ai')),
  sender_id uuid,
  was_ai_generated boolean not null default false,
  ai_draft boolean not null default false,
  sent_at timestamptz,
  created_at timestamptz not null default now()
);
create index responses_ticket_id_idx on public.responses (ticket_id, created_at);

create table public.response_templates (
  sub_category varchar(50) primary key,
  subject text not null,
  body text not null check (body like '%{{first_name}}%'),
  updated_at timestamptz not null default now()
);
comment on table public.response_templates is 'Auto-resolution answers; {{first_name}}, {{ticket_number}} and {{organisation_name}} are filled in.';

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid references public.tickets (id) on delete cascade,
  kind varchar(30) not null check (kind in ('ticket_assigned', 'ticket_queued', 'customer_reply', 'pipeline_alert')),
  channel varchar(20) not null check (channel in ('slack', 'email')),
  target text,
  payload jsonb not null default '{}',
  status varchar(20) not null default 'pending' check (status in ('pending', 'sent', 'stored', 'failed')),
  attempts integer not null default 0,
  last_error text,
  external_id text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
comment on table public.notifications is 'Outbox of Slack and email messages; status stored = kept here because no transport is configured.';
comment on column public.notifications.target is 'Slack channel id or email address.';
create index notifications_ticket_pending_idx on public.notifications (ticket_id) where status = 'pending';

create table public.error_logs (
  id uuid primary key default gen_random_uuid(),
  workflow_name varchar(100),
  node_name varchar(100),
  error_type varchar(100),
  error_message text,
  ticket_id uuid references public.tickets (id) on delete set null,
  context jsonb,
  severity varchar(20) not null default 'error' check (severity in ('info', 'warning', 'error', 'critical')),
  resolved boolean not null default false,
  created_at timestamptz not null default now()
);

create table public.analytics_daily (
  id uuid primary key default gen_random_uuid(),
  date date unique not null,
  total_tickets integer,
  tickets_resolved integer,
  tickets_auto_resolved integer,
  avg_first_response_minutes numeric(10, 2),
  avg_resolution_hours numeric(10, 2),
  sla_compliance_rate numeric(5, 2),
  sla_breaches integer,
  tickets_by_category jsonb,
  tickets_by_priority jsonb,
  ai_classification_accuracy numeric(5, 2),
  total_ai_cost numeric(10, 4),
  created_at timestamptz not null default now()
);

-- Keeps tickets.updated_at current.
create function app_private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
create trigger tickets_touch_updated_at before update on public.tickets
  for each row execute function app_private.touch_updated_at();
