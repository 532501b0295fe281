-- top_issues ranks each day's category › sub-category pairs by tickets, spam left out.
begin;
set local search_path = extensions, public;
select plan(1);

-- SETUP: 1 July 2031 (UTC): 3 refund requests (one escalated), 2 bug reports, 1 spam "refund request"
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', category => c, sub_category => s, created_at => '2031-07-01 10:00+00')
from (values ('billing', 'refund_request'), ('billing', 'refund_request'), ('billing', 'refund_request'),
             ('technical', 'bug_report'), ('technical', 'bug_report')) v(c, s);
update public.tickets set is_escalated = true
where id = (select id from public.tickets where created_at = '2031-07-01 10:00+00' and sub_category = 'refund_request' limit 1);
select tests.create_ticket(:'customer_id', status => 'quarantined', category => 'billing', sub_category => 'refund_request',
  created_at => '2031-07-01 10:00+00') as spam \gset
update public.tickets set is_spam = true where id = :'spam';

-- TEST
select results_eq(
  $$select rank, category::text, sub_category::text, tickets, share_of_day, escalated_tickets from public.top_issues
    where date = '2031-07-01' order by rank$$,
  $$values (1::bigint, 'billing'::text, 'refund_request'::text, 3::bigint, 60.00::numeric, 1::bigint),
           (2, 'technical', 'bug_report', 2, 40.00, 0)$$,
  'refund requests first (60 %), bug reports second; the spam does not count'
);

select * from finish();
rollback;
