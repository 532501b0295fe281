-- First sight of a mailbox starts the cursor at 0 with the existing messages as baseline; a
-- changed UIDVALIDITY does the same instead of re-importing, and logs a warning.
begin;
set local search_path = extensions, public;
select plan(5);

-- SETUP
select 'sync-test-' || tests.unique_suffix() || '@imap.example.com:993/INBOX' as mailbox \gset
select gen_random_uuid() as run \gset
select tests.authenticate_as_service_role();
select count(*) from app_private.email_poll_begin(:'mailbox', :'run', 180);

-- TEST: first sight
select results_eq(
  format('select last_uid, baseline_uid, changed from app_private.email_poll_sync_mailbox(%L, %L, 7, 42)', :'mailbox', :'run'),
  $$values (0::bigint, 41::bigint, false)$$,
  'first sight: cursor 0, the 41 existing messages are baseline');
update app_private.email_poll_state set last_uid = 41 where mailbox_key = :'mailbox';
select results_eq(
  format('select last_uid, baseline_uid, changed from app_private.email_poll_sync_mailbox(%L, %L, 7, 50)', :'mailbox', :'run'),
  $$values (41::bigint, 41::bigint, false)$$,
  'the same UIDVALIDITY keeps the cursor');

-- TEST: a new UIDVALIDITY
select results_eq(
  format('select last_uid, baseline_uid, changed, previous_uidvalidity from app_private.email_poll_sync_mailbox(%L, %L, 8, 11)', :'mailbox', :'run'),
  $$values (0::bigint, 10::bigint, true, 7::bigint)$$,
  'a new UIDVALIDITY restarts the cursor with the 10 messages now there as baseline');
select is((select uidvalidity from app_private.email_poll_state where mailbox_key = :'mailbox'), 8::bigint,
  'the new UIDVALIDITY is stored');
select is((select severity::text from public.error_logs where error_type = 'imap_uidvalidity_changed'
           and context ->> 'mailbox' = :'mailbox'), 'warning', 'the change is logged as a warning');

select * from finish();
rollback;
