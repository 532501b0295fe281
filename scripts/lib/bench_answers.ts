// The answer benchmark of npm run bench (also alone: deno run -A scripts/lib/bench_answers.ts
// against the running local stack): knowledge-base search latency over the bundled articles,
// the hybrid search over 1,000 embedded articles (real[] cosine in SQL: the no-pgvector path),
// and local answers per second (search, template, gates, decision). The 1,000 articles are
// added in a transaction that is rolled back.
import postgres from "postgres";
import { join } from "node:path";
import { createLocalWriter } from "../../supabase/functions/_shared/answers/local_draft.ts";
import { searchQuery } from "../../supabase/functions/_shared/answers/query.ts";
import type { AnswerTicket } from "../../supabase/functions/_shared/answers/types.ts";
import { triageLocal } from "../../supabase/functions/_shared/ai/local_provider.ts";
import type { Sql } from "../../supabase/functions/_shared/db.ts";
import { answerTicket } from "../../supabase/functions/respond/handler.ts";
import { createSqlRespondStore } from "../../supabase/functions/respond/store.ts";
import { parseMessages } from "./messages.ts";
import { DB_URL, ROOT } from "./paths.ts";

/** What the benchmark measured. */
export interface AnswerBenchResult {
  searchP50Ms: number;
  searchP99Ms: number;
  hybridP50Ms: number;
  hybridP99Ms: number;
  hybridArticles: number;
  draftsPerS: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function unitVector(dimensions: number): number[] {
  const v = Array.from({ length: dimensions }, () => Math.random() - 0.5);
  const norm = Math.hypot(...v);
  return v.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

async function sampleTickets(): Promise<AnswerTicket[]> {
  const { messages } = parseMessages(
    await Deno.readTextFile(join(ROOT, "samples", "messages.jsonl")),
  );
  return messages.map(({ line, message: m }) => {
    const t = triageLocal({
      subject: m.subject ?? "",
      body: m.body,
      channel: m.channel ?? "web",
      customerTier: "standard",
      history: [],
    });
    return {
      ticketId: `bench-${line}`,
      ticketNumber: line,
      channel: m.channel ?? "web",
      subject: m.subject ?? "",
      body: m.body,
      subjectEn: null,
      bodyEn: null,
      language: t.language,
      category: t.category,
      subCategory: t.subCategory,
      emotion: t.sentiment.emotion,
      intensity: t.sentiment.intensity,
      priority: t.priority.priority,
      triageConfidence: t.confidence,
      customerName: m.name ?? null,
      customerEmail: m.email,
      tier: "standard",
      history: [],
      orgName: "Example Support",
    };
  });
}

/** Runs the benchmark against the database at dbUrl. */
export async function benchAnswers(dbUrl: string): Promise<AnswerBenchResult> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const tickets = await sampleTickets();
    const queries = tickets.map((t) => searchQuery(t.subject, t.body));
    for (const q of queries) await sql`select id from public.search_kb_articles(${q}, 3)`;
    const latencies: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const t of tickets) {
        const t0 = performance.now();
        await sql`select id from public.search_kb_articles(${searchQuery(t.subject, t.body)}, 3,
          ${t.category}, ${t.subCategory}, ${t.language})`;
        latencies.push(performance.now() - t0);
      }
    }
    latencies.sort((a, b) => a - b);

    const store = createSqlRespondStore(sql as unknown as Sql);
    const writer = createLocalWriter();
    const settings = { minConfidence: 0.9, kbArticles: 3 };
    let drafts = 0;
    const d0 = performance.now();
    for (let round = 0; round < 3; round++) {
      for (const ticket of tickets) {
        await answerTicket({ store, writer }, { ticket, blockers: [] }, settings, null);
        drafts++;
      }
    }
    const draftsPerS = drafts / ((performance.now() - d0) / 1000);

    const hybrid: number[] = [];
    const articles = 1000;
    await sql.begin(async (tx) => {
      const run = crypto.randomUUID().slice(0, 8);
      for (let i = 0; i < articles; i += 100) {
        const rows = Array.from({ length: 100 }, (_, k) => ({
          slug: `bench-${run}-${i + k}`,
          title: `Bench article ${i + k} about ${
            queries[(i + k) % queries.length].split(" or ")[0]
          }`,
          body: `${queries[(i + k) % queries.length].replaceAll(" or ", " ")} steps and notes.`,
          category: "general",
          content_hash: "",
          embedding: `{${unitVector(1536).join(",")}}`,
        }));
        await tx`insert into public.kb_articles ${
          tx(rows, "slug", "title", "body", "category", "content_hash", "embedding")
        }`;
      }
      await tx`update public.kb_articles set embedded_hash = content_hash, embedding_model = 'bench'
               where slug like ${`bench-${run}-%`}`;
      for (let i = 0; i < 50; i++) {
        const embedding = `{${unitVector(1536).join(",")}}`;
        const t0 = performance.now();
        await tx`select id from public.search_kb_articles(${queries[i % queries.length]}, 3,
          null, null, 'en', ${embedding}::real[])`;
        hybrid.push(performance.now() - t0);
      }
      throw new RollbackBench();
    }).catch((error) => {
      if (!(error instanceof RollbackBench)) throw error;
    });
    hybrid.sort((a, b) => a - b);
    return {
      searchP50Ms: percentile(latencies, 50),
      searchP99Ms: percentile(latencies, 99),
      hybridP50Ms: percentile(hybrid, 50),
      hybridP99Ms: percentile(hybrid, 99),
      hybridArticles: articles,
      draftsPerS,
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

class RollbackBench extends Error {}

/** Prints the figures as `name: value` lines. */
export function printAnswerBench(r: AnswerBenchResult): void {
  console.log(`kb_search_p50_ms: ${r.searchP50Ms.toFixed(1)}`);
  console.log(`kb_search_p99_ms: ${r.searchP99Ms.toFixed(1)}`);
  console.log(`kb_hybrid_search_p50_ms_1000: ${r.hybridP50Ms.toFixed(1)}`);
  console.log(`kb_hybrid_search_p99_ms_1000: ${r.hybridP99Ms.toFixed(1)}`);
  console.log(`respond_local_answers_per_s: ${r.draftsPerS.toFixed(0)}`);
}

if (import.meta.main) printAnswerBench(await benchAnswers(DB_URL));
