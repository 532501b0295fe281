// npm run bench: throughput and latency of intake and of the whole pipeline on this machine.
// Prints one "name: value" line per figure.
import postgres from "postgres";
import { startStack } from "./lib/stack/stack.ts";

const CLIENTS = 50;
const INTAKE_SECONDS = Number(Deno.env.get("ISTS_BENCH_INTAKE_SECONDS") ?? 10);
const PIPELINE_TICKETS = Number(Deno.env.get("ISTS_BENCH_PIPELINE_TICKETS") ?? 2000);

const SUBJECTS = [
  "Cannot log in",
  "Refund request",
  "App crashes on export",
  "Invoice copy",
  "Feature idea",
];
const BODIES = [
  "I cannot log into my account since this morning, the password is not accepted.",
  "I was charged twice for my subscription this month and would like a refund.",
  "The app crashes every time I export a report to CSV. Steps: open reports, export.",
  "Could you send me a copy of my invoice for last month for our accounting team?",
  "It would be great to have a dark mode in the dashboard, my team works late.",
];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitDrained(sql: postgres.Sql, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ n }] =
      await sql`select count(*)::int as n from app_private.jobs where status in ('queued', 'running')`;
    if (n === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the pipeline did not drain");
}

function message(run: string, i: number) {
  return JSON.stringify({
    email: `bench.${run}.${i % 997}@example.com`,
    name: `Bench Customer ${i % 997}`,
    subject: SUBJECTS[i % SUBJECTS.length],
    body: `${BODIES[i % BODIES.length]} (ref ${run}-${i})`,
    channel: "api",
  });
}

const info = await startStack();
const url = `${info.functionsUrl}/functions/v1/intake`;
const sql = postgres(info.dbUrl, { max: 2, onnotice: () => {} });
await waitDrained(sql, 120_000);

// 1. Intake: 50 concurrent clients, unique tickets, for INTAKE_SECONDS.
{
  const run = crypto.randomUUID().slice(0, 8);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const stopAt = performance.now() + INTAKE_SECONDS * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < stopAt) {
      const i = next++;
      const t0 = performance.now();
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: message(run, i),
      });
      await res.body?.cancel();
      latencies.push(performance.now() - t0);
      if (res.status !== 201) errors++;
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`intake_clients: ${CLIENTS}`);
  console.log(`intake_requests: ${latencies.length}`);
  console.log(`intake_errors: ${errors}`);
  console.log(`intake_tickets_per_s: ${((latencies.length - errors) / seconds).toFixed(0)}`);
  console.log(`intake_p50_ms: ${percentile(latencies, 50).toFixed(1)}`);
  console.log(`intake_p99_ms: ${percentile(latencies, 99).toFixed(1)}`);
  await waitDrained(sql, 300_000);
}

// 2. Pipeline: PIPELINE_TICKETS tickets from intake to routed (triage → route → notify, local AI).
{
  const run = crypto.randomUUID().slice(0, 8);
  let next = 0;
  const started = performance.now();
  const startedAt = new Date();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    while (next < PIPELINE_TICKETS) {
      const i = next++;
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: message(run, i),
      });
      await res.body?.cancel();
    }
  }));
  await waitDrained(sql, 600_000);
  const seconds = (performance.now() - started) / 1000;
  const [stats] = await sql`
    select count(*)::int as n,
           count(*) filter (where status in ('assigned', 'queued', 'resolved'))::int as routed,
           percentile_cont(0.5) within group (order by extract(epoch from coalesce(routed_at, resolved_at) - created_at) * 1000) as p50,
           percentile_cont(0.99) within group (order by extract(epoch from coalesce(routed_at, resolved_at) - created_at) * 1000) as p99
    from public.tickets where created_at >= ${startedAt} and body like ${"%(ref " + run + "-%"}`;
  console.log(`pipeline_tickets: ${stats.n}`);
  console.log(`pipeline_routed: ${stats.routed}`);
  console.log(`pipeline_tickets_per_s: ${(stats.routed / seconds).toFixed(0)}`);
  console.log(`pipeline_p50_ms: ${Number(stats.p50).toFixed(0)}`);
  console.log(`pipeline_p99_ms: ${Number(stats.p99).toFixed(0)}`);
}
await sql.end();
Deno.exit(0);
