-- pg_cron runs the batched SLA sweep (the procedure, which commits per batch) every 5 minutes.
begin;
set local search_path = extensions, public;
select plan(1);

-- TEST
select results_eq($$select schedule, command from cron.job where jobname = 'ists-sla-sweep'$$,
  $$values ('*/5 * * * *'::text, 'call app_private.run_sla_sweep()'::text)$$, 'pg_cron calls the procedure every 5 minutes');

select * from finish();
rollback;
