-- The View Ticket button's default target: a signed, expiring, read-only page of the ticket,
-- served by the ticket-view function (HTML, or JSON for Accept: application/json). The default
-- used to be the ticket's REST row under functions_base_url, which 404s on the local stack
-- and needs an API key on Supabase. A ticket_url_template (Studio's table editor row, your own
-- page) still wins when set.

insert into app_private.settings (key, value, description) values
  ('ticket_view_base_url', '',
   'Where View Ticket links open the ticket-view function, e.g. a custom domain (https://support.example.com) so the page is served as HTML; empty: functions_base_url'),
  ('ticket_view_link_days', '30', 'Days a signed View Ticket link stays valid')
on conflict (key) do nothing;
update app_private.settings
set description = 'Link of the View Ticket button, {{id}} and {{number}} filled in (e.g. a Studio table editor row); empty: the signed read-only page of the ticket-view function'
where key = 'ticket_url_template';

-- Everything the read-only ticket page shows: the ticket, its customer, team, agent and SLA,
-- the latest AI analysis, the routing decision, the timeline of events and the messages.
-- Null when there is no such ticket.
create function app_private.ticket_view(p_ticket_id uuid)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select jsonb_build_object(
    'ticket', jsonb_build_object(
      'id', t.id, 'number', t.ticket_number, 'label', app_private.ticket_label(t), 'subject', t.subject,
      'body', t.body, 'channel', t.channel, 'status', t.status, 'priority', t.priority,
      'category', t.category, 'sub_category', t.sub_category, 'language', t.language, 'tags', to_jsonb(t.tags),
      'is_escalated', t.is_escalated, 'escalation_reasons', to_jsonb(t.escalation_reasons),
      'is_spam', t.is_spam, 'is_auto_resolved', t.is_auto_resolved, 'reopened_count', t.reopened_count,
      'created_at', t.created_at, 'routed_at', t.routed_at, 'assigned_at', t.assigned_at,
      'first_response_at', t.first_response_at, 'resolved_at', t.resolved_at),
    'customer', jsonb_build_object('name', coalesce(c.name, t.sender_name), 'email', t.sender_email, 'tier', c.tier),
    'team', tm.name,
    'agent', ag.name,
    'sla', case when s.ticket_id is null then null else jsonb_build_object(
      'first_response_deadline', s.first_response_deadline, 'first_response_status', s.first_response_status,
      'resolution_deadline', s.resolution_deadline, 'resolution_status', s.resolution_status,
      'paused', s.paused_at is not null) end,
    'analysis', (select jsonb_build_object(
        'category', a.category, 'sub_category', a.sub_category, 'confidence', a.confidence,
        'emotion', a.sentiment_emotion, 'intensity', a.sentiment_intensity,
        'priority', a.priority_recommendation, 'urgency_score', a.urgency_score,
        'escalation_flag', a.escalation_flag, 'language', a.language, 'model', a.model_name,
        'cache_hit', a.cache_hit, 'fallback_reason', a.fallback_reason, 'reasoning', a.reasoning,
        'created_at', a.created_at)
      from public.ai_analysis a where a.ticket_id = t.id order by a.created_at desc limit 1),
    'routing', (select e.event_data from public.ticket_events e
                where e.ticket_id = t.id and e.event_type = 'routed' order by e.created_at desc limit 1),
    'events', coalesce((select jsonb_agg(jsonb_build_object(
        'at', e.created_at, 'type', e.event_type, 'actor_type', e.actor_type,
        'actor', case when e.actor_type = 'agent' then app_private.agent_name(e.actor_id, null) end,
        'data', e.event_data) order by e.created_at, e.id)
      from (select * from public.ticket_events x where x.ticket_id = t.id
            order by x.created_at desc, x.id limit 500) e), '[]'),
    'messages', coalesce((select jsonb_agg(jsonb_build_object(
        'at', r.created_at, 'direction', r.direction, 'channel', r.channel, 'sender_type', r.sender_type,
        'sender_email', r.sender_email, 'body', r.body, 'ai', r.was_ai_generated,
        'review_status', r.review_status, 'sent_at', r.sent_at) order by r.created_at, r.id)
      from (select * from public.responses x where x.ticket_id = t.id
            order by x.created_at desc, x.id limit 200) r), '[]'))
  from public.tickets t
  join public.customers c on c.id = t.customer_id
  left join public.teams tm on tm.id = t.team_id
  left join public.agents ag on ag.id = t.assigned_to
  left join public.sla_tracking s on s.ticket_id = t.id
  where t.id = p_ticket_id
$$;

revoke all on all functions in schema app_private from public;
grant execute on function app_private.ticket_view(uuid) to service_role;
