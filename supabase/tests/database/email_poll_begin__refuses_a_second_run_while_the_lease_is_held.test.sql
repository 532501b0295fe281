-- Only one email-poll run holds a mailbox's lease; a second one gets no row, a stale run can
-- no longer renew, and an expired lease can be taken over.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select 'lease-test-' || tests.unique_suffix() || '@imap.example.com:993/INBOX' as mailbox \gset
select gen_random_uuid() as first_run, gen_random_uuid() as second_run \gset
select tests.authenticate_as_service_role();

-- TEST: the first run takes the lease, the second gets nothing
select is((select count(*) from app_private.email_poll_begin(:'mailbox', :'first_run', 180)), 1::bigint,
  'the first run takes the lease');
select is((select count(*) from app_private.email_poll_begin(:'mailbox', :'second_run', 180)), 0::bigint,
  'a second run gets no lease while the first holds it');

-- TEST: an expired lease goes to the next run, and the stale run cannot renew or finish
update app_private.email_poll_state set lease_until = now() - interval '1 second' where mailbox_key = :'mailbox';
select is((select count(*) from app_private.email_poll_begin(:'mailbox', :'second_run', 180)), 1::bigint,
  'an expired lease is taken over');
select throws_ok(format('select app_private.email_poll_renew(%L, %L, 180)', :'mailbox', :'first_run'),
  'P0001', format('email poll lease of %s is no longer held', :'mailbox'),
  'the stale run cannot renew');
select app_private.email_poll_finish(:'mailbox', :'first_run', 99, null);
select is((select last_uid from app_private.email_poll_state where mailbox_key = :'mailbox'), 0::bigint,
  'the stale run cannot move the cursor');

select * from finish();
rollback;
