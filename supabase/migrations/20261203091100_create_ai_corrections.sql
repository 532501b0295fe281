-- Agents correct the AI: every change of a ticket's category, sub-category or priority made
-- after the AI's analysis is recorded against that analysis. The accuracy view and the
-- daily report are computed from these rows.

create table public.ai_corrections (
  id uuid primary key default gen_random_uuid(),
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  analysis_id uuid references public.ai_analysis (id) on delete set null,
  field varchar(20) not null check (field in ('category', 'sub_category', 'priority')),
  ai_value text,
  previous_value text,
  corrected_value text,
  model_name varchar(100),
  corrected_by uuid references public.agents (id) on delete set null,
  created_at timestamptz not null default now()
);
comment on table public.ai_corrections is 'A human changed what the AI decided; feeds the AI accuracy metrics.';
create index ai_corrections_ticket_idx on public.ai_corrections (ticket_id);
create index ai_corrections_created_idx on public.ai_corrections (created_at);

alter table public.ai_corrections enable row level security;
revoke all on public.ai_corrections from anon, authenticated;
grant all on public.ai_corrections to service_role;
grant select on public.ai_corrections to authenticated;
create policy ai_corrections_select_of_visible_tickets on public.ai_corrections
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));

-- Records corrections when a person changes an analysed ticket's classification or priority.
-- security definer: the agent making the change may not insert into ai_corrections directly.
create function app_private.tickets_record_ai_corrections()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_analysis public.ai_analysis;
  v_agent uuid;
begin
  -- The pipeline's own writes (analysis, routing) are not corrections.
  if old.status in ('new', 'analyzing') or coalesce(current_setting('ists.pipeline', true), '') = 'on' then
    return null;
  end if;
  v_agent := app_private.current_agent_id();
  select * into v_analysis from public.ai_analysis a
  where a.ticket_id = new.id order by a.created_at desc limit 1;
  if not found then
    return null;
  end if;
  insert into public.ai_corrections (ticket_id, analysis_id, field, ai_value, previous_value,
                                     corrected_value, model_name, corrected_by)
  select new.id, v_analysis.id, c.field, c.ai_value, c.previous_value, c.corrected_value,
         v_analysis.model_name, v_agent
  from (values
    ('category', v_analysis.category::text, old.category::text, new.category::text),
    ('sub_category', v_analysis.sub_category::text, old.sub_category::text, new.sub_category::text),
    ('priority', v_analysis.priority_recommendation::text, old.priority::text, new.priority::text)
  ) as c(field, ai_value, previous_value, corrected_value)
  where c.previous_value is distinct from c.corrected_value;
  insert into public.ticket_events (ticket_id, event_type, event_data, actor_type, actor_id)
  values (new.id, 'classification_corrected', jsonb_build_object(
    'category', jsonb_build_array(old.category, new.category),
    'sub_category', jsonb_build_array(old.sub_category, new.sub_category),
    'priority', jsonb_build_array(old.priority, new.priority)),
    case when v_agent is null then 'system' else 'agent' end, v_agent);
  return null;
end;
$$;
create trigger tickets_record_ai_corrections after update of category, sub_category, priority on public.tickets
  for each row
  when (old.category is distinct from new.category or old.sub_category is distinct from new.sub_category
        or old.priority is distinct from new.priority)
  execute function app_private.tickets_record_ai_corrections();

-- AI accuracy per day and model: share of analysed tickets whose category, sub-category and
-- priority no person corrected.
create view public.ai_accuracy_daily with (security_invoker = true) as
select
  a.created_at::date as date,
  a.model_name,
  count(*) as analyses,
  count(*) filter (where exists (select 1 from public.ai_corrections c
                                 where c.analysis_id = a.id and c.field = 'category')) as category_corrections,
  count(*) filter (where exists (select 1 from public.ai_corrections c
                                 where c.analysis_id = a.id and c.field = 'sub_category')) as sub_category_corrections,
  count(*) filter (where exists (select 1 from public.ai_corrections c
                                 where c.analysis_id = a.id and c.field = 'priority')) as priority_corrections,
  round(1 - count(*) filter (where exists (select 1 from public.ai_corrections c
                                 where c.analysis_id = a.id and c.field = 'category'))::numeric
            / nullif(count(*), 0), 4) as category_accuracy,
  round(1 - count(*) filter (where exists (select 1 from public.ai_corrections c
                                 where c.analysis_id = a.id and c.field = 'priority'))::numeric
            / nullif(count(*), 0), 4) as priority_accuracy,
  count(*) filter (where a.cache_hit) as cache_hits,
  count(*) filter (where a.fallback_reason is not null) as fallbacks,
  sum(coalesce(a.prompt_tokens, 0)) as prompt_tokens,
  sum(coalesce(a.completion_tokens, 0)) as completion_tokens,
  sum(coalesce(a.total_cost, 0)) as total_cost
from public.ai_analysis a
group by 1, 2;

revoke all on public.ai_accuracy_daily from anon, authenticated;
grant select on public.ai_accuracy_daily to authenticated, service_role;
revoke all on function app_private.tickets_record_ai_corrections() from public;
