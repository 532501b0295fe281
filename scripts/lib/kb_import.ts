/**
 * Imports knowledge-base articles into the database in one transaction
 * (app_private.import_kb_articles: new slugs inserted, changed ones updated, unchanged ones
 * left alone), then, with an embedder, embeds the articles whose embedding is missing or stale
 * — only what changed. An embedding failure leaves the text imported and searchable; the
 * respond stage (or the next import) embeds what is still stale.
 */
import type postgres from "postgres";
import type { Embedder } from "../../supabase/functions/_shared/ai/openai_embed.ts";
import type { KbFileArticle } from "./kb_files.ts";

/** What became of one article. */
export interface KbImportRow {
  slug: string;
  id: string;
  outcome: "created" | "updated" | "unchanged";
  path: string;
}

/** What an import did. */
export interface KbImportResult {
  rows: KbImportRow[];
  /** Articles embedded now (0 without an embedder). */
  embedded: number;
  /** Why embedding failed, if it did. */
  embedError?: string;
  /** Slugs in the database that are not among the files (left alone). */
  notInFiles: string[];
}

/** Inputs embedded per request. */
const EMBED_BATCH = 64;

/** Imports the articles, then embeds what is stale. */
export async function importKbArticles(
  sql: postgres.Sql,
  articles: KbFileArticle[],
  embedder: Embedder | null = null,
): Promise<KbImportResult> {
  const out = await sql.begin(async (tx) => {
    const [{ result }] = await tx<{ result: Omit<KbImportRow, "path">[] }[]>`
      select app_private.import_kb_articles(${tx.json(articles as never)}) as result`;
    return result;
  });
  const paths = new Map(articles.map((a) => [a.slug, a.source_path]));
  const rows = out.map((r) => ({ ...r, path: paths.get(r.slug) ?? "" }));
  const slugs = articles.map((a) => a.slug);
  const others = await sql<{ slug: string }[]>`
    select slug from public.kb_articles where not (slug = any(${slugs}::text[])) order by slug`;
  const result: KbImportResult = { rows, embedded: 0, notInFiles: others.map((o) => o.slug) };
  if (!embedder) return result;
  try {
    result.embedded = await embedStaleArticles(sql, embedder);
  } catch (error) {
    result.embedError = (error as Error).message;
  }
  return result;
}

/** Embeds every published article whose embedding is missing, stale or of another model. */
export async function embedStaleArticles(sql: postgres.Sql, embedder: Embedder): Promise<number> {
  let stored = 0;
  while (true) {
    const stale = await sql<{ id: string; content_hash: string; input: string }[]>`
      select id, content_hash, input
      from app_private.kb_articles_to_embed(${embedder.model}, ${EMBED_BATCH})`;
    if (stale.length === 0) return stored;
    const { vectors } = await embedder.embed(stale.map((s) => s.input));
    const items = stale.map((s, i) => ({
      id: s.id,
      content_hash: s.content_hash,
      model: embedder.model,
      embedding: vectors[i],
    }));
    const [{ n }] = await sql<{ n: number }[]>`
      select app_private.store_kb_embeddings(${sql.json(items as never)}) as n`;
    stored += n;
    if (n === 0) return stored;
  }
}
