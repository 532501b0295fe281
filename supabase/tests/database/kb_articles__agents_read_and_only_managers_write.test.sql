-- Row-level security of the knowledge base: every signed-in agent reads it and can search it,
-- only managers create, change and delete articles, anon gets nothing.
begin;
set local search_path = extensions, public;
select plan(7);

-- SETUP
select tests.unique_suffix() as s \gset
select tests.create_team() as team_id \gset
select tests.create_agent_user(team_id => :'team_id') as agent_id \gset
select tests.create_agent_user(team_id => :'team_id') as manager_id \gset
update public.agents set role = 'manager' where id = :'manager_id';
insert into public.kb_articles (slug, title, body, category)
values ('pgtap-rls-' || :'s', 'Grommet settings', 'Grommets are configured in Settings.', 'general');

-- TEST: an agent reads and searches
select tests.authenticate_as(:'agent_id');
select is((select count(*) from public.kb_articles where slug = 'pgtap-rls-' || :'s'), 1::bigint,
  'an agent reads the article');
select is((select count(*) from public.search_kb_articles('grommets', 5) where slug = 'pgtap-rls-' || :'s'),
  1::bigint, 'an agent searches the knowledge base');

-- TEST: an agent cannot write
select throws_ok(
  format($$insert into public.kb_articles (slug, title, body, category) values ('pgtap-agent-%s', 'Nope', 'Nope.', 'general')$$, :'s'),
  '42501', 'new row violates row-level security policy for table "kb_articles"',
  'an agent cannot create an article');
select is_empty(
  format($$update public.kb_articles set title = 'Changed' where slug = 'pgtap-rls-%s' returning 1$$, :'s'),
  'an agent cannot change an article');

-- TEST: a manager writes; the trigger fills url and content hash
select tests.authenticate_as(:'manager_id');
select lives_ok(
  format($$insert into public.kb_articles (slug, title, body, category) values ('pgtap-mgr-%s', 'Grommet limits', 'Up to ten grommets.', 'general')$$, :'s'),
  'a manager creates an article');
select results_eq(
  format($$select url, length(content_hash) from public.kb_articles where slug = 'pgtap-mgr-%s'$$, :'s'),
  format($$values ('https://help.example.com/articles/pgtap-mgr-%s'::text, 64)$$, :'s'),
  'the url defaults to kb_base_url/slug and the content hash is set');

-- TEST: anon reads nothing
select tests.clear_authentication();
select throws_ok('select count(*) from public.kb_articles', '42501',
  'permission denied for table kb_articles', 'anon cannot read the knowledge base');

select * from finish();
rollback;
