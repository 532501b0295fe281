-- Mail with only weak automated cues (an out-of-office-like subject such as "Absence of
-- invoice for November", a role address, X-Auto-Response-Suppress, Precedence: bulk) is a
-- person's mail as far as intake can tell: it opens a ticket flagged automated, which routing
-- never auto-answers, at most bulk_tickets_per_sender_per_day a day per sender; as a reply it
-- reopens its ticket like a person's.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.unique_suffix() as suffix \gset
select tests.create_team() as team_id \gset
select tests.create_agent_user(:'team_id') as agent_id \gset
select tests.authenticate_as_service_role();

-- TEST: "Absence of invoice for November" becomes a flagged ticket
select outcome as absence_outcome, ticket_id as absence_ticket from app_private.intake_message(tests.random_idempotency_key(),
  jsonb_build_object('email', 'ines-' || :'suffix' || '@example.com', 'channel', 'email',
    'subject', 'Absence of invoice for November', 'body', 'I did not get my November invoice. Can you resend it?',
    'automated', 'possible_auto_reply', 'automated_reason', 'auto-reply subject')) \gset
select is(:'absence_outcome'::text, 'created', 'a weak cue opens a ticket');
select results_eq(format($$select tags, raw_metadata ->> 'auto_submitted', raw_metadata ->> 'automated_reason'
                           from public.tickets where id = %L$$, :'absence_ticket'),
  $$values (array['automated', 'possible_auto_reply']::text[], 'possible_auto_reply'::text, 'auto-reply subject'::text)$$,
  'it is tagged automated and marked auto-submitted, with the reason');
select is((select event_data ->> 'automated' from public.ticket_events where ticket_id = :'absence_ticket' and event_type = 'created'),
  'possible_auto_reply', 'the created event carries the flag');

-- TEST: routing never answers it automatically, although it is a simple invoice request
reset role;
update public.tickets set status = 'analyzed', category = 'billing', sub_category = 'invoice_request', language = 'en',
  sentiment_intensity = 2 where id = :'absence_ticket';
insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion, sentiment_intensity,
  priority_recommendation, urgency_score, language, model_name)
values (:'absence_ticket', 'billing', 'invoice_request', 0.99, 'neutral', 2, 'low', 2, 'en', 'pgtap');
select isnt(app_private.route_ticket(:'absence_ticket') ->> 'outcome', 'auto_resolved', 'it is not auto-resolved');
select is((select count(*) from public.responses where ticket_id = :'absence_ticket' and direction = 'outbound'), 0::bigint,
  'no automatic answer is written');

-- TEST: the per-sender cap still applies to flagged mail
select tests.authenticate_as_service_role();
select array_agg(m.outcome order by g) as capped
from generate_series(1, 4) g,
lateral app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', 'postmaster-' || :'suffix' || '@example.com', 'channel', 'email', 'subject', 'Notice ' || g,
  'body', 'Mail server notice number ' || g, 'automated', 'possible_auto_reply',
  'automated_reason', 'role address')) m \gset
select is(:'capped'::text[], array['created', 'created', 'created', 'suppressed'], 'three flagged tickets a day, then suppressed');
select is((select reason::text from public.suppressed_messages where sender_email = 'postmaster-' || :'suffix' || '@example.com'),
  'flood', 'the fourth is recorded as a flood (and can be released)');

-- TEST: a flagged reply to a resolved ticket reopens it, as a person's would
reset role;
select tests.create_customer() as customer_id \gset
select email from public.customers where id = :'customer_id' \gset
select tests.create_ticket(:'customer_id', status => 'resolved', team_id => :'team_id', assigned_to => :'agent_id') as resolved_id \gset
update public.tickets set resolved_at = now() where id = :'resolved_id';
insert into public.ticket_message_ids (channel, external_id, ticket_id, direction)
values ('email', 'answer-' || :'suffix' || '@support.example.com', :'resolved_id', 'outbound');
select tests.authenticate_as_service_role();
select is((select outcome from app_private.intake_message(tests.random_idempotency_key(), jsonb_build_object(
  'email', :'email'::text, 'channel', 'email', 'subject', 'RE: pgTAP ticket', 'body', 'It is broken again.',
  'references', jsonb_build_array('answer-' || :'suffix' || '@support.example.com'),
  'automated', 'possible_auto_reply', 'automated_reason', 'X-Auto-Response-Suppress: All'))),
  'reopened', 'a reply with a weak cue reopens its ticket');
select is((select event_data ->> 'automated_reason' from public.ticket_events where ticket_id = :'resolved_id' and event_type = 'reopened'),
  'X-Auto-Response-Suppress: All', 'the reopened event carries the cue');

select * from finish();
rollback;
