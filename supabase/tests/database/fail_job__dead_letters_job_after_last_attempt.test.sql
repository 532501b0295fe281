-- After its third failed attempt a job is dead-lettered: status 'dead' (kept, not deleted),
-- an error_logs row, a 'pipeline_failed' ticket event, an alert in the outbox, and a row in
-- the pipeline_dead_letters view.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP: two failed attempts, then the third claim
insert into app_private.settings (key, value) values ('job_max_attempts', '3')
on conflict (key) do update set value = excluded.value;
select tests.create_ticket(tests.create_customer()) as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
select app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 1 failed');
select app_private.fail_job(:job_id, tests.claim_job(:job_id), 'attempt 2 failed');
select tests.claim_job(:job_id) as attempt \gset
select tests.authenticate_as_service_role();

-- TEST: the third failure dead-letters the job
select is(:attempt::integer, 3, 'the last claim is attempt 3');
select is(app_private.fail_job(:job_id, :attempt, 'provider is down'), 'dead', 'the third failure returns dead');
select results_eq(
  format('select status, attempts, locked_until, last_error, finished_at from app_private.jobs where id = %s', :job_id),
  $$values ('dead'::text, 3, null::timestamptz, 'provider is down'::text, now())$$,
  'the job is dead, unlocked and archived'
);

-- TEST: the dead letter is recorded everywhere an operator looks
select results_eq(
  format($$select error_type::text, node_name::text, severity::text, error_message, (context ->> 'job_id')::bigint
           from public.error_logs where ticket_id = %L$$, :'ticket_id'),
  format($$values ('job_dead_lettered'::text, 'triage'::text, 'critical'::text, 'provider is down'::text, %s::bigint)$$,
         :job_id),
  'an error_logs row of type job_dead_lettered is written'
);
select results_eq(
  format($$select actor_type::text, event_data ->> 'stage', (event_data ->> 'job_id')::bigint
           from public.ticket_events where ticket_id = %L and event_type = 'pipeline_failed'$$, :'ticket_id'),
  format($$values ('system'::text, 'triage'::text, %s::bigint)$$, :job_id),
  'a pipeline_failed ticket event is logged'
);
select results_eq(
  format('select stage, ticket_id, attempts, last_error from public.pipeline_dead_letters where job_id = %s', :job_id),
  format($$values ('triage'::text, %L::uuid, 3, 'provider is down'::text)$$, :'ticket_id'),
  'the job shows in pipeline_dead_letters'
);
select is(
  (select count(*) from public.notifications
   where kind = 'pipeline_alert' and payload ->> 'text' like '%' || :'ticket_id' || '%'),
  1::bigint, 'a pipeline alert naming the ticket is queued'
);
select is(app_private.fail_job(:job_id, :attempt, 'again'), 'ignored', 'failing a dead job again is ignored');

select * from finish();
rollback;
