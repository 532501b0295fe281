-- Inserting a due job POSTs to its stage's edge function through pg_net (delivered after
-- commit); a delayed job waits for the sweep, and without a functions URL nothing is sent.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.use_unique_functions_base_url() as base_url \gset
select tests.create_analyzed_ticket(tests.create_customer()) as ticket_id \gset
select tests.create_analyzed_ticket(tests.create_customer()) as other_ticket_id \gset
select tests.authenticate_as_service_role();

-- TEST: a notify job rings the notify function
select app_private.enqueue_job('notify', :'ticket_id');
select results_eq(
  format($$select method, convert_from(body, 'UTF8')::jsonb, headers ->> 'Authorization'
           from net.http_request_queue where url = %L$$, :'base_url' || '/functions/v1/notify'),
  $$values ('POST'::text, '{"stage": "notify"}'::jsonb, 'Bearer pgtap-service-role-key'::text)$$,
  'one POST to .../functions/v1/notify is queued'
);

-- TEST: a new ticket's triage job rings the triage function
select tests.create_ticket(tests.create_customer());
select is((select count(*) from net.http_request_queue where url = :'base_url' || '/functions/v1/triage'),
  1::bigint, 'a new ticket rings .../functions/v1/triage');

-- TEST: a delayed job does not ring
select app_private.enqueue_job('route', :'ticket_id', '{}', interval '10 minutes');
select is((select count(*) from net.http_request_queue where url = :'base_url' || '/functions/v1/route'),
  0::bigint, 'a job due in 10 minutes rings nothing');

-- TEST: a due job rings, a no-op enqueue does not ring again
select app_private.enqueue_job('route', :'other_ticket_id');
select app_private.enqueue_job('route', :'other_ticket_id');
select is((select count(*) from net.http_request_queue where url = :'base_url' || '/functions/v1/route'),
  1::bigint, 'a due route job rings .../functions/v1/route once');

-- TEST: without a functions URL no request is queued
reset role;
update app_private.settings set value = '' where key = 'functions_base_url';
select is(app_private.ring_stage('notify'), null, 'ring_stage returns null without a functions URL');
select tests.create_ticket(tests.create_customer());
select is((select count(*) from net.http_request_queue where url like '/functions/v1/%'), 0::bigint,
  'a new ticket rings nothing without a functions URL');

select * from finish();
rollback;
