// npm start: sets up the local stack, ingests the bundled sample messages (or --input FILE)
// through the HTTP intake, waits for the pipeline, prints every ticket and a summary, then
// keeps serving (or exits with --once).
import postgres from "postgres";
import { join } from "node:path";
import { mapLimit, type NumberedMessage, parseMessages } from "./lib/messages.ts";
import { describeEmail, postSampleEmails } from "./lib/sample_emails.ts";
import { ROOT } from "./lib/paths.ts";
import { type TicketOutcome, waitForPipeline } from "./lib/pipeline_report.ts";
import { startStack, stopStack, userConfig } from "./lib/stack/stack.ts";
import { listOf } from "../supabase/functions/_shared/env.ts";
import { signBody } from "../supabase/functions/intake/auth.ts";

interface Options {
  once: boolean;
  input: string;
  emails: string;
}

/** Webhook secret of the local e-mail demo when the user configured none (loopback only). */
const LOCAL_MAIL_SECRET = "local-demo-mail-secret";
/** Dashboard token of the local stack when the user configured none (loopback only). */
const LOCAL_DASHBOARD_TOKEN = "local-dashboard-token";

function parseArgs(args: string[]): Options {
  const options: Options = {
    once: false,
    input: join(ROOT, "samples", "messages.jsonl"),
    emails: join(ROOT, "samples", "emails"),
  };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--once") options.once = true;
    else if (args[i] === "--input") options.input = args[++i] ?? "";
    else if (args[i].startsWith("--input=")) options.input = args[i].slice(8);
    else if (args[i] === "--emails") options.emails = args[++i] ?? "";
    else if (args[i].startsWith("--emails=")) options.emails = args[i].slice(9);
    else {
      console.error(
        `Unknown option "${args[i]}": use --once, --input FILE.jsonl and --emails DIR`,
      );
      Deno.exit(2);
    }
  }
  if (!options.input) {
    console.error("Option --input needs a file: --input FILE.jsonl");
    Deno.exit(2);
  }
  return options;
}

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const line = `  ${label.padEnd(10)} ${bar} ${done}/${total}`;
  if (Deno.stdout.isTerminal()) Deno.stdout.writeSync(new TextEncoder().encode(`\r${line}`));
  else if (done === total) console.log(line);
}

function endProgress(): void {
  if (Deno.stdout.isTerminal()) console.log();
}

function formatTime(date: Date | null, timeZone: string): string {
  if (!date) return "-";
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "2-digit",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
}

function describe(t: TicketOutcome, timeZone: string): string {
  const cls = `${t.category ?? "?"} › ${t.sub_category ?? "?"}`;
  const sentiment = `${t.sentiment_emotion ?? "?"} ${t.sentiment_intensity ?? "?"}/10`;
  let outcome: string;
  if (t.dead) outcome = "✗ dead-lettered (see pipeline_dead_letters)";
  else if (t.is_auto_resolved) outcome = "✓ auto-resolved";
  else if (t.status === "queued") outcome = `${t.team} → (queued, no agent free)`;
  else outcome = `${t.team} → ${t.agent ?? "?"}`;
  const flags = t.is_escalated ? `  ⚑ ${t.escalation_reasons.join(",")}` : "";
  const sla = t.is_auto_resolved || t.dead
    ? ""
    : `  SLA 1st reply by ${formatTime(t.first_response_deadline, timeZone)}`;
  return `  #T-${String(t.ticket_number).padEnd(5)} ${cls.padEnd(34)} ${t.priority.padEnd(7)} ${
    sentiment.padEnd(16)
  } ${outcome}${flags}${sla}`;
}

