-- Importing articles (npm run kb -- import): new slugs are created, changed articles updated,
-- identical ones left alone (content hash); an embedding computed from an older version of an
-- article is not stored.
begin;
set local search_path = extensions, public;
select plan(6);

-- SETUP
select tests.unique_suffix() as s \gset
select format('[{"slug": "pgtap-a-%1$s", "title": "Alpha guide", "body": "Alpha steps.", "category": "general", "tags": ["b", "a"]},
               {"slug": "pgtap-b-%1$s", "title": "Beta guide", "body": "Beta steps.", "category": "billing", "sub_category": "invoice_request"}]',
              :'s') as batch \gset

-- TEST: the first import creates both
select is(
  (select jsonb_agg(x ->> 'outcome' order by x ->> 'slug') from jsonb_array_elements(app_private.import_kb_articles(:'batch'::jsonb)) x),
  '["created", "created"]'::jsonb, 'both articles are created');
select content_hash as hash_a from public.kb_articles where slug = 'pgtap-a-' || :'s' \gset

-- TEST: the same import again changes nothing
select is(
  (select jsonb_agg(x ->> 'outcome' order by x ->> 'slug') from jsonb_array_elements(app_private.import_kb_articles(:'batch'::jsonb)) x),
  '["unchanged", "unchanged"]'::jsonb, 'an identical import leaves both alone');

-- TEST: a changed body is an update; the hash moves
select is(
  (select jsonb_agg(x ->> 'outcome' order by x ->> 'slug') from jsonb_array_elements(app_private.import_kb_articles(
     replace(:'batch', 'Alpha steps.', 'Alpha steps, revised.')::jsonb)) x),
  '["updated", "unchanged"]'::jsonb, 'the changed article is updated, the other left alone');
select isnt((select content_hash from public.kb_articles where slug = 'pgtap-a-' || :'s'), :'hash_a',
  'the content hash changed');

-- TEST: an embedding of the old text is refused, one of the current text stored
select is(app_private.store_kb_embeddings(jsonb_build_array(jsonb_build_object(
  'id', (select id from public.kb_articles where slug = 'pgtap-a-' || :'s'), 'content_hash', :'hash_a',
  'model', 'pgtap', 'embedding', '[0.6, 0.8]'::jsonb))), 0, 'an embedding of the old version is not stored');
select is(app_private.store_kb_embeddings(jsonb_build_array(jsonb_build_object(
  'id', (select id from public.kb_articles where slug = 'pgtap-a-' || :'s'),
  'content_hash', (select content_hash from public.kb_articles where slug = 'pgtap-a-' || :'s'),
  'model', 'pgtap', 'embedding', '[0.6, 0.8]'::jsonb))), 1, 'an embedding of the current version is stored');

select * from finish();
rollback;
