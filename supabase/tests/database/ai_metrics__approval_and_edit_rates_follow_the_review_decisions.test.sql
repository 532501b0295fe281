-- The AI metrics read the review decisions: of one day's five drafts an agent decided
-- (one approved, two edited, one rejected through the Slack console; one still pending) and
-- one answer sent automatically, the daily report's approval rate is 75 % (3 of 4 reviewed),
-- its outcomes count each status, daily_metrics' edit rate is 50 %, ai_model_daily agrees
-- for the model, and agent_performance credits the reviewer with the mean edit distance.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP: a day of our own, in UTC, and a model name of our own
update app_private.settings set value = 'UTC' where key = 'time_zone';
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior') as ava \gset
update public.agents set slack_user_id = 'U' || upper(tests.unique_suffix()) where id = :'ava';
select slack_user_id as ava_slack, 'pgtap-model-' || tests.unique_suffix() as model from public.agents where id = :'ava' \gset
create temporary table drafts (n integer primary key, draft uuid) on commit drop;
grant select on drafts to service_role;
with t as (
  select g, tests.create_ticket(tests.create_customer(), status => 'assigned', team_id => :'team_id', assigned_to => :'ava',
                                created_at => '2025-01-15 09:00+00') as id
  from generate_series(1, 6) g
), r as (
  insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft, model_name, created_at)
  select t.id, 'outbound', 'email', 'Hi, here is how: restart.', 'ai', true, t.g <> 6, :'model', '2025-01-15 10:00+00'
  from t
  returning id, ticket_id)
insert into drafts (n, draft) select t.g, r.id from t join r on r.ticket_id = t.id;
select tests.authenticate_as_service_role();
select app_private.slack_console(:'ava_slack', 'approve_draft', jsonb_build_object('response_id', draft)) ->> 'ok' as approved
from drafts where n = 1 \gset
select app_private.slack_console(:'ava_slack', 'edit_draft', jsonb_build_object('response_id', draft,
  'text', 'Hi, here is how: please restart.')) ->> 'edit_distance' as edit_a from drafts where n = 2 \gset
select app_private.slack_console(:'ava_slack', 'edit_draft', jsonb_build_object('response_id', draft,
  'text', 'Hi, here is how: restart the app twice.')) ->> 'edit_distance' as edit_b from drafts where n = 3 \gset
select app_private.slack_console(:'ava_slack', 'reject_draft', jsonb_build_object('response_id', draft,
  'reason', 'Wrong product')) ->> 'ok' as rejected from drafts where n = 4 \gset
select app_private.compute_daily_report('2025-01-15') is not null as computed \gset

-- TEST: the daily report and daily_metrics
select results_eq(
  $$select ai_approval_rate, ai_review_outcomes from public.analytics_daily where date = '2025-01-15'$$,
  $$values (75.00::numeric(5, 2), '{"pending": 1, "approved": 1, "edited": 2, "rejected": 1, "auto_sent": 1}'::jsonb)$$,
  'approval rate 75 % (3 of 4 reviewed) and one count per review status');
select is((select ai_edit_rate from public.daily_metrics where date = '2025-01-15'), 50.00::numeric,
  'edit rate 50 % (2 of 4 reviewed)');

-- TEST: ai_model_daily per model
select results_eq(
  format($$select answers_generated, answer_approval_rate, answer_edit_rate from public.ai_model_daily
           where date = '2025-01-15' and model_name = %L$$, :'model'),
  $$values (6::bigint, 75.00::numeric, 50.00::numeric)$$,
  'the model''s six answers: 75 % approved, 50 % edited');

-- TEST: agent_performance credits the reviewer
select is(:edit_a::integer + :edit_b::integer, 7 + 14, 'the edits changed 7 and 14 characters');
select results_eq(
  format($$select drafts_reviewed, drafts_approved, drafts_edited, drafts_rejected, review_approval_rate, avg_edit_distance
           from public.agent_performance where agent_id = %L and drafts_reviewed > 0$$, :'ava'),
  $$values (4::bigint, 1::bigint, 2::bigint, 1::bigint, 75.00::numeric, 10.5::numeric)$$,
  'Ava reviewed four: 75 % approved, a mean edit distance of 10.5');
select is((select count(*) from public.ticket_events e join drafts d on d.n <= 4
           join public.responses r on r.id = d.draft and r.ticket_id = e.ticket_id
           where e.event_type like 'draft\_%' and e.actor_id = :'ava'), 4::bigint, 'one decision event per reviewed draft');

select * from finish();
rollback;
