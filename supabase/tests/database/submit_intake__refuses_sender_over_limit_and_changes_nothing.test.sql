-- submit_intake accepts a sender's messages up to intake_limit_per_sender within the window;
-- the next one is refused with the seconds until the window ends, and creates no ticket,
-- no customer and no extra count.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
update app_private.settings set value = '2' where key = 'intake_limit_per_sender';
update app_private.settings set value = '3600' where key = 'intake_limit_per_sender_window_seconds';
select 'limit-' || tests.unique_suffix() || '@example.com' as email \gset
select tests.authenticate_as_service_role();

-- TEST: two different messages are accepted
select is((select count(*) from generate_series(1, 2) i,
           app_private.submit_intake(tests.random_idempotency_key(),
             jsonb_build_object('email', :'email', 'channel', 'web', 'subject', 'Question ' || i, 'body', 'Body ' || i)) s
           where s.ticket_id is not null and s.limited_by is null),
          2::bigint, 'the first two messages of the sender create tickets');

-- TEST: the third is refused
select coalesce(ticket_id::text, 'none') as refused_ticket, retry_after_seconds as retry, limited_by
from app_private.submit_intake(tests.random_idempotency_key(),
  jsonb_build_object('email', upper(:'email'), 'channel', 'web', 'subject', 'Third', 'body', 'Third body')) \gset
select is(:'limited_by'::text, 'sender', 'the third message is refused by the sender limit');
select is(:'refused_ticket'::text, 'none', 'a refused message returns no ticket');
select ok(:retry between 3590 and 3600, 'Retry-After is the rest of the one-hour window');
select is((select count(*) from public.tickets where sender_email = :'email'), 2::bigint,
  'no ticket is created for the refused message');
select is((select hits from app_private.intake_rate_limits where scope = 'sender' and subject = :'email'), 2,
  'the refused message is not counted');

-- TEST: a limit of 0 turns the check off
update app_private.settings set value = '0' where key = 'intake_limit_per_sender';
select ok((select s.ticket_id is not null from app_private.submit_intake(tests.random_idempotency_key(),
  jsonb_build_object('email', :'email', 'channel', 'web', 'subject', 'Fourth', 'body', 'Fourth body')) s),
  'with intake_limit_per_sender = 0 the sender is not limited');

select * from finish();
rollback;
