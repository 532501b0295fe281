-- Row-level security for ticket data: service_role does everything, a signed-in agent
-- reads the tickets of their own team and updates the tickets assigned to them, anon nothing.

alter table public.ticket_sub_categories enable row level security;
revoke all on public.ticket_sub_categories from anon, authenticated;
grant all on public.ticket_sub_categories to service_role;
grant select on public.ticket_sub_categories to authenticated;
create policy ticket_sub_categories_select_signed_in_agents on public.ticket_sub_categories
  for select to authenticated using (app_private.current_agent_id() is not null);

alter table public.tickets enable row level security;
alter table public.ai_analysis enable row level security;
alter table public.ticket_events enable row level security;
alter table public.routing_rules enable row level security;
alter table public.sla_policies enable row level security;
alter table public.sla_tracking enable row level security;
alter table public.responses enable row level security;
alter table public.response_templates enable row level security;
alter table public.notifications enable row level security;
alter table public.error_logs enable row level security;
alter table public.analytics_daily enable row level security;

revoke all on public.tickets, public.ai_analysis, public.ticket_events, public.routing_rules,
  public.sla_policies, public.sla_tracking, public.responses, public.response_templates,
  public.notifications, public.error_logs, public.analytics_daily from anon, authenticated;
grant all on public.tickets, public.ai_analysis, public.ticket_events, public.routing_rules,
  public.sla_policies, public.sla_tracking, public.responses, public.response_templates,
  public.notifications, public.error_logs, public.analytics_daily to service_role;

grant select on public.tickets, public.ai_analysis, public.ticket_events, public.routing_rules,
  public.sla_policies, public.sla_tracking, public.responses, public.response_templates,
  public.notifications, public.analytics_daily to authenticated;
grant update (status, priority, category, sub_category, tags, is_escalated, first_response_at,
  resolved_at) on public.tickets to authenticated;

create policy tickets_select_own_team on public.tickets
  for select to authenticated
  using (team_id = app_private.current_agent_team_id());

create policy tickets_update_assigned_to_me on public.tickets
  for update to authenticated
  using (assigned_to = app_private.current_agent_id())
  with check (assigned_to = app_private.current_agent_id());

create policy customers_select_of_visible_tickets on public.customers
  for select to authenticated
  using (id in (select t.customer_id from public.tickets t));

create policy ai_analysis_select_of_visible_tickets on public.ai_analysis
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));
create policy ticket_events_select_of_visible_tickets on public.ticket_events
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));
create policy sla_tracking_select_of_visible_tickets on public.sla_tracking
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));
create policy responses_select_of_visible_tickets on public.responses
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));
create policy notifications_select_of_visible_tickets on public.notifications
  for select to authenticated using (ticket_id in (select t.id from public.tickets t));

create policy routing_rules_select_signed_in_agents on public.routing_rules
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy sla_policies_select_signed_in_agents on public.sla_policies
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy response_templates_select_signed_in_agents on public.response_templates
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy analytics_daily_select_signed_in_agents on public.analytics_daily
  for select to authenticated using (app_private.current_agent_id() is not null);
