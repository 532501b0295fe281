-- The sweep (pg_cron, every minute) returns a running job whose claim expired to the queue,
-- leaves a job whose claim is still valid alone, and POSTs to the function of every stage
-- that has due jobs, so a lost request or a crashed function loses nothing.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP: two claimed triage jobs; the first one's claim has expired
select tests.use_unique_functions_base_url() as base_url \gset
select tests.create_ticket(tests.create_customer()) as expired_ticket \gset
select tests.create_ticket(tests.create_customer()) as live_ticket \gset
select id as expired_job from app_private.jobs where ticket_id = :'expired_ticket' and stage = 'triage' \gset
select id as live_job from app_private.jobs where ticket_id = :'live_ticket' and stage = 'triage' \gset
select tests.claim_job(:expired_job);
select tests.claim_job(:live_job);
update app_private.jobs set locked_until = now() - interval '1 second' where id = :expired_job;
select count(*) as rings_before from net.http_request_queue
where url = :'base_url' || '/functions/v1/triage' \gset
select tests.authenticate_as_service_role();

-- TEST: the expired claim is queued again, due now
select app_private.rering_due_jobs() as rung_stages \gset
select results_eq(
  format('select status, attempts, locked_until, run_after from app_private.jobs where id = %s', :expired_job),
  $$values ('queued'::text, 1, null::timestamptz, now())$$,
  'the expired job is queued again, due at once, keeping its attempt count'
);
select matches((select last_error from app_private.jobs where id = :expired_job), 'claim expired',
  'the expiry is noted in last_error');

-- TEST: the live claim is left alone
select results_eq(
  format('select status, attempts from app_private.jobs where id = %s', :live_job),
  $$values ('running'::text, 1)$$,
  'a job whose claim has not expired keeps running'
);

-- TEST: the triage stage is rung once
select ok('triage' = any (:'rung_stages'::text[]), 'the sweep reports triage among the stages rung');
reset role;
select is(
  (select count(*) from net.http_request_queue where url = :'base_url' || '/functions/v1/triage'),
  :rings_before::bigint + 1, 'one POST to the triage function is queued in pg_net'
);
select results_eq(
  format($$select method, convert_from(body, 'UTF8')::jsonb, headers ->> 'Authorization'
           from net.http_request_queue where url = %L order by id desc limit 1$$, :'base_url' || '/functions/v1/triage'),
  $$values ('POST'::text, '{"stage": "triage"}'::jsonb, 'Bearer pgtap-service-role-key'::text)$$,
  'the ring is a POST naming the stage, with the service-role bearer'
);

select * from finish();
rollback;
