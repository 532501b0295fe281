-- Spam found by triage is quarantined: kept, flagged, visible in spam_quarantine, not routed
-- and not active work. An agent releases it (it then goes to routing) or marks a missed one.
begin;
set local search_path = extensions, public;
select plan(9);

-- SETUP
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id') as ticket_id \gset
select id as job_id from app_private.jobs where ticket_id = :'ticket_id' and stage = 'triage' \gset
select tests.claim_job(:'job_id') as attempt \gset
select tests.authenticate_as_service_role();

-- TEST: a spam verdict quarantines the ticket
select app_private.record_triage(:'job_id', :'attempt', :'ticket_id', jsonb_build_object(
  'category', 'general', 'sub_category', 'other', 'confidence', 0.9, 'emotion', 'neutral', 'intensity', 2,
  'priority', 'low', 'urgency_score', 1, 'language', 'en', 'model', 'local',
  'spam', jsonb_build_object('score', 0.97, 'isSpam', true)));
select results_eq(format('select status::text, is_spam from public.tickets where id = %L', :'ticket_id'),
  $$values ('quarantined'::text, true)$$, 'the ticket is quarantined and flagged');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'route'), 0::bigint, 'it is not routed');
select is((select spam_score from public.spam_quarantine where ticket_id = :'ticket_id'), 0.97, 'it is listed in spam_quarantine with its score');
select is((select count(*) from public.active_tickets_view where id = :'ticket_id'), 0::bigint, 'it is not active work');

-- TEST: releasing it sends it to routing
select is(public.release_from_quarantine(:'ticket_id'), 'analyzed', 'release answers the new status');
select results_eq(format('select status::text, is_spam from public.tickets where id = %L', :'ticket_id'),
  $$values ('analyzed'::text, false)$$, 'the ticket is analyzed and no longer spam');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket_id' and stage = 'route'), 1::bigint, 'routing is queued');
select is((select count(*) from public.ticket_events where ticket_id = :'ticket_id'
           and event_type in ('quarantined', 'released_from_quarantine')), 2::bigint, 'both moves are logged');

-- TEST: marking a ticket as spam quarantines it
select is(public.mark_as_spam(:'ticket_id'), 'quarantined', 'mark_as_spam quarantines');

select * from finish();
rollback;
