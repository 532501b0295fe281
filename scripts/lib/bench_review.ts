// The draft review benchmark of npm run bench (also alone: deno run -A
// scripts/lib/bench_review.ts against the running local stack): the edit distance of a
// typical edit and of the worst case Slack's editor allows (a 3,000-character draft rewritten
// completely), and the latency of a decision made from Slack (app_private.slack_console
// 'edit_draft': locks, stale checks, the edit distance, the event, the message update). The
// drafts are written in a transaction that is rolled back.
import postgres from "postgres";
import { DB_URL } from "./paths.ts";

/** What the benchmark measured. */
export interface ReviewBenchResult {
  typicalEditMs: number;
  worstEditMs: number;
  worstEditDistance: number;
  decisions: number;
  decisionP50Ms: number;
  decisionP99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function words(n: number, seed: number): string {
  const vocabulary = [
    "account",
    "invoice",
    "password",
    "reset",
    "please",
    "settings",
    "export",
    "team",
    "billing",
    "thanks",
    "page",
    "open",
    "click",
    "again",
  ];
  let out = "";
  for (let i = 0; out.length < n; i++) out += `${vocabulary[(i * 7 + seed) % vocabulary.length]} `;
  return out.slice(0, n);
}

/** Runs the benchmark against a database with the migrations applied. */
export async function benchReview(
  dbUrl: string,
  options: { decisions?: number } = {},
): Promise<ReviewBenchResult> {
  const decisions = options.decisions ?? 200;
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    const timed = async (a: string, b: string) => {
      const start = performance.now();
      const [row] = await sql<{ d: number }[]>`select app_private.edit_distance(${a}, ${b}) as d`;
      return { ms: performance.now() - start, distance: row.d };
    };
    const draft = words(1000, 1);
    const typical = [];
    for (let i = 0; i < 5; i++) {
      typical.push((await timed(draft, draft.replace("thanks", "thank you so much, and"))).ms);
    }
    const worst = [];
    let worstDistance = 0;
    for (let i = 0; i < 3; i++) {
      const r = await timed(words(3000, 2), words(3000, 5));
      worst.push(r.ms);
      worstDistance = r.distance;
    }

    const latencies: number[] = [];
    await sql.begin(async (tx) => {
      const [team] = await tx`insert into public.teams (name, slack_channel_id)
        values (${"Bench Review " + crypto.randomUUID().slice(0, 8)}, 'C0BENCHREV') returning id`;
      const [agent] =
        await tx`insert into public.agents (email, name, team_id, skill_level, slack_user_id)
        values (${`bench.review.${crypto.randomUUID().slice(0, 8)}@example.com`}, 'Bench Reviewer',
                ${team.id}, 'senior', 'U0BENCHREV') returning id`;
      const [customer] = await tx`insert into public.customers (email, name)
        values (${`bench.review.${crypto.randomUUID().slice(0, 8)}@example.com`}, 'Bench Customer')
        returning id, email`;
      const drafts = await tx<{ id: string }[]>`
        with t as (
          insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body,
                                      status, team_id, assigned_to, assigned_at)
          select encode(sha256(convert_to(gen_random_uuid()::text, 'UTF8')), 'hex'), 'email',
                 ${customer.id}, ${customer.email}, 'Bench', 'Bench ticket', 'assigned', ${team.id},
                 ${agent.id}, now()
          from generate_series(1, ${decisions})
          returning id)
        insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft)
        select t.id, 'outbound', 'email', ${draft}, 'ai', true, true from t
        returning id`;
      const edited = draft.replace("password reset", "password reset (from Settings › Security)");
      for (const d of drafts) {
        const start = performance.now();
        await tx`select app_private.slack_console('U0BENCHREV', 'edit_draft',
          ${tx.json({ response_id: d.id, text: edited } as never)})`;
        latencies.push(performance.now() - start);
      }
      throw new Rollback();
    }).catch((error) => {
      if (!(error instanceof Rollback)) throw error;
    });
    latencies.sort((a, b) => a - b);
    typical.sort((a, b) => a - b);
    worst.sort((a, b) => a - b);
    return {
      typicalEditMs: percentile(typical, 50),
      worstEditMs: percentile(worst, 50),
      worstEditDistance: worstDistance,
      decisions: latencies.length,
      decisionP50Ms: percentile(latencies, 50),
      decisionP99Ms: percentile(latencies, 99),
    };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

class Rollback extends Error {}

/** Prints the figures as "name: value" lines. */
export function printReviewBench(r: ReviewBenchResult): void {
  console.log(`review_edit_distance_ms_typical: ${r.typicalEditMs.toFixed(1)}`);
  console.log(`review_edit_distance_ms_3000: ${r.worstEditMs.toFixed(0)}`);
  console.log(`review_edit_distance_3000: ${r.worstEditDistance}`);
  console.log(`review_decisions: ${r.decisions}`);
  console.log(`review_decision_p50_ms: ${r.decisionP50Ms.toFixed(1)}`);
  console.log(`review_decision_p99_ms: ${r.decisionP99Ms.toFixed(1)}`);
}

if (import.meta.main) {
  printReviewBench(await benchReview(Deno.env.get("ISTS_BENCH_DB_URL") ?? DB_URL));
}
