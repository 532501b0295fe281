// npm run bench: throughput and latency of intake and of the whole pipeline on this machine.
// Prints one "name: value" line per figure. ISTS_BENCH_* variables shorten the runs.
import postgres from "postgres";
import { MAX_PARSE_BYTES, parseEmail } from "../supabase/functions/_shared/mail/parse.ts";
import { benchAnswers, printAnswerBench } from "./lib/bench_answers.ts";
import { assignBenchReport, benchAssignment } from "./lib/bench_assign.ts";
import { benchDailyReport } from "./lib/bench_report.ts";
import { benchReview, printReviewBench } from "./lib/bench_review.ts";
import { benchSlaSweep } from "./lib/bench_sla.ts";
import { listMailFiles, loadSpamAssassin, mailDatasetsAvailable } from "./lib/mail_datasets.ts";
import { startStack, stopStack } from "./lib/stack/stack.ts";

const CLIENTS = 50;
const INTAKE_SECONDS = Number(Deno.env.get("ISTS_BENCH_INTAKE_SECONDS") ?? 10);
const PIPELINE_TICKETS = Number(Deno.env.get("ISTS_BENCH_PIPELINE_TICKETS") ?? 3000);
const STEADY_SECONDS = Number(Deno.env.get("ISTS_BENCH_STEADY_SECONDS") ?? 10);
const DEDUPE_ROUNDS = Number(Deno.env.get("ISTS_BENCH_DEDUPE_ROUNDS") ?? 20);
const PARSE_PASSES = Number(Deno.env.get("ISTS_BENCH_PARSE_PASSES") ?? 3);
const ASSIGN_TICKETS = Number(Deno.env.get("ISTS_BENCH_ASSIGN_TICKETS") ?? 10_000);
/** Set when a figure shows a broken guarantee: the run then exits 1. */
let failed = false;
/** The webhook secret the bench gives email-inbound (a local stack only). */
const WEBHOOK_SECRET = Deno.env.get("ISTS_EMAIL_WEBHOOK_SECRETS")?.split(",")[0]?.trim() ||
  "ists-bench-webhook-secret";

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
    const [{ n }] = await sql`select count(*)::int as n from app_private.jobs
        where status in ('queued', 'running') and stage <> 'send'`;
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

