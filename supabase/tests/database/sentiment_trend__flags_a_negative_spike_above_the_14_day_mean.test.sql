-- sentiment_trend flags a day whose negative share (angry, frustrated) is at least 15 points
-- above the mean of the 14 days before, given 10 tickets that day and 3 earlier days.
begin;
set local search_path = extensions, public;
select plan(1);

-- SETUP: billing, June 2031 (UTC): 1-5 June 2 of 10 negative; 6 June 4 of 10; 7 June 3 of 10; 8 June 5 of 5
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'queued', category => 'billing',
                          body => case when n <= p.negative then 'pgTAP negative' else 'pgTAP calm' end,
                          created_at => p.day + interval '10 hours')
from (values ('2031-06-01'::date, 10, 2), ('2031-06-02', 10, 2), ('2031-06-03', 10, 2), ('2031-06-04', 10, 2),
             ('2031-06-05', 10, 2), ('2031-06-06', 10, 4), ('2031-06-07', 10, 3), ('2031-06-08', 5, 5)) p(day, tickets, negative)
cross join lateral generate_series(1, p.tickets) n;
update public.tickets set sentiment_emotion = case when body = 'pgTAP negative' then 'angry' else 'neutral' end,
  sentiment_intensity = 5
where customer_id = :'customer_id';

-- TEST
select results_eq(
  $$select date, tickets, negative_share, baseline_negative_share, spike from public.sentiment_trend
    where category = 'billing' and date between '2031-06-04' and '2031-06-08' order by date$$,
  $$values ('2031-06-04'::date, 10::bigint, 0.2000::numeric, 0.2000::numeric, false),
           ('2031-06-05', 10, 0.2000, 0.2000, false),
           ('2031-06-06', 10, 0.4000, 0.2000, true),
           ('2031-06-07', 10, 0.3000, 0.2333, false),
           ('2031-06-08', 5, 1.0000, 0.2429, false)$$,
  '6 June (40 % against 20 %) is a spike; 7 June is within 15 points; 8 June has too few tickets'
);

select * from finish();
rollback;
