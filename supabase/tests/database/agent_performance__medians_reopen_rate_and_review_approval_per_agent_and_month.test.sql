-- agent_performance gives, per agent and month, the tickets they hold, the median first
-- response and resolution, the share of their resolved tickets that were reopened, and how
-- many of the AI drafts they reviewed they approved (as written or edited).
begin;
set local search_path = extensions, public;
select plan(2);

-- SETUP: May 2031 (UTC)
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_customer() as customer_id \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id',
  created_at => '2031-05-06 09:00+00') as t1 \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id',
  created_at => '2031-05-07 09:00+00') as t2 \gset
select tests.create_ticket(:'customer_id', status => 'assigned', team_id => :'team_id', assigned_to => :'agent_id',
  created_at => '2031-05-08 09:00+00') as t3 \gset
-- answered after 30, 60 and 90 minutes; 1 resolved after 2 h, 2 after 4 h and reopened once
update public.tickets set first_response_at = created_at + interval '30 minutes', status = 'resolved',
  resolved_at = created_at + interval '2 hours' where id = :'t1';
update public.tickets set first_response_at = created_at + interval '60 minutes', status = 'resolved',
  resolved_at = created_at + interval '4 hours', reopened_count = 1 where id = :'t2';
update public.tickets set first_response_at = created_at + interval '90 minutes', status = 'in_progress' where id = :'t3';
insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, review_status,
                              reviewed_by, reviewed_at, edit_distance)
values (:'t1', 'outbound', 'email', 'draft', 'ai', true, true, 'approved', :'agent_id', '2031-05-06 09:30+00', null),
       (:'t2', 'outbound', 'email', 'draft', 'ai', true, true, 'edited', :'agent_id', '2031-05-07 10:00+00', 12),
       (:'t3', 'outbound', 'email', 'draft', 'ai', true, true, 'rejected', :'agent_id', '2031-05-08 10:30+00', null);

-- TEST
select results_eq(
  format($$select tickets_handled, tickets_resolved, median_first_response_minutes, median_resolution_hours, tickets_reopened, reopen_rate
           from public.agent_performance where agent_id = %L and month = '2031-05-01'$$, :'agent_id'),
  $$values (3::bigint, 2::bigint, 60.0::numeric, 3.00::numeric, 1::bigint, 50.00::numeric)$$,
  'three tickets: median first response 60 min, median resolution 3 h, one of two resolved reopened'
);
select results_eq(
  format($$select drafts_reviewed, drafts_approved, drafts_edited, drafts_rejected, review_approval_rate, avg_edit_distance
           from public.agent_performance where agent_id = %L and month = '2031-05-01'$$, :'agent_id'),
  $$values (3::bigint, 1::bigint, 1::bigint, 1::bigint, 66.67::numeric, 12.0::numeric)$$,
  'three drafts reviewed: one approved, one edited (12 characters), one rejected: 67 % approved'
);

select * from finish();
rollback;