/** Peak resident memory of this process so far (Linux VmHWM), in MB; null elsewhere. */
function peakRssMb(): number | null {
  try {
    const kb = /^VmHWM:\s+(\d+)\s+kB/m.exec(Deno.readTextFileSync("/proc/self/status"))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

// 0a. Parsing a 35 MB mail (the largest inbound services post): it is cut at MAX_PARSE_BYTES.
// First, so that this process's peak memory is the parse's.
{
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3";
  const lines = Math.ceil((35 * 1024 * 1024) / (line.length + 2));
  const head = "From: big@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n" +
    'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n' +
    'See the dump.\r\n--b\r\nContent-Type: application/octet-stream; name="dump.bin"\r\n' +
    "Content-Transfer-Encoding: base64\r\n\r\n";
  const encoder = new TextEncoder();
  const body = encoder.encode(`${line}\r\n`);
  const raw = new Uint8Array(head.length + lines * body.length + 9);
  raw.set(encoder.encode(head), 0);
  for (let i = 0; i < lines; i++) raw.set(body, head.length + i * body.length);
  raw.set(encoder.encode("\r\n--b--\r\n"), raw.length - 9);
  const before = Deno.memoryUsage().rss / 1024 / 1024;
  const t0 = performance.now();
  const mail = await parseEmail(raw);
  const ms = performance.now() - t0;
  console.log(`email_parse_35mb_bytes_parsed: ${Math.min(raw.length, MAX_PARSE_BYTES)}`);
  console.log(`email_parse_35mb_ms: ${ms.toFixed(0)}`);
  console.log(`email_parse_35mb_rss_before_mb: ${before.toFixed(0)}`);
  console.log(`email_parse_35mb_rss_peak_mb: ${peakRssMb()?.toFixed(0) ?? "n/a"}`);
  if (!mail.truncated) throw new Error("the 35 MB mail was not marked truncated");
}

// 0a'. A 35 MB delivery (Postmark JSON, then raw MIME) through the email-inbound handler as it
// streams, each in a child process so that its peak memory is the handler's own.
for (const kind of ["json", "raw"]) {
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-prompt",
      new URL("./lib/bench_inbound_memory.ts", import.meta.url).pathname,
      kind,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!child.success) throw new Error(`bench_inbound_memory ${kind} failed`);
}

// 0b. Parsing throughput over the shared mail collections, one core (parseEmail is sequential).
if (mailDatasetsAvailable()) {
  const raws: Array<Uint8Array | string> = [
    ...await Promise.all(listMailFiles().map((f) => Deno.readFile(f.path))),
    ...loadSpamAssassin().map((m) => m.text),
  ];
  for (const raw of raws.slice(0, 50)) await parseEmail(raw); // warm-up
  const t0 = performance.now();
  for (let pass = 0; pass < PARSE_PASSES; pass++) {
    for (const raw of raws) await parseEmail(raw);
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`email_parse_messages: ${raws.length}`);
  console.log(`email_parse_per_s: ${((raws.length * PARSE_PASSES) / seconds).toFixed(0)}`);
} else {
  console.log("notice: ../shared/datasets is absent; email_parse_per_s is not measured");
}

// email-inbound needs a webhook secret; a server started without one is restarted with it.
Deno.env.set("ISTS_EMAIL_WEBHOOK_SECRETS", WEBHOOK_SECRET);
let info = await startStack();
const inbound = () => `${info.functionsUrl}/functions/v1/email-inbound`;
{
  const probe = await fetch(inbound(), {
    method: "POST",
    headers: { "x-ists-webhook-secret": WEBHOOK_SECRET, "content-type": "message/rfc822" },
  });
  await probe.body?.cancel();
  if (probe.status === 503 || probe.status === 401) {
    await stopStack();
    info = await startStack();
  }
}
const url = `${info.functionsUrl}/functions/v1/intake`;
const sql = postgres(info.dbUrl, { max: 2, onnotice: () => {} });
await waitDrained(sql, 120_000);
// The bench's 997 customers send ~30 tickets each: lift the per-sender intake limit for the
// run (the counter is still taken, so its cost is measured) and restore it at the end.
const [senderLimit] = await sql<{ value: string }[]>`
  select value from app_private.settings where key = 'intake_limit_per_sender'`;
await sql`update app_private.settings set value = '1000000' where key = 'intake_limit_per_sender'`;

// 0c. Deduplication under a race: 50 simultaneous POSTs of the same mail to email-inbound,
// DEDUPE_ROUNDS rounds with different mails; exactly one ticket per round.
{
  const run = crypto.randomUUID().slice(0, 8);
  const latencies: number[] = [];
  let exactlyOne = 0;
  let errors = 0;
  for (let round = 0; round < DEDUPE_ROUNDS; round++) {
    const subject = `Bench dedupe ${run}-${round}: invoice missing`;
    const raw = [
      `From: Dedupe Customer <dedupe.${run}.${round}@example.com>`,
      "To: support@example.com",
      `Subject: ${subject}`,
      `Message-ID: <dedupe-${run}-${round}@example.com>`,
      "Date: Thu, 03 Dec 2026 10:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `${BODIES[round % BODIES.length]} (ref ${run}-${round})`,
      "",
    ].join("\r\n");
    const statuses = await Promise.all(Array.from({ length: CLIENTS }, async () => {
      const t0 = performance.now();
      const res = await fetch(inbound(), {
        method: "POST",
        headers: { "x-ists-webhook-secret": WEBHOOK_SECRET, "content-type": "message/rfc822" },
        body: raw,
      });
      await res.body?.cancel();
      latencies.push(performance.now() - t0);
      return res.status;
    }));
    errors += statuses.filter((s) => s !== 200 && s !== 201).length;
    const created = statuses.filter((s) => s === 201).length;
    const [{ n }] = await sql`select count(*)::int as n from public.tickets
      where subject = ${subject}`;
    if (created === 1 && n === 1) exactlyOne++;
  }
  latencies.sort((a, b) => a - b);
  console.log(`dedupe_rounds: ${DEDUPE_ROUNDS}`);
  console.log(`dedupe_requests_per_round: ${CLIENTS}`);
  console.log(`dedupe_rounds_with_one_ticket: ${exactlyOne}`);
  console.log(`dedupe_errors: ${errors}`);
  console.log(`dedupe_p50_ms: ${percentile(latencies, 50).toFixed(1)}`);
  console.log(`dedupe_p99_ms: ${percentile(latencies, 99).toFixed(1)}`);
  await waitDrained(sql, 120_000);
}

/** 50 clients posting unique tickets for `seconds`; returns requests, errors, rate, latencies. */
async function intakeLoad(seconds: number) {
  const run = crypto.randomUUID().slice(0, 8);
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const stopAt = performance.now() + seconds * 1000;
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
  latencies.sort((a, b) => a - b);
  const rate = (latencies.length - errors) / ((performance.now() - started) / 1000);
  return { requests: latencies.length, errors, rate, latencies };
}

// 1. Intake alone: the pipeline is paused (no webhooks) while 50 clients post, then drained.
{
  await sql`update app_private.settings set value = '' where key = 'functions_base_url'`;
  let result;
  try {
    result = await intakeLoad(INTAKE_SECONDS);
  } finally {
    await sql`update app_private.settings set value = ${info.functionsUrl} where key = 'functions_base_url'`;
  }
  await sql`select app_private.rering_due_jobs()`;
  console.log(`intake_clients: ${CLIENTS}`);
  console.log(`intake_requests: ${result.requests}`);
  console.log(`intake_errors: ${result.errors}`);
  console.log(`intake_tickets_per_s: ${result.rate.toFixed(0)}`);
  console.log(`intake_p50_ms: ${percentile(result.latencies, 50).toFixed(1)}`);
  console.log(`intake_p99_ms: ${percentile(result.latencies, 99).toFixed(1)}`);
  const drainStart = performance.now();
  await waitDrained(sql, 600_000);
  console.log(
    `backlog_drain_tickets_per_s: ${
      (result.requests / ((performance.now() - drainStart) / 1000)).toFixed(0)
    }`,
  );
}

// 2. Intake while the pipeline runs on the same two cores.
{
  const result = await intakeLoad(INTAKE_SECONDS);
  console.log(`intake_with_pipeline_tickets_per_s: ${result.rate.toFixed(0)}`);
  console.log(`intake_with_pipeline_p99_ms: ${percentile(result.latencies, 99).toFixed(1)}`);
  await waitDrained(sql, 600_000);
}

/** Routing latency and rate of the tickets of one run (by the reference in their body). */
async function routedStats(run: string, since: Date) {
  const [stats] = await sql`
    select count(*)::int as n,
           count(*) filter (where status in ('assigned', 'queued', 'resolved'))::int as routed,
           percentile_cont(0.5) within group (order by extract(epoch from coalesce(routed_at, resolved_at) - created_at) * 1000) as p50,
           percentile_cont(0.99) within group (order by extract(epoch from coalesce(routed_at, resolved_at) - created_at) * 1000) as p99
    from public.tickets where created_at >= ${since} and body like ${"%(ref " + run + "-%"}`;
  return stats;
}

// 3. Pipeline throughput: a burst of PIPELINE_TICKETS, intake to routed (local AI).
{
  const run = crypto.randomUUID().slice(0, 8);
  let next = 0;
  const started = performance.now();
  const startedAt = new Date(Date.now() - 1000);
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
  const stats = await routedStats(run, startedAt);
  console.log(`pipeline_tickets: ${stats.n}`);
  console.log(`pipeline_routed: ${stats.routed}`);
  console.log(`pipeline_tickets_per_s: ${(stats.routed / seconds).toFixed(0)}`);
  console.log(`pipeline_burst_p50_ms: ${Number(stats.p50).toFixed(0)}`);
}

// 4. Pipeline latency at a steady 100 tickets/s (below capacity): intake to routed.
{
  const run = crypto.randomUUID().slice(0, 8);
  const startedAt = new Date(Date.now() - 1000);
  const total = 100 * STEADY_SECONDS;
  const sends: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + i * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: message(run, i),
      }).then((res) => res.body?.cancel()),
    );
  }
  await Promise.all(sends);
  await waitDrained(sql, 600_000);
  const stats = await routedStats(run, startedAt);
  console.log(`pipeline_p50_ms: ${Number(stats.p50).toFixed(0)}`);
  console.log(`pipeline_p99_ms: ${Number(stats.p99).toFixed(0)}`);
}
// 5. Assignment under concurrency: 2 workers route the same ASSIGN_TICKETS analysed tickets
//    to a team of 50 agents with room to spare, while the queue hand-out and Slack's Reassign
//    run; no agent may exceed capacity and no ticket may be assigned twice (else FAIL).
{
  const r = await benchAssignment(info.dbUrl, { tickets: ASSIGN_TICKETS, workers: 2, agents: 50 });
  const { lines, failures } = assignBenchReport(r);
  for (const line of lines) console.log(line);
  if (failures.length > 0) {
    console.log(`FAIL: assignment: ${failures.join("; ")}`);
    failed = true;
  }
}
// 6. SLA sweep: one sweep over 100,000 open tickets at elapsed fractions 0-125 % (a backlog:
//    every due alert fires at once, batch by batch), then the next sweep, which finds nothing new.
{
  const r = await benchSlaSweep(info.dbUrl, { tickets: 100_000 });
  console.log(`sla_sweep_ms_100k: ${r.sweepMs.toFixed(0)}`);
  console.log(
    `sla_sweep_fired: info ${r.fired.info}, warning ${r.fired.warning}, breach ${r.fired.breach}` +
      ` (${r.batches} batches, ${r.deferred} deferred)`,
  );
  console.log(`sla_sweep_longest_batch_ms_100k: ${r.longestBatchMs}`);
  console.log(`sla_sweep_idle_ms_100k: ${r.idleSweepMs.toFixed(0)}`);
}
// 7. Answers: knowledge-base search over the bundled articles, the hybrid search over 1,000
//    embedded articles (no pgvector), local answers per second.
printAnswerBench(await benchAnswers(info.dbUrl));
// 8. The daily report: one compute_daily_report() of a day with 50,000 tickets (SLA clocks,
//    analyses, corrections and AI answers included).
{
  const r = await benchDailyReport(info.dbUrl, { tickets: 50_000 });
  console.log(`report_ms: ${r.reportMs.toFixed(0)}`);
}
// 9. Reviewing drafts in Slack: the edit distance (a typical edit; a 3,000-character draft
//    rewritten completely, the most Slack's editor holds) and the latency of an edit decision.
printReviewBench(await benchReview(info.dbUrl));
if (senderLimit) {
  await sql`update app_private.settings set value = ${senderLimit.value}
            where key = 'intake_limit_per_sender'`;
}
await sql.end();
Deno.exit(failed ? 1 : 0);
