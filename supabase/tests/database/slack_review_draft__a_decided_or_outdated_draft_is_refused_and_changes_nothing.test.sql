-- A decision on a draft that was already decided, or whose ticket changed since the message
-- (resolved, reassigned, a newer draft, an answer sent meanwhile, the customer wrote again),
-- is refused with an explanation and changes nothing.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP: Mia's team; one ticket per situation, each with a pending draft
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as mia \gset
select tests.create_agent_user(team_id => :'team_id') as noah \gset
update public.agents set name = 'Mia', slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'mia';
update public.agents set name = 'Noah' where id = :'noah';
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
create temporary table drafts (situation text primary key, ticket uuid, draft uuid) on commit drop;
grant select on drafts to service_role;
insert into drafts (situation, ticket)
select s, tests.create_ticket(tests.create_customer(name => 'Sam Example'), status => 'assigned', team_id => :'team_id',
  assigned_to => :'mia')
from unnest(array['decided', 'resolved', 'reassigned', 'newer_draft', 'answered', 'customer_wrote']) s;
-- The drafts are an hour old; what happened since is now.
with d as (
  insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, created_at)
  select ticket, 'outbound', 'email', 'Hi Sam, here is how.', 'ai', true, true, now() - interval '1 hour' from drafts
  returning id, ticket_id)
update drafts set draft = d.id from d where d.ticket_id = drafts.ticket;
update public.responses set review_status = 'approved', reviewed_by = :'noah'
where id = (select draft from drafts where situation = 'decided');
update public.tickets set status = 'resolved', resolved_at = now() where id = (select ticket from drafts where situation = 'resolved');
update public.tickets set assigned_to = :'noah' where id = (select ticket from drafts where situation = 'reassigned');
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
select ticket, 'outbound', 'email', 'Hi Sam, a newer draft.', 'ai', true, true from drafts where situation = 'newer_draft';
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
select ticket, 'outbound', 'email', 'Hi Sam, Noah here.', 'agent', :'noah' from drafts where situation = 'answered';
insert into public.responses (ticket_id, direction, channel, body, sender_type)
select ticket, 'inbound', 'email', 'Also, the app crashes now.', 'customer' from drafts where situation = 'customer_wrote';
select tests.authenticate_as_service_role();
select count(*) as events_before from public.ticket_events \gset
select count(*) as notifications_before from public.notifications \gset

create function pg_temp.approve(p_situation text, p_slack text, p_agent uuid) returns text language sql as $$
  select app_private.slack_console(p_slack, 'approve_draft', jsonb_build_object(
    'response_id', (select d.draft from drafts d where d.situation = p_situation),
    'expected', jsonb_build_object('assignee', p_agent))) ->> 'text'
$$;

-- TEST: each situation is refused with its explanation
select matches(pg_temp.approve('decided', :'mia_slack', :'mia'), '^The draft for #T-\d+ was already approved by Noah on .+; nothing was changed\.$',
  'already decided: who decided it');
select matches(pg_temp.approve('resolved', :'mia_slack', :'mia'), '^#T-\d+ was resolved meanwhile; the draft was not sent\.$',
  'the ticket was resolved meanwhile');
select matches(pg_temp.approve('reassigned', :'mia_slack', :'mia'),
  '^#T-\d+ is now assigned to Noah \(the message showed Mia\); the draft was not sent\.$',
  'the ticket was reassigned: to whom, and what the message showed');
select matches(pg_temp.approve('newer_draft', :'mia_slack', :'mia'), '^A newer draft for #T-\d+ was posted; review that one\. This draft was not sent\.$',
  'a newer draft replaces this one');
select matches(pg_temp.approve('answered', :'mia_slack', :'mia'), '^#T-\d+ was answered since this draft was written \(by Noah\); this draft was not sent\.$',
  'an agent answered meanwhile');
select matches(pg_temp.approve('customer_wrote', :'mia_slack', :'mia'), '^The customer wrote again on #T-\d+ after this draft',
  'the customer wrote again');

-- TEST: nothing changed
select is((select count(*) from public.responses r join drafts d on d.draft = r.id
           where r.review_status = 'pending'), 5::bigint, 'the other five drafts still wait');
select is((select count(*) from public.ticket_events) + (select count(*) from public.notifications),
  :'events_before'::bigint + :'notifications_before'::bigint, 'no event and no notification');

select * from finish();
rollback;
