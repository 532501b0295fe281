// npm run kb -- import DIR | search "words": manages the knowledge base the answers are drafted
// from. `import` reads every Markdown file below DIR (front matter for the metadata, see
// scripts/lib/kb_files.ts) and imports them in one transaction: new articles inserted, changed
// ones updated, unchanged ones left alone; with OPENAI_API_KEY it then embeds only what changed.
// A bad file is reported by name and nothing is imported. `search` shows what the respond stage
// would find for some words. The database is the local stack's, or --db-url / SUPABASE_DB_URL.
import postgres from "postgres";
import { resolve } from "node:path";
import { createOpenAiEmbedder } from "../supabase/functions/_shared/ai/openai_embed.ts";
import { loadEnv } from "../supabase/functions/_shared/env.ts";
import { readKbDir } from "./lib/kb_files.ts";
import { importKbArticles } from "./lib/kb_import.ts";
import { DB_URL } from "./lib/paths.ts";
import { userConfig } from "./lib/stack/stack.ts";

const USAGE =
  'usage: npm run kb -- import DIR [--no-embed] [--db-url URL] | search "words" [--db-url URL]';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}

async function main(argv: string[]): Promise<number> {
  const args = [...argv];
  let dbUrl: string;
  try {
    dbUrl = option(args, "--db-url") ?? Deno.env.get("SUPABASE_DB_URL") ?? DB_URL;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const noEmbed = args.includes("--no-embed");
  const rest = args.filter((a) => a !== "--no-embed");
  const [command, target] = rest;
  if (!command || !target || rest.length > 2 || !["import", "search"].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
  try {
    return command === "import"
      ? await importCommand(sql, resolve(Deno.cwd(), target), noEmbed)
      : await searchCommand(sql, target);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

async function importCommand(sql: postgres.Sql, dir: string, noEmbed: boolean): Promise<number> {
  let found;
  try {
    found = await readKbDir(dir);
  } catch (error) {
    console.error(`Cannot read ${dir}: ${(error as Error).message}`);
    return 2;
  }
  const { articles, bad } = found;
  console.log(`Knowledge base: ${articles.length + bad.length} Markdown files in ${dir}`);
  if (bad.length) {
    for (const b of bad) {
      for (const problem of b.problems) console.log(`  ✗ ${b.path}: ${problem}`);
    }
    console.log(
      `Nothing was imported: fix the ${bad.length} file${bad.length === 1 ? "" : "s"} above ` +
        "and run the import again.",
    );
    return 1;
  }
  if (articles.length === 0) {
    console.log("No articles to import.");
    return 0;
  }
  const env = loadEnv({ SUPABASE_DB_URL: DB_URL, ...(await userConfig()) });
  const embedder = env.OPENAI_API_KEY && !noEmbed
    ? createOpenAiEmbedder({
      apiKey: env.OPENAI_API_KEY,
      baseURL: env.OPENAI_BASE_URL,
      model: env.ISTS_OPENAI_EMBEDDING_MODEL,
      timeoutMs: env.ISTS_OPENAI_TIMEOUT_MS,
    })
    : null;
  const result = await importKbArticles(sql, articles, embedder);
  for (const row of result.rows) {
    console.log(`  ${row.outcome.padEnd(10)} ${row.slug.padEnd(44)} ${row.path}`);
  }
  const count = (o: string) => result.rows.filter((r) => r.outcome === o).length;
  console.log(
    `Imported: ${count("created")} created, ${count("updated")} updated, ` +
      `${count("unchanged")} unchanged.`,
  );
  if (result.notInFiles.length) {
    console.log(
      `  ${result.notInFiles.length} article(s) in the database are not in these files and ` +
        `were left alone: ${result.notInFiles.join(", ")}`,
    );
  }
  if (embedder) {
    console.log(
      result.embedError
        ? `Embeddings: failed (${result.embedError}); articles are searched by text until the ` +
          "respond stage or the next import embeds them."
        : `Embeddings: ${result.embedded} article(s) embedded with ${embedder.model} ` +
          "(only new or changed ones).",
    );
  } else {
    console.log("Embeddings: none (OpenAI not configured); articles are searched by full text.");
  }
  return 0;
}

async function searchCommand(sql: postgres.Sql, words: string): Promise<number> {
  const rows = await sql<{ slug: string; title: string; text_rank: number; score: number }[]>`
    select slug, title, text_rank, score from public.search_kb_articles(${words}, 5)`;
  if (rows.length === 0) console.log("No article matches.");
  for (const r of rows) {
    console.log(
      `  ${Number(r.score).toFixed(4)}  rank ${Number(r.text_rank).toFixed(3)}  ${
        r.slug.padEnd(44)
      } ${r.title}`,
    );
  }
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`✗ ${(error as Error).message}`);
    Deno.exit(1);
  }
}