async function main() {
  const options = parseArgs(Deno.args);
  let text: string;
  try {
    text = await Deno.readTextFile(options.input);
  } catch (error) {
    console.error(`Cannot read ${options.input}: ${(error as Error).message}`);
    Deno.exit(2);
  }
  const { messages, problems } = parseMessages(text);

  console.log("ISTS — Intelligent Support Triage System\n");
  // The sample e-mails need the email-inbound secret; locally a fixed one is fine.
  const mailSecret = listOf((await userConfig()).ISTS_EMAIL_WEBHOOK_SECRETS)[0] ??
    LOCAL_MAIL_SECRET;
  if (mailSecret === LOCAL_MAIL_SECRET) Deno.env.set("ISTS_EMAIL_WEBHOOK_SECRETS", mailSecret);
  const dashboardToken = listOf((await userConfig()).ISTS_DASHBOARD_TOKENS)[0] ??
    LOCAL_DASHBOARD_TOKEN;
  if (dashboardToken === LOCAL_DASHBOARD_TOKEN) {
    Deno.env.set("ISTS_DASHBOARD_TOKENS", dashboardToken);
  }
  const info = await startStack();
  const sql = postgres(info.dbUrl, { max: 4, onnotice: () => {} });
  const [{ time_zone: timeZone }] = await sql<{ time_zone: string }[]>`
    select coalesce(nullif(app_private.get_setting('time_zone'), ''), 'UTC') as time_zone`;

  const config = await userConfig();
  console.log(
    `\nAI: ${
      config.OPENAI_API_KEY
        ? `OpenAI (${config.ISTS_OPENAI_MODE ?? "parallel"} mode, ${
          config.OPENAI_BASE_URL ?? "api.openai.com"
        }), local model as fallback`
        : "built-in local model (set OPENAI_API_KEY to use OpenAI)"
    }`,
  );
  console.log(`\nIngesting ${messages.length} messages from ${options.input}`);
  for (const p of problems) console.log(`  skipped ${p}`);
  let sent = 0;
  // Intake may require an API key (ISTS_INTAKE_API_KEYS) or a signature
  // (ISTS_INTAKE_HMAC_SECRETS): use the first configured key, else sign with the first secret.
  const apiKey = listOf(config.ISTS_INTAKE_API_KEYS)[0];
  const hmacSecret = listOf(config.ISTS_INTAKE_HMAC_SECRETS)[0];
  const results = await mapLimit(messages, 8, async ({ line, message }: NumberedMessage) => {
    const { expect: _expect, ...body } = message;
    const text = JSON.stringify({ ...body, channel: body.channel ?? "api" });
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (apiKey) headers["x-api-key"] = apiKey;
    else if (hmacSecret) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers["x-ists-timestamp"] = timestamp;
      headers["x-ists-signature"] = `v1=${signBody(hmacSecret, timestamp, text)}`;
    }
    const res = await fetch(`${info.functionsUrl}/functions/v1/intake`, {
      method: "POST",
      headers,
      body: text,
    });
    const payload = await res.json().catch(() => ({}));
    progress("intake", ++sent, messages.length);
    if (!res.ok) {
      return {
        line,
        error: `${res.status} ${payload.error ?? ""}`,
        ticketId: "",
        duplicate: false,
      };
    }
    return {
      line,
      error: undefined,
      ticketId: String(payload.ticket_id),
      duplicate: Boolean(payload.duplicate),
    };
  });
  endProgress();
  const rejected = results.filter((r) => r.error !== undefined);
  for (const r of rejected) console.log(`  line ${r.line}: rejected (${r.error})`);
  const accepted = results.filter((r) => r.error === undefined);
  const created = [...new Set(accepted.filter((r) => !r.duplicate).map((r) => r.ticketId))];
  const duplicates = accepted.filter((r) => r.duplicate).length;
  // Duplicates are shown too: they are the tickets an earlier message (or run) created.
  const shown = [...new Set(accepted.map((r) => r.ticketId))];

  const emails = await postSampleEmails(options.emails, info.functionsUrl, mailSecret);
  if (emails.length > 0) {
    console.log(`\nE-mail: ${emails.length} files from ${options.emails} → email-inbound`);
    for (const e of emails) console.log(describeEmail(e));
    for (const e of emails) if (e.ticketId && !shown.includes(e.ticketId)) shown.push(e.ticketId);
  }

  console.log("\nWaiting for the pipeline (triage → route → notify, respond)");
  const started = Date.now();
  const outcomes = await waitForPipeline(sql, shown, {
    timeoutMs: 180_000,
    onProgress: (done, total) => progress("pipeline", done, total),
  });
  endProgress();
  const seconds = (Date.now() - started) / 1000;

  console.log("\nTickets");
  for (const t of outcomes) console.log(describe(t, timeZone));

  const count = (f: (t: TicketOutcome) => boolean) => outcomes.filter(f).length;
  const byCategory = new Map<string, number>();
  for (const t of outcomes) {
    byCategory.set(t.category ?? "?", (byCategory.get(t.category ?? "?") ?? 0) + 1);
  }
  const expected = new Map<string, NumberedMessage["message"]["expect"]>();
  results.forEach((r, i) => {
    if (r.error === undefined && !expected.has(r.ticketId)) {
      expected.set(r.ticketId, messages[i].message.expect);
    }
  });
  const labelled = outcomes.filter((t) => expected.get(t.id)?.category);
  const correct = labelled.filter((t) => expected.get(t.id)?.category === t.category).length;
  const subCorrect =
    labelled.filter((t) => expected.get(t.id)?.sub_category === t.sub_category).length;

  console.log("\nSummary");
  console.log(
    `  messages:       ${accepted.length} accepted, ${problems.length} skipped (bad lines), ${rejected.length} rejected`,
  );
  // E-mails count like the API messages: a new ticket, a duplicate of an earlier one, or a
  // dead letter (kept with its reason, no ticket).
  const emailNew = emails.filter((e) => e.outcome === "created" && e.ticketId).length;
  const emailDuplicates = emails.filter((e) => e.outcome === "duplicate").length;
  const emailDeadLetters = emails.filter((e) => e.outcome === "dead_letter").length;
  console.log(
    `  tickets:        ${shown.length} (${created.length + emailNew} new; ${
      duplicates + emailDuplicates
    } messages were duplicates of earlier ones)`,
  );
  console.log(`  auto-resolved:  ${count((t) => t.is_auto_resolved)}`);
  console.log(`  assigned:       ${count((t) => t.status === "assigned")}`);
  console.log(
    `  queued:         ${count((t) => t.status === "queued")} (waiting for a free agent)`,
  );
  console.log(`  escalated:      ${count((t) => t.is_escalated)}`);
  const [answers] = await sql<{ drafted: number; auto_sent: number }[]>`
    select count(*)::int as drafted,
           count(*) filter (where review_status = 'auto_sent')::int as auto_sent
    from public.responses where ticket_id = any(${shown}::uuid[]) and quality_gates is not null`;
  console.log(
    `  AI answers:     ${answers.drafted} drafted from the knowledge base: ${answers.auto_sent} ` +
      `auto-sent (queued for sending), ${answers.drafted - answers.auto_sent} waiting for review`,
  );
  console.log(`  categories:     ${[...byCategory].map(([k, v]) => `${k} ${v}`).join(", ")}`);
  console.log(
    `  dead letters:   ${count((t) => t.dead)} pipeline jobs, ${emailDeadLetters} messages ` +
      "(see the dead_letters view)",
  );
  console.log(
    `  not finished:   ${
      count((t) =>
        !t.dead && !["assigned", "queued", "resolved", "closed", "in_progress"].includes(t.status)
      )
    }`,
  );
  if (labelled.length > 0) {
    const pct = (n: number) => `${Math.round((n / labelled.length) * 100)}%`;
    console.log(
      `  accuracy:       category ${pct(correct)}, sub-category ${
        pct(subCorrect)
      } (vs. "expect" in the file)`,
    );
  }
  console.log(`  pipeline time:  ${seconds.toFixed(1)} s`);

  console.log("\nServing");
  console.log(`  intake:     POST ${info.functionsUrl}/functions/v1/intake`);
  console.log(
    `  dashboard:  ${info.functionsUrl}/functions/v1/dashboard#token=${
      encodeURIComponent(dashboardToken)
    }`,
  );
  console.log(
    `  e-mail:     POST ${info.functionsUrl}/functions/v1/email-inbound (webhook secret)`,
  );
  console.log(
    `  functions:  ${info.functionsUrl}/functions/v1/<triage|route|notify> (service-role token)`,
  );
  console.log(`  database:   ${info.dbUrl}`);
  console.log(`  try:        psql ${info.dbUrl} -c 'select * from active_tickets_view'`);
  await sql.end();

  const unfinished = outcomes.some((t) =>
    !t.dead && !["assigned", "queued", "resolved", "closed", "in_progress"].includes(t.status)
  );
  // Rejections by the server itself (auth, outage) mean the run did not do its job.
  const serverTrouble = rejected.some((r) => /^(401|403|5\d\d) /.test(r.error ?? "")) ||
    emails.some((e) => e.outcome === "rejected");
  if (options.once) {
    console.log("\nThe stack keeps running; stop it with: npm run stack -- stop");
    Deno.exit(unfinished || serverTrouble ? 1 : 0);
  }

  console.log("\nPress Ctrl-C to stop the stack.");
  const stop = async () => {
    console.log("\nStopping…");
    await stopStack();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  Deno.addSignalListener("SIGHUP", stop);
  await new Promise(() => {});
}

try {
  await main();
} catch (error) {
  console.error(`\n✗ ${(error as Error).message}`);
  Deno.exit(1);
}
