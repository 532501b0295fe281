-- Sentiment escalates by the seed's rule, computed from the analysis: intensity above 8 and
-- a negative emotion (angry, frustrated). The provider's own escalation flag decides nothing:
-- a flagged calm ticket is not escalated, an unflagged furious one is.
begin;
set local search_path = extensions, public;
select plan(8);

-- SETUP: one customer per ticket (no repeat contact), medium priority, standard tier
select tests.create_team() as team_id \gset
insert into public.routing_rules (name, category, team_id, rule_priority) values ('pgTAP', 'technical', :'team_id', -1000000);
select tests.create_agent_user(team_id => :'team_id', skill_level => 'senior', max_concurrent_tickets => 50);
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', intensity => 9, emotion => 'angry') as angry_9 \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', intensity => 10, emotion => 'frustrated') as frustrated_10 \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', intensity => 8, emotion => 'angry',
  escalation_flag => true) as angry_8_flagged \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', intensity => 10, emotion => 'confused',
  escalation_flag => true) as confused_10 \gset
select tests.create_analyzed_ticket(tests.create_customer(), category => 'technical', intensity => 9, emotion => 'happy',
  escalation_flag => true) as happy_9_flagged \gset
select tests.authenticate_as_service_role();

-- TEST
select app_private.route_ticket(id) from unnest(array[:'angry_9', :'frustrated_10', :'angry_8_flagged', :'confused_10',
                                                      :'happy_9_flagged']::uuid[]) id;
select results_eq(format('select is_escalated, escalation_reasons from public.tickets where id = %L', :'angry_9'),
  $$values (true, array['negative_sentiment'])$$, 'angry at 9 escalates, although the provider did not flag it');
select results_eq(format('select is_escalated, escalation_reasons from public.tickets where id = %L', :'frustrated_10'),
  $$values (true, array['negative_sentiment'])$$, 'frustrated at 10 escalates');
select results_eq(format('select is_escalated, escalation_reasons from public.tickets where id = %L', :'angry_8_flagged'),
  $$values (false, '{}'::text[])$$, 'angry at 8 is not above 8: not escalated, whatever the provider flagged');
select results_eq(format('select is_escalated from public.tickets where id = %L', :'confused_10'),
  $$values (false)$$, 'confusion is not a negative emotion of the rule');
select results_eq(format('select is_escalated from public.tickets where id = %L', :'happy_9_flagged'),
  $$values (false)$$, 'a happy customer flagged by the provider is not escalated');
select is((select count(*) from public.ticket_events where event_type = 'escalated'
           and ticket_id in (:'angry_9', :'frustrated_10', :'angry_8_flagged', :'confused_10', :'happy_9_flagged')),
  2::bigint, 'only the two escalations are logged (and alert the lead)');
select is((select event_data -> 'sentiment' from public.ticket_events where ticket_id = :'angry_8_flagged' and event_type = 'routed'),
  '{"emotion": "angry", "intensity": 8, "provider_flag": true}'::jsonb, 'the routing decision records what it read');
select is((select (event_data ->> 'needs_senior')::boolean from public.ticket_events where ticket_id = :'angry_9' and event_type = 'routed'),
  true, 'an escalated ticket needs a senior');

select * from finish();
rollback;
