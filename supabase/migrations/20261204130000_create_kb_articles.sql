-- The knowledge base the answers are written from: articles managed in Studio (agents read,
-- managers write) or imported from Markdown (`npm run kb -- import DIR`), searched with
-- Postgres full-text search everywhere, and with OpenAI embeddings (text-embedding-3-small)
-- combined with the text rank when they exist. Embeddings are stored as real[] so the hybrid
-- search works without pgvector; where the database has pgvector, a vector column and an HNSW
-- index serve the similarity part instead.

insert into app_private.settings (key, value, description) values
  ('kb_base_url', 'https://help.example.com/articles', 'Public URL of the help centre; an article without url links to <kb_base_url>/<slug>')
on conflict (key) do nothing;

-- The text search configuration of an article or ticket language (ISO 639-1); 'simple' for
-- languages Postgres has no stemmer for.
create function public.kb_text_config(p_locale text)
returns regconfig
language sql
immutable
parallel safe
set search_path = ''
as $$
  select case lower(left(coalesce(p_locale, 'en'), 2))
    when 'en' then 'pg_catalog.english'::regconfig
    when 'de' then 'pg_catalog.german'::regconfig
    when 'es' then 'pg_catalog.spanish'::regconfig
    when 'fr' then 'pg_catalog.french'::regconfig
    when 'it' then 'pg_catalog.italian'::regconfig
    when 'pt' then 'pg_catalog.portuguese'::regconfig
    when 'nl' then 'pg_catalog.dutch'::regconfig
    when 'sv' then 'pg_catalog.swedish'::regconfig
    when 'da' then 'pg_catalog.danish'::regconfig
    when 'no' then 'pg_catalog.norwegian'::regconfig
    when 'fi' then 'pg_catalog.finnish'::regconfig
    else 'pg_catalog.simple'::regconfig
  end
$$;
comment on function public.kb_text_config(text) is 'Text search configuration for a language code (used by kb_articles.search_vector and search_kb_articles).';

-- The weighted search document of an article: title A, summary and tags B, body C.
-- Immutable for text arrays (array_to_string is only stable because of other element types).
create function public.kb_search_vector(p_locale text, p_title text, p_summary text, p_tags text[], p_body text)
returns tsvector
language sql
immutable
parallel safe
set search_path = ''
as $$
  select setweight(to_tsvector(public.kb_text_config(p_locale), coalesce(p_title, '')), 'A')
      || setweight(to_tsvector(public.kb_text_config(p_locale),
           coalesce(p_summary, '') || ' ' || array_to_string(coalesce(p_tags, '{}'), ' ')), 'B')
      || setweight(to_tsvector(public.kb_text_config(p_locale), coalesce(p_body, '')), 'C')
$$;
comment on function public.kb_search_vector(text, text, text, text[], text) is 'Weighted full-text document of a knowledge-base article.';

create table public.kb_articles (
  id uuid primary key default gen_random_uuid(),
  slug varchar(120) not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text not null check (length(btrim(title)) between 3 and 200),
  summary text check (summary is null or length(summary) <= 500),
  body text not null check (length(btrim(body)) > 0 and length(body) <= 50000),
  category varchar(50) not null check (category in ('billing', 'technical', 'account', 'general')),
  sub_category varchar(50),
  tags text[] not null default '{}',
  locale varchar(2) not null default 'en' check (locale ~ '^[a-z]{2}$'),
  published boolean not null default true,
  url text not null check (url ~ '^https?://[^\s]+$'),
  content_hash varchar(64) not null,
  search_vector tsvector generated always as (
    public.kb_search_vector(locale, title, summary, tags, body)
  ) stored,
  embedding real[] check (embedding is null or cardinality(embedding) between 1 and 4096),
  embedding_model varchar(100),
  embedded_hash varchar(64),
  embedded_at timestamptz,
  source_path text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint kb_articles_sub_category_of_category foreign key (category, sub_category)
    references public.ticket_sub_categories (category, sub_category)
);
comment on table public.kb_articles is 'Help articles the AI answers are drafted from; one row per slug.';
comment on column public.kb_articles.summary is 'One or two sentences: the answer''s solution line in template answers.';
comment on column public.kb_articles.content_hash is 'SHA-256 of every content field (set by a trigger): an import updates an article only when it changed.';
comment on column public.kb_articles.embedding is 'OpenAI embedding of title, summary and body; used only while embedded_hash = content_hash.';
comment on column public.kb_articles.embedded_hash is 'content_hash the embedding was computed from; a different value means the embedding is stale.';
create index kb_articles_search_idx on public.kb_articles using gin (search_vector);
create index kb_articles_category_idx on public.kb_articles (category, sub_category) where published;

