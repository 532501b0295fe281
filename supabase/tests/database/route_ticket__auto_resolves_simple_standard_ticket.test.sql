-- The auto-resolve rule: a standard customer's password_reset, invoice_request or
-- documentation ticket with confidence > 0.85, intensity < 7 and a body under 500 chars
-- is resolved with the template answer instead of being routed to a team.
begin;
set local search_path = extensions, public;
select plan(14);

-- SETUP
select tests.create_customer(name => 'Robin Example') as customer_id \gset
select tests.create_analyzed_ticket(:'customer_id', category => 'account', sub_category => 'password_reset',
  confidence => 0.95, intensity => 3, body => 'I forgot my password, how do I reset it?') as ticket_id \gset
select tests.create_customer() as invoice_customer \gset
select tests.create_analyzed_ticket(:'invoice_customer', category => 'billing', sub_category => 'invoice_request',
  confidence => 0.86, intensity => 6, body => repeat('x', 499)) as invoice_ticket \gset
select tests.create_customer() as docs_customer \gset
select tests.create_analyzed_ticket(:'docs_customer', category => 'general', sub_category => 'documentation',
  confidence => 0.90, intensity => 1) as docs_ticket \gset
select tests.authenticate_as_service_role();

-- TEST: the password reset ticket is resolved automatically
select app_private.route_ticket(:'ticket_id') as decision \gset
select is(:'decision'::jsonb ->> 'outcome', 'auto_resolved', 'the decision is auto_resolved');
select results_eq(
  format('select status::text, is_auto_resolved, team_id, assigned_to from public.tickets where id = %L', :'ticket_id'),
  $$values ('resolved'::text, true, null::uuid, null::uuid)$$,
  'the ticket is resolved automatically without a team or agent'
);
select isnt((select resolved_at from public.tickets where id = :'ticket_id'), null, 'resolved_at is set');
select is((select first_response_at from public.tickets where id = :'ticket_id'), null,
  'first_response_at waits for the answer to be delivered (the send stage sets it)');

-- TEST: the answer is stored as an AI-generated outbound response and emailed
select results_eq(
  format($$select direction::text, sender_type::text, was_ai_generated from public.responses where ticket_id = %L$$,
         :'ticket_id'),
  $$values ('outbound'::text, 'ai'::text, true)$$,
  'one outbound AI-generated response is stored'
);
select matches((select body from public.responses where ticket_id = :'ticket_id'), '^Hi Robin,',
  'the response is the filled-in template');
select is((select body from public.responses where ticket_id = :'ticket_id') ~ '\{\{', false,
  'no placeholder is left in the response');
select results_eq(
  format($$select kind::text, channel::text, target from public.notifications where ticket_id = %L$$, :'ticket_id'),
  format($$values ('customer_reply'::text, 'email'::text, %L::text)$$,
         (select sender_email from public.tickets where id = :'ticket_id')),
  'a customer_reply email to the sender is queued'
);
select is((select status::text from public.sla_tracking where ticket_id = :'ticket_id'), 'met', 'the SLA is met');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'auto_resolved'),
  1::bigint, 'an auto_resolved event is logged');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'routed'),
  0::bigint, 'no routed event is logged');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'notify'), 1::bigint,
  'the notify stage is queued');

-- TEST: invoice_request and documentation tickets are auto-resolved too
select is(app_private.route_ticket(:'invoice_ticket') ->> 'outcome', 'auto_resolved',
  'an invoice_request ticket just inside every threshold is auto-resolved');
select is(app_private.route_ticket(:'docs_ticket') ->> 'outcome', 'auto_resolved',
  'a documentation ticket is auto-resolved');

select * from finish();
rollback;
