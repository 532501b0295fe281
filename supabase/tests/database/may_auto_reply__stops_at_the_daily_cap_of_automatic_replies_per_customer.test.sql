-- app_private.may_auto_reply allows at most auto_replies_per_customer_per_day automatic
-- (AI, sent) answers to one customer in 24 hours, whatever the ticket; drafts, agents'
-- answers and answers older than a day do not count, and other customers are not affected.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP: the cap is 3; two tickets of one customer
insert into app_private.settings (key, value) values ('auto_replies_per_customer_per_day', '3')
on conflict (key) do update set value = excluded.value;
select tests.create_customer() as customer_id \gset
select tests.create_customer() as other_id \gset
select tests.create_ticket(:'customer_id', status => 'resolved') as first_ticket \gset
select tests.create_ticket(:'customer_id', status => 'resolved') as second_ticket \gset
select tests.create_ticket(:'other_id', status => 'resolved') as other_ticket \gset
-- Two automatic answers today, plus answers that do not count.
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, created_at) values
  (:'first_ticket', 'outbound', 'email', 'auto 1', 'ai', true, false, now() - interval '3 hours'),
  (:'second_ticket', 'outbound', 'email', 'auto 2', 'ai', true, false, now() - interval '1 hour'),
  (:'first_ticket', 'outbound', 'email', 'draft', 'ai', true, true, now()),
  (:'first_ticket', 'outbound', 'email', 'agent answer', 'agent', false, false, now()),
  (:'first_ticket', 'outbound', 'email', 'auto, two days ago', 'ai', true, false, now() - interval '2 days'),
  (:'other_ticket', 'outbound', 'email', 'auto for someone else', 'ai', true, false, now()),
  (:'other_ticket', 'outbound', 'email', 'auto for someone else', 'ai', true, false, now()),
  (:'other_ticket', 'outbound', 'email', 'auto for someone else', 'ai', true, false, now());

-- TEST
select is(app_private.may_auto_reply(:'customer_id'), true, 'two automatic answers today: one more may go out');
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'second_ticket', 'outbound', 'email', 'auto 3', 'ai', true, false);
select is(app_private.may_auto_reply(:'customer_id'), false, 'the third reaches the cap, across tickets');
select is(app_private.may_auto_reply(:'other_id'), false, 'the other customer is capped on their own three');
update public.responses set created_at = now() - interval '25 hours' where ticket_id = :'first_ticket' and body = 'auto 1';
select is(app_private.may_auto_reply(:'customer_id'), true, 'an answer older than 24 hours no longer counts');
update app_private.settings set value = '0' where key = 'auto_replies_per_customer_per_day';
select is(app_private.may_auto_reply(:'customer_id'), false, 'a cap of 0 allows no automatic answer');
select is(app_private.may_auto_reply(gen_random_uuid()), false, 'an unknown customer gets none');

select * from finish();
rollback;
