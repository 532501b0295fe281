-- Local development data: the seed's four teams, agents, routing rules and customers.
-- Idempotent, so it can be applied again.

insert into public.teams (name, handles_categories, slack_channel_id, lead_slack_channel_id) values
  ('Billing Team', array['billing'], 'C01234ABC', 'C0LEADS01'),
  ('Technical Support', array['technical'], 'C01234DEF', 'C0LEADS01'),
  ('Account Management', array['account'], 'C01234GHI', 'C0LEADS01'),
  ('General Support', array['general'], 'C01234JKL', 'C0LEADS01')
on conflict (name) do nothing;

insert into public.agents (email, name, team_id, role, skill_level, specializations, max_concurrent_tickets, is_available, slack_user_id)
select v.email, v.name, t.id, v.role, v.skill_level, v.specializations, v.max_tickets, v.available, v.slack_user_id
from (values
  ('ava.mitchell@example.com', 'Ava Mitchell', 'Billing Team', 'senior_agent', 'senior', array['billing', 'refund_request', 'payment_failed'], 8, true, 'U0AVA0001'),
  ('noah.patel@example.com', 'Noah Patel', 'Billing Team', 'agent', 'mid', array['billing', 'invoice_request', 'subscription_change'], 10, true, 'U0NOAH002'),
  ('liam.okafor@example.com', 'Liam Okafor', 'Technical Support', 'senior_agent', 'expert', array['technical', 'outage', 'integration'], 6, true, 'U0LIAM003'),
  ('mia.kowalski@example.com', 'Mia Kowalski', 'Technical Support', 'agent', 'mid', array['technical', 'bug_report', 'performance'], 10, true, 'U0MIA0004'),
  ('ethan.brooks@example.com', 'Ethan Brooks', 'Technical Support', 'agent', 'junior', array['technical', 'how_to'], 6, true, 'U0ETHAN05'),
  ('sofia.reyes@example.com', 'Sofia Reyes', 'Account Management', 'senior_agent', 'senior', array['account', 'account_deletion', 'login_problem'], 8, true, 'U0SOFIA06'),
  ('lucas.meyer@example.com', 'Lucas Meyer', 'Account Management', 'agent', 'mid', array['account', 'password_reset', 'account_update'], 10, true, 'U0LUCAS07'),
  ('grace.liu@example.com', 'Grace Liu', 'General Support', 'manager', 'senior', array['general', 'complaint'], 6, true, 'U0GRACE08'),
  ('omar.haddad@example.com', 'Omar Haddad', 'General Support', 'agent', 'mid', array['general', 'documentation', 'feature_request'], 10, true, 'U0OMAR009'),
  ('chloe.martin@example.com', 'Chloe Martin', 'General Support', 'agent', 'junior', array['general', 'how_to'], 8, false, 'U0CHLOE10')
) as v(email, name, team, role, skill_level, specializations, max_tickets, available, slack_user_id)
join public.teams t on t.name = v.team
on conflict (email) do nothing;

insert into public.routing_rules (id, name, category, sub_category, priority, customer_tier, language, channel, team_id, rule_priority)
select v.id::uuid, v.name, v.category, v.sub_category, v.priority, v.tier, v.language, v.channel, t.id, v.rule_priority
from (values
  ('00000000-0000-4000-8000-000000000001', 'Outages go to Technical Support first', 'technical', 'outage', null, null, null, null, 'Technical Support', 10),
  ('00000000-0000-4000-8000-000000000002', 'Enterprise integrations to Technical Support', null, 'integration', null, 'enterprise', null, null, 'Technical Support', 20),
  ('00000000-0000-4000-8000-000000000003', 'Billing', 'billing', null, null, null, null, null, 'Billing Team', 100),
  ('00000000-0000-4000-8000-000000000004', 'Technical', 'technical', null, null, null, null, null, 'Technical Support', 100),
  ('00000000-0000-4000-8000-000000000005', 'Account', 'account', null, null, null, null, null, 'Account Management', 100),
  ('00000000-0000-4000-8000-000000000006', 'General', 'general', null, null, null, null, null, 'General Support', 100)
) as v(id, name, category, sub_category, priority, tier, language, channel, team, rule_priority)
join public.teams t on t.name = v.team
on conflict (id) do nothing;

insert into public.customers (email, name, tier) values
  ('olivia.grant@example.com', 'Olivia Grant', 'vip'),
  ('marcus.chen@example.com', 'Marcus Chen', 'vip'),
  ('it-admin@northwind.example.com', 'Northwind Traders IT', 'enterprise'),
  ('ops@globex.example.com', 'Globex Ops', 'enterprise'),
  ('sam.rivera@example.com', 'Sam Rivera', 'standard'),
  ('priya.nair@example.com', 'Priya Nair', 'standard')
on conflict (email) do update set tier = excluded.tier;
