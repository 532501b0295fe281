-- A reply in the thread of a ticket's Slack message: with the marker (>>, !reply, or what
-- slack_answer_markers says) an agent of the team answers the customer (a responses row, a
-- reaction queued for the agent's message); the same message arriving twice is one answer;
-- without the marker it is an internal note; another team's agent is refused ephemerally; a
-- thread that is no ticket's is left to customer intake. Each settles its event and job.
begin;
set local search_path = extensions, public;
select plan(10);

-- SETUP: a ticket whose "New Ticket" message was posted in the team channel
select tests.create_team() as team_id \gset
select tests.create_team() as other_team \gset
select tests.create_agent_user(team_id => :'team_id') as mia \gset
select tests.create_agent_user(team_id => :'other_team') as liam \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()) where id in (:'mia', :'liam');
select (select slack_user_id from public.agents where id = :'mia') as mia_slack,
       (select slack_user_id from public.agents where id = :'liam') as liam_slack,
       'C' || upper(tests.unique_suffix()) as channel \gset
select tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'mia') as ticket \gset
insert into public.notifications (ticket_id, kind, channel, target, status, external_id, payload)
values (:'ticket', 'ticket_assigned', 'slack', :'channel', 'sent', '1800000000.000100',
        jsonb_build_object('posted_channel', :'channel'));
select tests.authenticate_as_service_role();

-- One stored event and its claimed job per reply: take(event id, user, ts, text).
create function pg_temp.take(p_event text, p_user text, p_ts text, p_text text, p_thread text default '1800000000.000100')
returns jsonb language plpgsql as $$
declare
  v_id bigint;
  v_job bigint;
  v_attempt integer;
  v_result jsonb;
  v_channel text := (select n.target from public.notifications n
                     where n.external_id = '1800000000.000100' and n.kind = 'ticket_assigned' limit 1);
begin
  select r.slack_event_id into v_id from app_private.receive_slack_event(p_event, jsonb_build_object(
    'type', 'event_callback', 'event_id', p_event, 'event', jsonb_build_object('type', 'message'))) r;
  select j.id into v_job from app_private.jobs j where j.stage = 'slack-events' and j.payload ->> 'slack_event_id' = v_id::text;
  v_attempt := tests.claim_job(v_job);
  v_result := app_private.take_slack_thread_reply(v_job, v_attempt, v_id, jsonb_build_object(
    'channel', v_channel, 'thread_ts', p_thread, 'ts', p_ts, 'user', p_user, 'text', p_text));
  return v_result || jsonb_build_object('event_status', (select e.status from app_private.slack_events e where e.id = v_id),
                          'job_status', (select j.status from app_private.jobs j where j.id = v_job));
end;
$$;

-- TEST: a marked reply by an agent of the team answers the customer
select results_eq(
  format($$select t ->> 'outcome', t ->> 'event_status', t ->> 'job_status'
           from pg_temp.take('EvPG1' || %L, %L, '1800000001.000001', '>> Hi Sam, it is fixed now.') t$$, :'channel', :'mia_slack'),
  $$values ('agent_answer'::text, 'processed'::text, 'done'::text)$$,
  'the answer is taken, the event processed and its job done');
select results_eq(
  format($$select sender_type::text, sender_id, body from public.responses where ticket_id = %L$$, :'ticket'),
  format($$values ('agent'::text, %L::uuid, 'Hi Sam, it is fixed now.'::text)$$, :'mia'),
  'the agent''s answer without the marker');
select results_eq(
  format($$select target, payload ->> 'ts', payload ->> 'reaction' from public.notifications
           where ticket_id = %L and kind = 'slack_receipt'$$, :'ticket'),
  format($$values (%L::text, '1800000001.000001'::text, 'white_check_mark'::text)$$, :'channel'),
  'a reaction on the agent''s message is queued');

-- TEST: the same message again (as app_mention) is one answer
select is((select t ->> 'outcome' from pg_temp.take('EvPG2' || :'channel', :'mia_slack', '1800000001.000001',
  '>> Hi Sam, it is fixed now.') t), 'duplicate', 'the repeat is recognised');
select is((select count(*) from public.responses where ticket_id = :'ticket'), 1::bigint, 'still one answer');

-- TEST: without the marker: an internal note, never sent
select is((select t ->> 'outcome' from pg_temp.take('EvPG3' || :'channel', :'mia_slack', '1800000002.000001',
  'Looking into the logs first.') t), 'note', 'a reply without the marker is a note');
select results_eq(
  format($$select actor_id, event_data ->> 'text' from public.ticket_events where ticket_id = %L and event_type = 'internal_note'$$, :'ticket'),
  format($$values (%L::uuid, 'Looking into the logs first.'::text)$$, :'mia'), 'kept as an internal note by Mia');

-- TEST: another team's agent is refused in an ephemeral message
select is((select t ->> 'outcome' from pg_temp.take('EvPG4' || :'channel', :'liam_slack', '1800000003.000001',
  '!REPLY I can take this') t), 'refused', 'another team''s agent is refused');
select results_eq(
  format($$select payload ->> 'ephemeral_user', payload ->> 'text' ~ 'belongs to another team', payload ->> 'thread_ts'
           from public.notifications where ticket_id = %L and kind = 'slack_receipt' and payload ? 'ephemeral_user'$$, :'ticket'),
  format($$values (%L::text, true, '1800000000.000100'::text)$$, :'liam_slack'),
  'the explanation goes to Liam alone, in the thread');

-- TEST: a thread that is no ticket's is left alone
select is((select t ->> 'handled' from pg_temp.take('EvPG5' || :'channel', :'mia_slack', '1800000004.000001', '>> hi',
  '1700000000.000999') t), 'false', 'not a ticket''s thread: not handled here');

select * from finish();
rollback;