alter table public.kb_articles enable row level security;
revoke all on public.kb_articles from anon, authenticated;
grant all on public.kb_articles to service_role;
grant select on public.kb_articles to authenticated;
grant insert (slug, title, summary, body, category, sub_category, tags, locale, published, url),
  update (slug, title, summary, body, category, sub_category, tags, locale, published, url),
  delete on public.kb_articles to authenticated;
create policy kb_articles_select_signed_in_agents on public.kb_articles
  for select to authenticated using (app_private.current_agent_id() is not null);
create policy kb_articles_insert_managers on public.kb_articles
  for insert to authenticated
  with check (exists (select 1 from public.agents a where a.auth_user_id = auth.uid() and a.role = 'manager'));
create policy kb_articles_update_managers on public.kb_articles
  for update to authenticated
  using (exists (select 1 from public.agents a where a.auth_user_id = auth.uid() and a.role = 'manager'))
  with check (exists (select 1 from public.agents a where a.auth_user_id = auth.uid() and a.role = 'manager'));
create policy kb_articles_delete_managers on public.kb_articles
  for delete to authenticated
  using (exists (select 1 from public.agents a where a.auth_user_id = auth.uid() and a.role = 'manager'));

-- SHA-256 over every field an answer or the search reads; an import compares it to decide
-- between unchanged and updated.
create function app_private.kb_content_hash(p_article public.kb_articles)
returns text
language sql
stable
set search_path = ''
as $$
  select encode(sha256(convert_to(concat_ws(chr(31), p_article.slug, p_article.title,
    coalesce(p_article.summary, ''), p_article.body, p_article.category, coalesce(p_article.sub_category, ''),
    array_to_string(p_article.tags, chr(30)), p_article.locale, p_article.published::text, p_article.url),
    'UTF8')), 'hex')
$$;

-- Fills the url (from kb_base_url) and content_hash, and moves updated_at only when the
-- content changed. security definer: a manager editing in Studio or through the API cannot
-- read app_private.settings, which the default url comes from.
create function app_private.kb_articles_prepare()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  new.slug := lower(btrim(new.slug));
  new.tags := array(select distinct lower(btrim(t)) from unnest(coalesce(new.tags, '{}')) t where btrim(t) <> '' order by 1);
  if new.url is null or btrim(new.url) = '' then
    new.url := rtrim(coalesce(app_private.get_setting('kb_base_url'), 'https://help.example.com/articles'), '/')
               || '/' || new.slug;
  end if;
  new.content_hash := app_private.kb_content_hash(new);
  if tg_op = 'UPDATE' then
    if new.content_hash is distinct from old.content_hash then
      new.updated_at := now();
    else
      new.updated_at := old.updated_at;
    end if;
  end if;
  return new;
end;
$$;
create trigger kb_articles_prepare before insert or update on public.kb_articles
  for each row execute function app_private.kb_articles_prepare();

-- Articles most similar to an embedding (cosine similarity, up to p_limit), for the hybrid
-- search. This version computes it over real[] in SQL; with pgvector it is replaced below.
create function public.kb_similar_articles(p_embedding real[], p_limit integer default 20)
returns table (id uuid, similarity double precision)
language sql
stable
set search_path = ''
as $$
  select s.id, s.similarity
  from (
    select a.id,
           (select sum(x * y) / nullif(sqrt(sum(x * x)) * sqrt(sum(y * y)), 0)
            from unnest(a.embedding, p_embedding) as v(x, y))::double precision as similarity
    from public.kb_articles a
    where a.published and a.embedding is not null and a.embedded_hash = a.content_hash
      and cardinality(a.embedding) = cardinality(p_embedding)
  ) s
  where s.similarity is not null
  order by s.similarity desc, s.id
  limit greatest(coalesce(p_limit, 20), 0)
$$;

