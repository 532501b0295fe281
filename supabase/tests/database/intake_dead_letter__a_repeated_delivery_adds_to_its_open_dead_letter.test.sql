-- The same unusable input delivered again while its dead letter is open is counted on that
-- dead letter (one row, one alert); different input, or a copy after the dead letter was
-- resolved, is a dead letter of its own.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select count(*) as alerts_before from public.notifications where kind = 'pipeline_alert' \gset

-- TEST
select app_private.intake_dead_letter('email', 'the message has no usable sender', convert_to('From: nobody', 'UTF8')) as first \gset
select is(app_private.intake_dead_letter('email', 'the message has no usable sender', convert_to('From: nobody', 'UTF8')),
  :'first'::bigint, 'the same bytes again are the same dead letter');
select results_eq(format('select deliveries from public.intake_dead_letters where id = %L', :'first'),
  $$values (2)$$, 'which counts two deliveries');
select is((select count(*) from public.notifications where kind = 'pipeline_alert') - :alerts_before, 1::bigint,
  'and alerted once');
select isnt(app_private.intake_dead_letter('email', 'the message has no usable sender', convert_to('From: someone else', 'UTF8')),
  :'first'::bigint, 'other bytes are another dead letter');
update public.intake_dead_letters set resolved_at = now() where id = :'first';
select isnt(app_private.intake_dead_letter('email', 'the message has no usable sender', convert_to('From: nobody', 'UTF8')),
  :'first'::bigint, 'after the dead letter was resolved, a new copy opens a new one');

select * from finish();
rollback;
