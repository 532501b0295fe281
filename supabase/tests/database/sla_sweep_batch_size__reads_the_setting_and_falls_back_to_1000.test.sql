-- The batch size of the SLA sweep is the sla_sweep_batch_size setting when it is a positive
-- integer, else 1000.
begin;
set local search_path = extensions, public;
select plan(4);

-- TEST
select is(app_private.sla_sweep_batch_size(), 1000, 'the default is 1000');
update app_private.settings set value = ' 250 ' where key = 'sla_sweep_batch_size';
select is(app_private.sla_sweep_batch_size(), 250, 'a positive integer is taken');
update app_private.settings set value = '0' where key = 'sla_sweep_batch_size';
select is(app_private.sla_sweep_batch_size(), 1000, 'zero falls back to 1000');
update app_private.settings set value = 'many' where key = 'sla_sweep_batch_size';
select is(app_private.sla_sweep_batch_size(), 1000, 'a word falls back to 1000');

select * from finish();
rollback;
