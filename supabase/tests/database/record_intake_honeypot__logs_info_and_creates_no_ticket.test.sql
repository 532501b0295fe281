-- A filled honeypot is logged in error_logs (severity info, error_type honeypot) with its
-- context, counts against the client IP's limit and creates no ticket or customer.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
update app_private.settings set value = '1' where key = 'intake_limit_per_ip';
select count(*) as tickets_before from public.tickets \gset
select count(*) as customers_before from public.customers \gset
select tests.authenticate_as_service_role();

-- TEST: the first post is logged and answered with a decoy number
select ticket_number as decoy, coalesce(limited_by, 'none') as limited_by from app_private.record_intake_honeypot('192.0.2.77',
  '{"email": "bot@example.com", "origin": "https://forms.example.com"}') \gset
select ok(:decoy > 0 and :'limited_by' = 'none', 'the honeypot post gets a plausible ticket number');
select results_eq(
  $$select severity::text, error_type::text, context ->> 'email', context ->> 'client_ip' from public.error_logs
    where error_type = 'honeypot' and context ->> 'client_ip' = '192.0.2.77'$$,
  $$values ('info'::text, 'honeypot'::text, 'bot@example.com'::text, '192.0.2.77'::text)$$,
  'it is logged in error_logs with severity info');
select is((select count(*) from public.tickets), :'tickets_before'::bigint, 'no ticket is created');
select is((select count(*) from public.customers), :'customers_before'::bigint, 'no customer is created');
select tests.create_ticket(tests.create_customer()) as next_ticket \gset
select ok((select ticket_number from public.tickets where id = :'next_ticket') > :decoy,
  'the next real ticket gets a later number than the decoy showed');

-- TEST: the address's limit applies to honeypot posts too
select is((select limited_by from app_private.record_intake_honeypot('192.0.2.77', '{}')), 'ip',
  'a second honeypot post from the address is refused by the IP limit');

select * from finish();
rollback;