-- pgvector where the database has it (Supabase does; Debian's Postgres does not): a vector
-- column kept from the real[] embedding, an HNSW index, and the same function using them.
do $$
begin
  if exists (select 1 from pg_catalog.pg_available_extensions where name = 'vector') then
    create extension if not exists vector with schema extensions;
    execute $ddl$
      alter table public.kb_articles add column embedding_vector extensions.vector(1536)
        generated always as (case when cardinality(embedding) = 1536
                                  then embedding::extensions.vector(1536) end) stored
    $ddl$;
    execute $ddl$
      create index kb_articles_embedding_hnsw_idx on public.kb_articles
        using hnsw (embedding_vector extensions.vector_cosine_ops)
    $ddl$;
    execute $ddl$
      create or replace function public.kb_similar_articles(p_embedding real[], p_limit integer default 20)
      returns table (id uuid, similarity double precision)
      language sql
      stable
      set search_path = ''
      as $fn$
        select a.id, 1 - (a.embedding_vector operator(extensions.<=>) p_embedding::extensions.vector(1536))
        from public.kb_articles a
        where a.published and a.embedding_vector is not null and a.embedded_hash = a.content_hash
          and cardinality(p_embedding) = 1536
        order by a.embedding_vector operator(extensions.<=>) p_embedding::extensions.vector(1536), a.id
        limit greatest(coalesce(p_limit, 20), 0)
      $fn$
    $ddl$;
  end if;
end;
$$;

-- Hybrid knowledge-base search, best first. Full-text search (title weighted over summary and
-- tags over body, websearch_to_tsquery syntax: words, "phrases", or, -not) ranked by ts_rank;
-- with p_embedding, the most similar articles (cosine ≥ 0.2); and the ticket's sub-category
-- (or category).
-- The three rankings are combined by reciprocal rank fusion: score = Σ weight / (50 + rank).
-- Articles in p_locale and in English are searched. Security invoker: agents see what RLS
-- lets them read; the respond stage calls it as the service role.
create function public.search_kb_articles(
  p_query text,
  p_limit integer default 5,
  p_category text default null,
  p_sub_category text default null,
  p_locale text default 'en',
  p_embedding real[] default null
)
returns table (
  id uuid,
  slug varchar,
  title text,
  summary text,
  body text,
  url text,
  category varchar,
  sub_category varchar,
  locale varchar,
  text_rank real,
  similarity double precision,
  sub_category_match boolean,
  category_match boolean,
  score double precision
)
language sql
stable
set search_path = ''
as $$
  with q as (
    select pg_catalog.websearch_to_tsquery('pg_catalog.english'::regconfig, coalesce(p_query, '')) as q_en,
           pg_catalog.websearch_to_tsquery(public.kb_text_config(p_locale), coalesce(p_query, '')) as q_loc
  ),
  candidates as (
    select a.*, case when a.locale = 'en' then q.q_en else q.q_loc end as query
    from public.kb_articles a, q
    where a.published and a.locale in ('en', lower(left(coalesce(p_locale, 'en'), 2)))
  ),
  full_text as (
    select c.id, ts_rank('{0.1, 0.2, 0.4, 1.0}', c.search_vector, c.query, 1) as rank,
           row_number() over (order by ts_rank('{0.1, 0.2, 0.4, 1.0}', c.search_vector, c.query, 1) desc, c.id) as rank_ix
    from candidates c
    where c.search_vector @@ c.query
    order by rank_ix
    limit 30
  ),
  semantic as (
    select s.id, s.similarity, row_number() over (order by s.similarity desc, s.id) as rank_ix
    from public.kb_similar_articles(p_embedding, 30) s
    where p_embedding is not null and s.similarity >= 0.2 and s.id in (select c.id from candidates c)
  ),
  scored as (
    select c.id,
           coalesce(ft.rank, 0)::real as text_rank,
           sem.similarity,
           coalesce(p_sub_category is not null and c.sub_category = p_sub_category, false) as sub_category_match,
           coalesce(p_category is not null and c.category = p_category, false) as category_match,
           coalesce(1.0 / (50 + ft.rank_ix), 0) * 1.0
             + coalesce(1.0 / (50 + sem.rank_ix), 0) * 1.0
             + case when p_sub_category is not null and c.sub_category = p_sub_category then 1.0 / 51
                    when p_category is not null and c.category = p_category then 0.25 / 51
                    else 0 end as score,
           ft.id is not null or sem.id is not null as found
    from candidates c
    left join full_text ft on ft.id = c.id
    left join semantic sem on sem.id = c.id
  )
  select a.id, a.slug, a.title, a.summary, a.body, a.url, a.category, a.sub_category, a.locale,
         s.text_rank, s.similarity, s.sub_category_match, s.category_match, s.score::double precision
  from scored s
  join public.kb_articles a on a.id = s.id
  where s.found or s.sub_category_match
  order by s.score desc, s.text_rank desc, a.slug
  limit greatest(coalesce(p_limit, 5), 0)
$$;
comment on function public.search_kb_articles(text, integer, text, text, text, real[]) is
  'Hybrid knowledge-base search (full text, embeddings, sub-category) fused by reciprocal rank.';

revoke all on function public.search_kb_articles(text, integer, text, text, text, real[]) from public, anon;
revoke all on function public.kb_similar_articles(real[], integer) from public, anon;
grant execute on function public.search_kb_articles(text, integer, text, text, text, real[]) to authenticated, service_role;
grant execute on function public.kb_similar_articles(real[], integer) to authenticated, service_role;

-- Imports articles (from Markdown files) in one transaction, keyed by slug: new slugs are
-- inserted, changed ones updated, unchanged ones left alone (content_hash compared).
-- p_articles: [{slug, title, summary, body, category, sub_category, tags, locale, published,
-- url, source_path}]. Returns [{slug, id, outcome: created | updated | unchanged}].
create function app_private.import_kb_articles(p_articles jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  v_item jsonb;
  v_new public.kb_articles;
  v_old public.kb_articles;
  v_out jsonb := '[]'::jsonb;
  v_outcome text;
begin
  if jsonb_typeof(p_articles) is distinct from 'array' then
    raise exception 'import_kb_articles expects a JSON array of articles' using errcode = '22023';
  end if;
  for v_item in select * from jsonb_array_elements(p_articles)
  loop
    v_new := null;
    v_new.slug := lower(btrim(v_item ->> 'slug'));
    v_new.title := v_item ->> 'title';
    v_new.summary := nullif(v_item ->> 'summary', '');
    v_new.body := v_item ->> 'body';
    v_new.category := v_item ->> 'category';
    v_new.sub_category := nullif(v_item ->> 'sub_category', '');
    v_new.tags := array(select distinct lower(btrim(t)) from jsonb_array_elements_text(coalesce(v_item -> 'tags', '[]')) t
                        where btrim(t) <> '' order by 1);
    v_new.locale := coalesce(nullif(v_item ->> 'locale', ''), 'en');
    v_new.published := coalesce((v_item ->> 'published')::boolean, true);
    v_new.url := coalesce(nullif(btrim(v_item ->> 'url'), ''),
      rtrim(coalesce(app_private.get_setting('kb_base_url'), 'https://help.example.com/articles'), '/') || '/' || v_new.slug);

    select * into v_old from public.kb_articles a where a.slug = v_new.slug for update;
    if not found then
      insert into public.kb_articles (slug, title, summary, body, category, sub_category, tags, locale, published, url,
                                      source_path, content_hash)
      values (v_new.slug, v_new.title, v_new.summary, v_new.body, v_new.category, v_new.sub_category, v_new.tags,
              v_new.locale, v_new.published, v_new.url, v_item ->> 'source_path', '')
      returning * into v_new;
      v_outcome := 'created';
    elsif app_private.kb_content_hash(v_new) = v_old.content_hash then
      v_new := v_old;
      v_outcome := 'unchanged';
    else
      update public.kb_articles a
      set title = v_new.title, summary = v_new.summary, body = v_new.body, category = v_new.category,
          sub_category = v_new.sub_category, tags = v_new.tags, locale = v_new.locale,
          published = v_new.published, url = v_new.url, source_path = v_item ->> 'source_path'
      where a.id = v_old.id
      returning * into v_new;
      v_outcome := 'updated';
    end if;
    v_out := v_out || jsonb_build_object('slug', v_new.slug, 'id', v_new.id, 'outcome', v_outcome);
  end loop;
  return v_out;
end;
$$;

-- Published articles whose embedding is missing, stale or from another model (at most p_limit),
-- with the text to embed.
create function app_private.kb_articles_to_embed(p_model text, p_limit integer default 50)
returns table (id uuid, content_hash varchar, input text)
language sql
stable
set search_path = ''
as $$
  select a.id, a.content_hash,
         a.title || E'\n\n' || coalesce(a.summary || E'\n\n', '') || a.body as input
  from public.kb_articles a
  where a.published
    and (a.embedding is null or a.embedded_hash is distinct from a.content_hash
         or a.embedding_model is distinct from p_model)
  order by a.updated_at, a.id
  limit greatest(coalesce(p_limit, 50), 0)
$$;

-- Stores embeddings [{id, content_hash, model, embedding}]; an article that changed since its
-- text was sent (another content_hash) keeps waiting for a fresh one. Returns rows stored.
create function app_private.store_kb_embeddings(p_items jsonb)
returns integer
language sql
set search_path = ''
as $$
  with stored as (
    update public.kb_articles a
    set embedding = array(select jsonb_array_elements_text(i -> 'embedding')::real),
        embedding_model = i ->> 'model',
        embedded_hash = a.content_hash,
        embedded_at = now()
    from jsonb_array_elements(p_items) i
    where a.id = (i ->> 'id')::uuid and a.content_hash = i ->> 'content_hash'
    returning 1
  )
  select count(*)::integer from stored
$$;

revoke all on all functions in schema app_private from public;
grant execute on all functions in schema app_private to service_role;
