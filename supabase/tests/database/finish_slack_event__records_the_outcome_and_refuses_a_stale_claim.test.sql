-- Processing a stored event records its outcome and completes its job in one call; a claim
-- that is no longer current raises, so the caller's transaction (intake included) rolls back.
begin;
set local search_path = extensions, public;
select plan(4);

-- SETUP: a stored event and its claimed job
select tests.authenticate_as_service_role();
select slack_event_id as id
from app_private.receive_slack_event('EvPGTAP4', '{"type": "event_callback", "event_id": "EvPGTAP4", "event": {"type": "message"}}') \gset
select id as job_id from app_private.jobs where stage = 'slack-events' and payload ->> 'slack_event_id' = :'id' \gset
update app_private.jobs set run_after = now() - interval '1 second' where id = :job_id;
select attempt from app_private.claim_jobs('slack-events', 100, 60) where job_id = :job_id \gset

-- TEST: a stale attempt raises and changes nothing
select throws_like(
  format($$select app_private.finish_slack_event(%s, %s, %s, 'ignored', 'late')$$, :job_id, :attempt + 1, :id),
  '%is no longer claimed%',
  'finishing with a stale attempt raises'
);

-- TEST: the current attempt records the outcome and completes the job
select lives_ok(
  format($$select app_private.finish_slack_event(%s, %s, %s, 'processed', null, 'created', null)$$, :job_id, :attempt, :id),
  'finishing with the current attempt succeeds'
);
select results_eq(
  format('select status, outcome, processed_at is not null from app_private.slack_events where id = %s', :id),
  $$values ('processed'::text, 'created'::text, true)$$,
  'the event is processed with its outcome'
);
select is((select status from app_private.jobs where id = :job_id), 'done', 'the job is done');

select * from finish();
rollback;
