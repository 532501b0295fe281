-- pipeline_health lists every stage (one without jobs too) with its queued, due, running,
-- retrying, dead and done jobs, the age of the oldest open job and how long the oldest due
-- job has waited.
begin;
set local search_path = extensions, public;
select plan(2);

-- SETUP: a stage of this file with jobs in every state, and one with none
select tests.use_unique_functions_base_url();
insert into app_private.pipeline_stages (stage, description) values ('pgtap-health', 'pgTAP'), ('pgtap-idle', 'pgTAP');
select tests.create_ticket(tests.create_customer(), status => 'queued') as first_ticket \gset
select tests.create_ticket(tests.create_customer(), status => 'queued') as second_ticket \gset
insert into app_private.jobs (stage, ticket_id, status, attempts, run_after, created_at, locked_until)
values ('pgtap-health', :'first_ticket', 'queued', 0, now() - interval '5 minutes', now() - interval '10 minutes', null),
       ('pgtap-health', :'second_ticket', 'queued', 1, now() + interval '1 hour', now() - interval '20 minutes', null),
       ('pgtap-health', null, 'running', 1, now() - interval '1 minute', now() - interval '2 minutes', now() + interval '1 minute'),
       ('pgtap-health', null, 'dead', 3, now(), now() - interval '1 day', null),
       ('pgtap-health', null, 'done', 1, now(), now() - interval '1 day', null),
       ('pgtap-health', null, 'done', 1, now(), now() - interval '1 day', null);

-- TEST
select results_eq(
  $$select queued, due, running, retrying, dead, done, oldest_open_age, oldest_due_age
    from public.pipeline_health where stage = 'pgtap-health'$$,
  $$values (2::bigint, 1::bigint, 1::bigint, 1::bigint, 1::bigint, 2::bigint, interval '20 minutes', interval '5 minutes')$$,
  'two queued (one due for 5 minutes, one retrying later), one running, one dead, two done; the oldest open job is 20 minutes old'
);
select results_eq(
  $$select queued, due, running, dead, done, oldest_open_age from public.pipeline_health where stage = 'pgtap-idle'$$,
  $$values (0::bigint, 0::bigint, 0::bigint, 0::bigint, 0::bigint, null::interval)$$,
  'a stage without jobs is listed with zeros'
);

select * from finish();
rollback;
