-- With an embedding, the search also finds articles by similarity (real[] cosine, or pgvector
-- where installed) and fuses both rankings: an article that matches the words and is close in
-- meaning ranks first; a stale embedding (content changed since) is not used.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP: 1536-dimension unit vectors along different axes
select tests.unique_suffix() as s \gset
create temporary table axes as
select n, (select array_agg(case when i = n then 1 else 0 end::real order by i) from generate_series(1, 1536) i) as v
from generate_series(1, 3) n;
insert into public.kb_articles (slug, title, body, category) values
  ('pgtap-both-' || :'s', 'Blorptastic sync', 'Blorptastic records sync every hour.', 'technical'),
  ('pgtap-words-' || :'s', 'Blorptastic pricing', 'Blorptastic costs nothing.', 'billing'),
  ('pgtap-meaning-' || :'s', 'Contacts stop arriving', 'Records from the CRM no longer appear.', 'technical');
update public.kb_articles a set embedding = x.v, embedding_model = 'pgtap', embedded_hash = a.content_hash
from axes x
where (a.slug = 'pgtap-both-' || :'s' and x.n = 1) or (a.slug = 'pgtap-words-' || :'s' and x.n = 2)
   or (a.slug = 'pgtap-meaning-' || :'s' and x.n = 1);

-- TEST: text and meaning together rank first; meaning alone is found too
select is(
  (select slug::text from public.search_kb_articles('blorptastic', 10, p_embedding => (select v from axes where n = 1))
   where slug like 'pgtap-%' limit 1),
  'pgtap-both-' || :'s', 'the article matching the words and the meaning comes first'
);
select set_eq(
  format($$select slug::text from public.search_kb_articles('blorptastic', 10, p_embedding => %L::real[])
           where slug like 'pgtap-%%'$$, (select v from axes where n = 1)),
  format($$values ('pgtap-both-%s'), ('pgtap-meaning-%s'), ('pgtap-words-%s')$$, :'s', :'s', :'s'),
  'the article found by meaning alone is among the results'
);
select is(
  (select round(similarity::numeric, 3) from public.search_kb_articles('blorptastic', 10,
     p_embedding => (select v from axes where n = 1)) where slug = 'pgtap-meaning-' || :'s'),
  1.000, 'the similarity is reported (cosine 1 for the same direction)'
);
select is(
  (select count(*) from public.kb_similar_articles((select v from axes where n = 3), 50) s
   join public.kb_articles a on a.id = s.id where a.slug like 'pgtap-%' || :'s' and s.similarity > 0.5),
  0::bigint, 'no article is similar to an unrelated direction'
);

-- TEST: an article edited after it was embedded is searched by text only until re-embedded
update public.kb_articles set body = 'Records from the CRM no longer appear at all.' where slug = 'pgtap-meaning-' || :'s';
select is(
  (select count(*) from public.search_kb_articles('blorptastic', 10, p_embedding => (select v from axes where n = 1))
   where slug = 'pgtap-meaning-' || :'s'),
  0::bigint, 'the stale embedding is not used'
);
select is(
  (select count(*) from app_private.kb_articles_to_embed('pgtap', 1000) e
   join public.kb_articles a on a.id = e.id where a.slug = 'pgtap-meaning-' || :'s'),
  1::bigint, 'the edited article is listed for re-embedding'
);

select * from finish();
rollback;
