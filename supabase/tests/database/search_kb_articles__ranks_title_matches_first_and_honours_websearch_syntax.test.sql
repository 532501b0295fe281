-- Full-text search of the knowledge base: a word in the title outranks the same word in the
-- body, the ticket's sub-category lifts its articles, websearch_to_tsquery syntax works
-- ("or", -exclusion), and unpublished articles are never found.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP (made-up words, so the bundled articles never match)
select tests.unique_suffix() as s \gset
insert into public.kb_articles (slug, title, body, category, sub_category) values
  ('pgtap-body-' || :'s', 'Configure the dashboard', 'The quuxwidget panel shows the frobnicator totals.', 'technical', 'performance'),
  ('pgtap-title-' || :'s', 'Reset the quuxwidget', 'Open the panel and click Reset.', 'technical', 'bug_report'),
  ('pgtap-draft-' || :'s', 'Quuxwidget draft notes', 'Unfinished quuxwidget notes.', 'technical', 'bug_report');
update public.kb_articles set published = false where slug = 'pgtap-draft-' || :'s';

-- TEST: a title match ranks above a body match
select results_eq(
  $$select slug::text from public.search_kb_articles('quuxwidget', 5) where slug like 'pgtap-%'$$,
  format($$values ('pgtap-title-%s'), ('pgtap-body-%s')$$, :'s', :'s'),
  'the article with the word in its title comes first, the unpublished one never'
);
select ok(
  (select text_rank from public.search_kb_articles('quuxwidget', 5) where slug = 'pgtap-title-' || :'s')
  > (select text_rank from public.search_kb_articles('quuxwidget', 5) where slug = 'pgtap-body-' || :'s'),
  'ts_rank weighs the title above the body'
);

-- TEST: the ticket's sub-category lifts its article above a better text match
select is(
  (select slug::text from public.search_kb_articles('quuxwidget or frobnicator', 1, 'technical', 'performance')),
  'pgtap-body-' || :'s',
  'the sub-category''s article comes first'
);
select ok(
  (select sub_category_match from public.search_kb_articles('quuxwidget', 5, 'technical', 'performance')
   where slug = 'pgtap-body-' || :'s'),
  'the match is reported'
);

-- TEST: websearch syntax: -word excludes, or widens
select is(
  (select count(*) from public.search_kb_articles('quuxwidget -frobnicator', 5) where slug like 'pgtap-%'),
  1::bigint, '-frobnicator excludes the body article'
);
select is(
  (select count(*) from public.search_kb_articles('frobnicator or reset', 10) where slug like 'pgtap-%' || :'s'),
  2::bigint, 'an or query finds both articles'
);

select * from finish();
rollback;
