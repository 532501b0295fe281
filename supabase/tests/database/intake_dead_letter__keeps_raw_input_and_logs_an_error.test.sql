-- Input that cannot become a ticket is kept with its reason and raw bytes and shows up in
-- error_logs; agents cannot read dead letters.
begin;
set local search_path = extensions, public;
select plan(6);

select tests.authenticate_as_service_role();
select app_private.intake_dead_letter('email', 'the message has no usable sender address (From/Reply-To)',
  convert_to(E'Subject: hi\r\n\r\nbody', 'UTF8'), '{"source":"pgtap"}') as dead_id \gset

select is((select raw_bytes from public.intake_dead_letters where id = :'dead_id'), 19::bigint, 'the size is kept');
select is((select convert_from(raw, 'UTF8') from public.intake_dead_letters where id = :'dead_id'),
  E'Subject: hi\r\n\r\nbody', 'the raw input is kept');
select is((select count(*) from public.error_logs where error_type = 'intake_dead_letter'
           and (context ->> 'dead_letter_id')::bigint = :'dead_id'), 1::bigint, 'an error is logged');
select is((select context ->> 'source' from public.error_logs where (context ->> 'dead_letter_id')::bigint = :'dead_id'),
  'pgtap', 'with the details');
select is((select count(*) from public.notifications where kind = 'pipeline_alert'
           and payload ->> 'text' like '%(dead letter ' || :'dead_id' || ')%'), 1::bigint, 'a Slack alert is queued');
select tests.clear_authentication();
set local role authenticated;
select throws_ok('select * from public.intake_dead_letters', '42501', null, 'agents cannot read dead letters');

select * from finish();
rollback;
