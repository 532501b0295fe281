-- What intake keeps without a ticket is not a dead end: agents see it in
-- suppressed_messages_view with its content, and releasing one makes it a ticket (once, as a
-- person's message), logged with the agent; a repeat of the mail then finds that ticket.
-- Anonymous callers and signed-in non-agents can do neither.
begin;
set local search_path = extensions, public;
select plan(11);

-- SETUP: an auto-reply that answers nothing known is suppressed
select tests.unique_suffix() as suffix \gset
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select auth_user_id as agent_user from public.agents where id = :'agent_id' \gset
select tests.random_idempotency_key() as ooo_key \gset
select tests.authenticate_as_service_role();
select outcome as ooo_outcome from app_private.intake_message(:'ooo_key', jsonb_build_object(
  'email', 'ola-' || :'suffix' || '@example.com', 'name', 'Ola', 'channel', 'email',
  'subject', 'Automatic reply: my order', 'body', 'Actually, I really need help with order 77.',
  'message_id', 'ooo-' || :'suffix' || '@mail.example.com',
  'automated', 'auto_reply', 'automated_reason', 'Auto-Submitted: auto-replied')) \gset
select id as suppressed_id from public.suppressed_messages where message_id = 'ooo-' || :'suffix' || '@mail.example.com' \gset

-- TEST: an agent sees it, with its content, as releasable
select tests.authenticate_as(:'agent_user');
select results_eq(format($$select reason::text, why, sender_name, body_preview, releasable
                           from public.suppressed_messages_view where id = %s$$, :'suppressed_id'),
  $$values ('auto_reply'::text, 'Auto-Submitted: auto-replied'::text, 'Ola'::text,
            'Actually, I really need help with order 77.'::text, true)$$,
  'the agent sees the suppressed message with why, sender and text');

-- TEST: the agent releases it into a ticket
select ticket_id as released_ticket, outcome as released_outcome from public.release_suppressed_message(:'suppressed_id') \gset
select is(:'released_outcome'::text, 'created', 'the release creates a ticket');
reset role;
select results_eq(format($$select sender_email::text, subject, body, raw_metadata ->> 'auto_submitted',
                                  (raw_metadata ->> 'released_from_suppressed')::bigint
                           from public.tickets where id = %L$$, :'released_ticket'),
  format($$values (%L::text, 'Automatic reply: my order'::text, 'Actually, I really need help with order 77.'::text,
                   null::text, %s::bigint)$$, 'ola-' || :'suffix' || '@example.com', :'suppressed_id'),
  'the ticket holds the message, no longer flagged automated, and says where it came from');
select results_eq(format($$select actor_type::text, actor_id from public.ticket_events
                           where ticket_id = %L and event_type = 'released_from_suppression'$$, :'released_ticket'),
  format($$values ('agent'::text, %L::uuid)$$, :'agent_id'), 'the release is logged with the agent');
select is((select count(*) from app_private.jobs where ticket_id = :'released_ticket' and stage = 'triage'), 1::bigint,
  'the ticket goes through triage like any other');
select results_eq(format($$select released_ticket_id, released_by, releasable from public.suppressed_messages_view where id = %s$$,
                         :'suppressed_id'),
  format($$values (%L::uuid, %L::uuid, false)$$, :'released_ticket', :'agent_id'), 'the view shows it released, by whom');

-- TEST: releasing twice, and the same mail again, both find the ticket
select tests.authenticate_as(:'agent_user');
select results_eq(format('select ticket_id, outcome from public.release_suppressed_message(%s)', :'suppressed_id'),
  format($$values (%L::uuid, 'already_released'::text)$$, :'released_ticket'), 'a second release returns the same ticket');
select tests.authenticate_as_service_role();
select results_eq(format($$select ticket_id, outcome from app_private.intake_message(%L, jsonb_build_object(
    'email', 'ola-' || %L || '@example.com', 'channel', 'email', 'subject', 'Automatic reply: my order',
    'body', 'Actually, I really need help with order 77.', 'message_id', 'ooo-' || %L || '@mail.example.com',
    'automated', 'auto_reply'))$$, :'ooo_key', :'suffix', :'suffix'),
  format($$values (%L::uuid, 'duplicate'::text)$$, :'released_ticket'), 'the same mail again is a duplicate of that ticket');

-- TEST: nobody else can release
select tests.clear_authentication();
select throws_ok(format('select * from public.release_suppressed_message(%s)', :'suppressed_id'), '42501', null,
  'anonymous callers cannot release');
select tests.authenticate_as(gen_random_uuid()::text);
select throws_ok(format('select * from public.release_suppressed_message(%s)', :'suppressed_id'), '42501', null,
  'a signed-in non-agent cannot release');
select is((select count(*) from public.suppressed_messages_view), 0::bigint, 'and sees nothing');

select * from finish();
rollback;
