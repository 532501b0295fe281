-- Asked for batches of fewer than one ticket, the sweep refuses before doing anything.
begin;
set local search_path = extensions, public;
select plan(1);

-- TEST
select throws_ok($$call app_private.run_sla_sweep('2026-01-05 09:00+00', 0)$$, '22023',
  'Cannot sweep in batches of 0 tickets: give a positive batch size', 'a batch size of 0 is refused');

select * from finish();
rollback;
