-- A job whose last allowed attempt expired (the function crashed or timed out) is
-- dead-lettered by the sweep instead of being retried.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: a job allowed one attempt, claimed, its claim expired
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
update app_private.jobs set max_attempts = 1 where id = :job_id;
select tests.claim_job(:job_id);
update app_private.jobs set locked_until = now() - interval '1 second' where id = :job_id;
select tests.authenticate_as_service_role();

-- TEST: the sweep dead-letters the job
select app_private.rering_due_jobs();
select results_eq(
  format('select status, attempts, locked_until, finished_at from app_private.jobs where id = %s', :job_id),
  $$values ('dead'::text, 1, null::timestamptz, now())$$,
  'the job is dead and archived'
);
select results_eq(
  format($$select error_type::text, error_message from public.error_logs where ticket_id = %L$$, :'ticket_id'),
  $$values ('job_dead_lettered'::text, 'claim expired after last attempt'::text)$$,
  'an error_logs row explains the dead letter'
);
select is(
  (select count(*) from public.ticket_events where ticket_id = :'ticket_id' and event_type = 'pipeline_failed'),
  1::bigint, 'a pipeline_failed ticket event is logged');
select is((select count(*) from public.pipeline_dead_letters where job_id = :job_id), 1::bigint,
  'the job shows in pipeline_dead_letters');

select * from finish();
rollback;
