-- Reassign from Slack gives the ticket to the next best available agent other than the
-- assignee, or to the chosen teammate only when they are available, have room and are
-- senior enough; the event names the acting agent, the new assignee gets a direct message and
-- every posted copy of the message (and the clicked one) is queued for an update.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 5) as liam \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 1) as full_agent \gset
select tests.create_agent_user(team_id => :'team_id', is_available => false) as away_agent \gset
select tests.create_agent_user(team_id => :'team_id', max_concurrent_tickets => 5) as mia \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()), name = 'Liam' where id = :'liam';
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()), name = 'Mia' where id = :'mia';
select slack_user_id as liam_slack from public.agents where id = :'liam' \gset
select slack_user_id as mia_slack from public.agents where id = :'mia' \gset
select tests.give_agent_load(:'full_agent', 1);
select tests.give_agent_load(:'mia', 1);
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'liam') as ticket \gset
insert into public.notifications (ticket_id, kind, channel, target, status, external_id, payload)
values (:'ticket', 'ticket_assigned', 'slack', 'CTEAM', 'sent', '1700000000.000100', '{}'),
       (:'ticket', 'ticket_assigned', 'slack', :'liam_slack', 'sent', '1700000000.000200', '{"posted_channel": "D0LIAM"}');
select tests.authenticate_as_service_role();

-- TEST: chosen teammates who cannot take it
select matches(app_private.slack_console(:'liam_slack', 'reassign', jsonb_build_object('ticket_id', :'ticket',
    'target_agent_id', :'full_agent')) ->> 'text',
  'already has 1 of 1 tickets\. Nothing was changed\.$', 'an agent at capacity is refused');
select matches(app_private.slack_console(:'liam_slack', 'reassign', jsonb_build_object('ticket_id', :'ticket',
    'target_agent_id', :'away_agent')) ->> 'text',
  'is away and takes no new tickets', 'an agent who is away is refused');
select is((select assigned_to from public.tickets where id = :'ticket'), :'liam'::uuid, 'refusals leave the ticket alone');

-- TEST: Reassign (no target): the least-loaded available agent other than Liam with room is Mia
select is(app_private.slack_console(:'liam_slack', 'reassign', jsonb_build_object('ticket_id', :'ticket',
    'expected', jsonb_build_object('assignee', :'liam', 'status', 'assigned'),
    'message', jsonb_build_object('channel', 'CTEAM', 'ts', '1700000000.000100'))) ->> 'text',
  format('#T-%s moved from Liam to Mia.', (select ticket_number from public.tickets where id = :'ticket')),
  'the answer says who has it now');
select is((select assigned_to from public.tickets where id = :'ticket'), :'mia'::uuid, 'Mia has the ticket');
select results_eq(format($$select event_type::text, actor_type::text, actor_id, event_data ->> 'from_agent_id'
                            from public.ticket_events where ticket_id = %L$$, :'ticket'),
  format($$values ('reassigned'::text, 'agent'::text, %L::uuid, %L::text)$$, :'liam', :'liam'),
  'one reassigned event by the acting agent');
select is((select active_tickets from public.agents where id = :'mia'), 2, 'Mia''s counter counts it');
select results_eq(format($$select target from public.notifications where ticket_id = %L and kind = 'ticket_assigned' and status = 'pending'$$, :'ticket'),
  format($$values (%L::text)$$, :'mia_slack'), 'Mia gets a direct message');
select results_eq(format($$select target, payload ->> 'ts', payload ->> 'note' from public.notifications
                            where ticket_id = %L and kind = 'ticket_updated' order by payload ->> 'ts'$$, :'ticket'),
  $$values ('CTEAM'::text, '1700000000.000100'::text, 'Reassigned to Mia by Liam'::text),
           ('D0LIAM'::text, '1700000000.000200'::text, 'Reassigned to Mia by Liam'::text)$$,
  'each posted copy is updated once, the direct message in its D channel');
select is((select count(*) from app_private.jobs where ticket_id = :'ticket' and stage = 'notify' and status = 'queued'),
  1::bigint, 'the notify stage is queued');

select * from finish();
rollback;
