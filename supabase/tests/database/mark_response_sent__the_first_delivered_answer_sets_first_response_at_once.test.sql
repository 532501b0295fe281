-- The first delivered answer (AI or human) sets tickets.first_response_at at the moment it
-- was sent (the SLA clock's now), logs sent_at and a response_sent event; a later answer
-- leaves first_response_at alone; marking one answer sent twice changes nothing.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id',
  assigned_to => :'agent_id') as ticket_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
values (:'ticket_id', 'outbound', 'email', 'Hi, the AI answer.', 'ai', true, false) returning id as first_id \gset
insert into public.responses (ticket_id, direction, channel, body, sender_type, sender_id)
values (:'ticket_id', 'outbound', 'email', 'Hi, the agent.', 'agent', :'agent_id') returning id as second_id \gset

-- TEST: the first delivery sets first_response_at and sent_at at the frozen instant
select tests.freeze_time('2026-12-04 10:00:00+00');
select app_private.mark_response_sent(:'first_id', 'email', '<a@support.example.com>');
select is((select first_response_at from public.tickets where id = :'ticket_id'), '2026-12-04 10:00:00+00'::timestamptz,
  'first_response_at is the moment the first answer was sent');
select results_eq(
  format($$select sent_at, delivery_status::text from public.responses where id = %L$$, :'first_id'),
  $$values ('2026-12-04 10:00:00+00'::timestamptz, 'sent'::text)$$, 'the answer logs sent_at');
select is((select count(*)::int from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'response_sent'
           and event_data ->> 'response_id' = :'first_id'), 1, 'a response_sent event is logged');

-- TEST: a later answer, and a repeated mark, leave it alone
select tests.freeze_time('2026-12-04 11:00:00+00');
select app_private.mark_response_sent(:'second_id', 'email', '<b@support.example.com>');
select app_private.mark_response_sent(:'first_id', 'email', '<a@support.example.com>');
select is((select first_response_at from public.tickets where id = :'ticket_id'), '2026-12-04 10:00:00+00'::timestamptz,
  'a later answer does not move first_response_at');
select is((select count(*)::int from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'response_sent'), 2,
  'marking an answer sent twice logs it once');

select * from finish();
rollback;
