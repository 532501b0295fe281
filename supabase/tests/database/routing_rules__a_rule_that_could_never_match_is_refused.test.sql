-- Routing rules are rows an admin edits in Studio: a rule that could never match (a
-- sub-category of another category, an unknown value, a language that is not an ISO 639
-- code, no team, a blank name) is refused by constraints when it is written.
begin;
set local search_path = extensions, public;
select plan(7);

select tests.create_team() as team_id \gset

select throws_ok(format($$insert into public.routing_rules (name, category, sub_category, team_id) values ('x', 'billing', 'outage', %L)$$, :'team_id'),
  '23503', null, 'a sub-category of another category is refused');
select throws_ok(format($$insert into public.routing_rules (name, sub_category, team_id) values ('x', 'no_such_thing', %L)$$, :'team_id'),
  '23503', null, 'an unknown sub-category is refused');
select throws_ok(format($$insert into public.routing_rules (name, priority, team_id) values ('x', 'critical', %L)$$, :'team_id'),
  '23514', null, 'an unknown priority is refused');
select throws_ok(format($$insert into public.routing_rules (name, language, team_id) values ('x', 'English', %L)$$, :'team_id'),
  '23514', null, 'a language that is not an ISO code is refused');
select throws_ok($$insert into public.routing_rules (name, category) values ('x', 'billing')$$,
  '23502', null, 'a rule without a team is refused');
select throws_ok(format($$insert into public.routing_rules (name, team_id) values ('  ', %L)$$, :'team_id'),
  '23514', null, 'a blank name is refused');
select lives_ok(format($$insert into public.routing_rules (name, category, sub_category, language, channel, team_id)
  values ('German outages by e-mail', 'technical', 'outage', 'de', 'email', %L)$$, :'team_id'), 'a consistent rule is accepted');

select * from finish();
rollback;
