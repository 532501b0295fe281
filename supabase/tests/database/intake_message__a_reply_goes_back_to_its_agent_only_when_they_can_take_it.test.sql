-- A customer reply that reopens a resolved ticket, or answers a waiting_on_customer one, goes
-- back to the previous agent only when that agent is available and under
-- max_concurrent_tickets; otherwise the ticket returns to its team queue (a returned_to_queue
-- event says why) and the queue hand-out gives it to the best agent with room, if any.
begin;
set local search_path = extensions, public;
select plan(12);

-- SETUP: agent A takes one ticket at most, agent B five
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id', max_concurrent_tickets => 1) as agent_a \gset
select tests.create_agent_user(:'team_id', max_concurrent_tickets => 5) as agent_b \gset
update public.teams set slack_channel_id = 'C' || upper(tests.unique_suffix()) where id = :'team_id';
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()) where id in (:'agent_a', :'agent_b');
select tests.create_customer(name => 'Capacity Example') as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.unique_suffix() as suffix \gset
select tests.create_ticket(:'customer_id', status => 'resolved', team_id => :'team_id', assigned_to => :'agent_a') as resolved_id \gset
select tests.create_ticket(:'customer_id', status => 'waiting_on_customer', team_id => :'team_id', assigned_to => :'agent_a') as waiting_id \gset
select tests.create_ticket(:'customer_id', status => 'resolved', team_id => :'team_id', assigned_to => :'agent_b') as offline_id \gset
update public.tickets set resolved_at = now() - interval '1 day' where id in (:'resolved_id', :'offline_id');
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'resolved-' || :'suffix' || '@support.example.com', :'resolved_id', 'outbound'),
       ('email', 'waiting-' || :'suffix' || '@support.example.com', :'waiting_id', 'outbound'),
       ('email', 'offline-' || :'suffix' || '@support.example.com', :'offline_id', 'outbound');
create temporary table reply_to (name text primary key, ref text);
insert into reply_to values ('resolved', 'resolved-' || :'suffix' || '@support.example.com'),
  ('waiting', 'waiting-' || :'suffix' || '@support.example.com'),
  ('offline', 'offline-' || :'suffix' || '@support.example.com');
grant select on reply_to to service_role;
select tests.authenticate_as_service_role();

-- TEST: agent A is available with room: the reopened ticket is theirs again
select outcome as resolved_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: pgTAP ticket', 'body', 'It broke again.',
  'references', jsonb_build_array((select ref from reply_to where name = 'resolved')))) \gset
select is(:'resolved_outcome'::text, 'reopened', 'the resolved ticket is reopened');
select results_eq(format('select status::text, assigned_to from public.tickets where id = %L', :'resolved_id'),
  format($$values ('assigned'::text, %L::uuid)$$, :'agent_a'), 'back to agent A, who had room');

-- TEST: agent A is now full (1/1): the waiting ticket goes to the queue and on to agent B
select outcome as waiting_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: pgTAP ticket', 'body', 'Here is the log you asked for.',
  'references', jsonb_build_array((select ref from reply_to where name = 'waiting')))) \gset
select is(:'waiting_outcome'::text, 'reply', 'the answer to the waiting ticket is a reply');
select is((select event_data ->> 'reason' from public.ticket_events
           where ticket_id = :'waiting_id' and event_type = 'returned_to_queue'), 'agent_at_capacity',
  'a returned_to_queue event says agent A is at capacity');
select results_eq(format('select status::text, assigned_to from public.tickets where id = %L', :'waiting_id'),
  format($$values ('assigned'::text, %L::uuid)$$, :'agent_b'), 'the queue hand-out gives it to agent B');
select results_eq(format('select active_tickets, max_concurrent_tickets from public.agents where id = %L', :'agent_a'),
  $$values (1, 1)$$, 'agent A never goes over capacity');

-- TEST: agent B went offline: the reopened ticket waits in the team queue
reset role;
select app_private.set_agent_availability(:'agent_b', 'offline') as availability \gset
select tests.authenticate_as_service_role();
select outcome as offline_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'Re: pgTAP ticket', 'body', 'Still not fixed, sorry.',
  'references', jsonb_build_array((select ref from reply_to where name = 'offline')))) \gset
select is(:'offline_outcome'::text, 'reopened', 'the ticket of the offline agent is reopened');
select results_eq(format('select status::text, assigned_to from public.tickets where id = %L', :'offline_id'),
  $$values ('queued'::text, null::uuid)$$, 'it is queued, not given to the offline agent');
select is((select event_data ->> 'reason' from public.ticket_events
           where ticket_id = :'offline_id' and event_type = 'returned_to_queue'), 'agent_offline',
  'the event says the agent is offline');
select is((select count(*) from public.team_queue where ticket_id = :'offline_id'), 1::bigint,
  'it waits in the team queue (A is full, B offline)');
select is((select active_tickets from public.agents where id = :'agent_b'), 1,
  'the offline agent''s load is unchanged (only the ticket from A)');
select is((select array_agg(target::text) from public.notifications where ticket_id = :'offline_id' and kind = 'inbound_reply'),
  array[(select slack_channel_id::text from public.teams where id = :'team_id')],
  'the team channel, not the offline agent, is told about the reply');

select * from finish();
rollback;
