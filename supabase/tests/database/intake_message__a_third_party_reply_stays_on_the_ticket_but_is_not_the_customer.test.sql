-- A reply threaded by In-Reply-To/References from someone other than the ticket's customer (a
-- colleague in CC) is kept on the ticket with its real sender and marked as a third party's:
-- it is not a customer response, it does not reopen or resume the ticket, and the agent is
-- told who wrote it.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.unique_suffix() as suffix \gset
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
update public.agents set slack_user_id = 'U' || upper(:'suffix') where id = :'agent_id';
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'resolved', team_id => :'team_id', assigned_to => :'agent_id') as ticket_id \gset
update public.tickets set resolved_at = now() where id = :'ticket_id';
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'answer-' || :'suffix' || '@support.example.com', :'ticket_id', 'outbound');
select tests.authenticate_as_service_role();

-- TEST
select outcome as cc_outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'colleague-' || :'suffix' || '@example.com', 'name', 'Carla Colleague', 'channel', 'email',
  'subject', 'RE: pgTAP ticket', 'body', 'I see the same problem on my laptop.',
  'metadata', jsonb_build_object('from', 'colleague-' || :'suffix' || '@example.com'),
  'message_id', 'cc-' || :'suffix' || '@mail.example.com',
  'references', jsonb_build_array('answer-' || :'suffix' || '@support.example.com'))) \gset
select is(:'cc_outcome'::text, 'reply', 'the colleague''s mail is kept as a reply on the ticket');
select results_eq(format($$select sender_email::text, sender_type::text, is_third_party, body from public.responses
                           where ticket_id = %L and direction = 'inbound'$$, :'ticket_id'),
  format($$values (%L::text, null::text, true, 'I see the same problem on my laptop.'::text)$$,
         'colleague-' || :'suffix' || '@example.com'),
  'with its real sender, marked as a third party''s, not as the customer''s');
select results_eq(format('select status::text, reopened_count from public.tickets where id = %L', :'ticket_id'),
  $$values ('resolved'::text, 0)$$, 'the ticket is not reopened');
select is((select event_data ->> 'from' from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'third_party_replied'),
  'colleague-' || :'suffix' || '@example.com', 'a third_party_replied event names the sender');
select matches((select payload ->> 'text' from public.notifications where ticket_id = :'ticket_id' and kind = 'inbound_reply'),
  'Carla Colleague \(not the customer\) replied', 'the agent is told it is not the customer');
select is((select count(*) from public.ticket_message_ids where ticket_id = :'ticket_id'
           and external_id = 'cc-' || :'suffix' || '@mail.example.com'), 1::bigint,
  'its Message-ID is recorded, so replies to it thread too');

select * from finish();
rollback;
