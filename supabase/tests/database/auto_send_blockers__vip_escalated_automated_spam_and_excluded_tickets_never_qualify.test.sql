-- Which tickets may be answered without review: a plain standard ticket qualifies; VIP and
-- enterprise customers, escalated tickets, auto-replies and bulk mail, spam, excluded
-- sub-categories, other languages and an agent's earlier answer do not. record_response
-- checks again, so an auto-send the function decided is kept as a draft for such a ticket.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id',
  category => 'general', sub_category => 'how_to') as plain_id \gset
select tests.create_ticket(tests.create_customer(tier => 'vip'), status => 'queued', team_id => :'team_id',
  category => 'general', sub_category => 'how_to') as vip_id \gset
select tests.create_ticket(tests.create_customer(tier => 'enterprise'), status => 'queued', team_id => :'team_id',
  category => 'general', sub_category => 'how_to') as enterprise_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id',
  category => 'billing', sub_category => 'refund_request') as refund_id \gset
select tests.create_ticket(tests.create_customer(), status => 'queued', team_id => :'team_id',
  category => 'general', sub_category => 'how_to') as other_id \gset

-- TEST: the plain ticket qualifies
select is(app_private.auto_send_blockers(:'plain_id'), '{}'::text[], 'a plain standard ticket has no blocker');

-- TEST: tiers, refunds
select is(app_private.auto_send_blockers(:'vip_id'), array['vip_customer'], 'a VIP customer');
select is(app_private.auto_send_blockers(:'enterprise_id'), array['enterprise_customer'], 'an enterprise customer');
select is(app_private.auto_send_blockers(:'refund_id'), array['sub_category_refund_request'], 'a refund request');

-- TEST: escalation, automation, spam, language, an agent's answer
update public.tickets set is_escalated = true where id = :'other_id';
select ok('escalated' = any (app_private.auto_send_blockers(:'other_id')), 'an escalated ticket');
update public.tickets set is_escalated = false, raw_metadata = '{"auto_submitted": "auto-replied"}' where id = :'other_id';
select is(app_private.auto_send_blockers(:'other_id'), array['automated_message'], 'an auto-reply');
update public.tickets set raw_metadata = '{}', is_spam = true, language = 'de' where id = :'other_id';
select is(app_private.auto_send_blockers(:'other_id'), array['spam', 'language_de'], 'spam in German');
update public.tickets set is_spam = false, language = 'en' where id = :'other_id';
insert into public.responses (ticket_id, direction, channel, body, sender_type)
values (:'other_id', 'outbound', 'email', 'Hello from an agent', 'agent');
select is(app_private.auto_send_blockers(:'other_id'), array['agent_already_answered'], 'an agent already answered');

-- TEST: record_response keeps an auto-send for a VIP as a draft
select app_private.enqueue_job('respond', :'vip_id') as vip_job \gset
select tests.claim_job(:vip_job) as vip_attempt \gset
select is(
  app_private.record_response(:vip_job, :vip_attempt, :'vip_id', jsonb_build_object('body', 'Hi, here is how.',
    'confidence', 0.99, 'auto_send', true, 'gates', '{"has_greeting": {"pass": true}}'::jsonb)) ->> 'outcome',
  'draft', 'the VIP''s answer waits for review');

select * from finish();
rollback;
