/**
 * `npm run eval -- responses`: how the respond stage answers the bundled sample tickets with
 * the local writer. Every message goes through the real SQL path inside one transaction that
 * is rolled back at the end (nothing is kept): intake (deduplication), triage by the local
 * model recorded by record_triage (spam quarantine), route_ticket (auto-resolution, escalation,
 * assignment), then the stage's own code: the ticket's blockers, the knowledge-base search,
 * the draft, the gates and the auto-send decision. Each sender is a fresh customer with the
 * tier the real one has (`name+eval…@domain`), so earlier tickets of the same addresses (an
 * `npm start` run) change nothing: every run gives the same result.
 */
import type postgres from "postgres";
import { GATE_NAMES } from "../../supabase/functions/_shared/answers/gates.ts";
import { createLocalWriter } from "../../supabase/functions/_shared/answers/local_draft.ts";
import { createLocalProvider } from "../../supabase/functions/_shared/ai/local_provider.ts";
import type { Sql } from "../../supabase/functions/_shared/db.ts";
import { idempotencyKey, subjectFromBody } from "../../supabase/functions/_shared/normalise.ts";
import { answerTicket } from "../../supabase/functions/respond/handler.ts";
import { createSqlRespondStore } from "../../supabase/functions/respond/store.ts";
import { createTriageProcessor } from "../../supabase/functions/triage/handler.ts";
import { createSqlTriageStore } from "../../supabase/functions/triage/store.ts";
import type { MessageLine } from "./messages.ts";

/** What happened to one sample message. */
export interface ResponseEvalRow {
  line: number;
  subject: string;
  outcome: "duplicate" | "quarantined" | "auto_resolved" | "drafted";
  subCategory: string | null;
  article: string | null;
  confidence: number | null;
  gatesPassed: number;
  failedGates: string[];
  autoSend: boolean;
  reasons: string[];
  /** An auto-sent answer that mentions a refund or contains a bracketed or braced token. */
  unsafe: boolean;
  body: string | null;
}

/** Totals of an evaluation. */
export interface ResponseEvalSummary {
  messages: number;
  duplicates: number;
  quarantined: number;
  autoResolved: number;
  drafted: number;
  allGatesPassed: number;
  autoSent: number;
  unsafeAutoSent: number;
  gateFailures: Record<string, number>;
  reviewReasons: Record<string, number>;
}

class Rollback extends Error {}

/** Bracketed, braced or angle tokens outside URLs, and any mention of a refund. */
export function unsafeForAutoSend(body: string): boolean {
  const withoutUrls = body.replace(/https?:\/\/\S+/g, "");
  return /\brefund/i.test(body) || /[[\]{}<>]/.test(withoutUrls);
}

/** Runs the sample messages through intake, triage, routing and drafting, then rolls back. */
export async function evaluateResponses(
  sql: postgres.Sql,
  messages: { line: number; message: MessageLine }[],
): Promise<{ rows: ResponseEvalRow[]; summary: ResponseEvalSummary }> {
  const rows: ResponseEvalRow[] = [];
  const provider = createLocalProvider();
  const writer = createLocalWriter();
  try {
    await sql.begin(async (tx) => {
      const q = tx as unknown as Sql;
      const triage = createTriageProcessor({ store: createSqlTriageStore(q), provider });
      const respond = createSqlRespondStore(q);
      const run = crypto.randomUUID().slice(0, 8);
      for (const { line, message } of messages) {
        rows.push(await evaluateOne(tx, { triage, respond, writer, run }, line, message));
      }
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return { rows, summary: summarise(rows) };
}

async function evaluateOne(
  tx: postgres.TransactionSql,
  deps: {
    triage: ReturnType<typeof createTriageProcessor>;
    respond: ReturnType<typeof createSqlRespondStore>;
    writer: ReturnType<typeof createLocalWriter>;
    run: string;
  },
  line: number,
  m: MessageLine,
): Promise<ResponseEvalRow> {
  const subject = m.subject?.trim() || subjectFromBody(m.body);
  const base: ResponseEvalRow = {
    line,
    subject,
    outcome: "duplicate",
    subCategory: null,
    article: null,
    confidence: null,
    gatesPassed: 0,
    failedGates: [],
    autoSend: false,
    reasons: [],
    unsafe: false,
    body: null,
  };
  const real = m.email.trim().toLowerCase();
  const email = real.replace(/@/, `+eval${deps.run}@`);
  await tx`
    insert into public.customers (email, name, tier)
    select ${email}, coalesce(c.name, ${m.name ?? null}), c.tier from public.customers c
    where c.email = ${real}
    on conflict (email) do nothing`;
  const key = await idempotencyKey({ email, subject, body: m.body });
  const [intake] = await tx<{ ticket_id: string; duplicate: boolean }[]>`
    select ticket_id, duplicate from app_private.intake_message(${key}, ${
    tx.json({
      channel: m.channel ?? "web",
      email,
      name: m.name ?? null,
      subject,
      body: m.body,
      attachments: [],
      metadata: {},
    })
  })`;
  if (intake.duplicate) return base;
  const ticketId = intake.ticket_id;

  // Claim this ticket's triage job (first in line), triage it with the local model.
  const [mine] = await tx<{ id: string }[]>`
    update app_private.jobs set run_after = '-infinity'
    where ticket_id = ${ticketId} and stage = 'triage' and status = 'queued' returning id`;
  const [job] = await tx<{ job_id: string; attempt: number }[]>`
    select job_id, attempt from app_private.claim_jobs('triage', 1, 60)`;
  if (!mine || !job || job.job_id !== mine.id) {
    throw new Error(`line ${line}: the triage job of the sample ticket was not claimed`);
  }
  const [outcome] = await deps.triage([{
    jobId: Number(job.job_id),
    ticketId,
    payload: {},
    attempt: job.attempt,
  }]);
  if (outcome.outcome !== "done") throw new Error(`line ${line}: triage ${outcome.outcome}`);
  const [ticket] = await tx<{ status: string; sub_category: string | null }[]>`
    select status, sub_category from public.tickets where id = ${ticketId}`;
  base.subCategory = ticket.sub_category;
  if (ticket.status === "quarantined") return { ...base, outcome: "quarantined" };

  const [{ decision }] = await tx<{ decision: { outcome: string } }[]>`
    select app_private.route_ticket(${ticketId}) as decision`;
  if (decision.outcome === "auto_resolved") return { ...base, outcome: "auto_resolved" };

  const { settings, tickets } = await deps.respond.contexts([ticketId]);
  const context = tickets.get(ticketId);
  if (!context) throw new Error(`line ${line}: the routed ticket was not found`);
  const answer = await answerTicket(
    { store: deps.respond, writer: deps.writer },
    context,
    settings,
    null,
  );
  const failedGates = GATE_NAMES.filter((g) => !answer.gates[g].pass);
  return {
    ...base,
    outcome: "drafted",
    article: answer.articles.find((a) => answer.draft.citedArticleIds.includes(a.id))?.slug ??
      null,
    confidence: answer.draft.confidence,
    gatesPassed: GATE_NAMES.length - failedGates.length,
    failedGates,
    autoSend: answer.decision.autoSend,
    reasons: answer.decision.reasons,
    unsafe: answer.decision.autoSend && unsafeForAutoSend(answer.draft.body),
    body: answer.draft.body,
  };
}

function summarise(rows: ResponseEvalRow[]): ResponseEvalSummary {
  const drafted = rows.filter((r) => r.outcome === "drafted");
  const tally = (values: string[]) =>
    Object.fromEntries(
      [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    );
  return {
    messages: rows.length,
    duplicates: rows.filter((r) => r.outcome === "duplicate").length,
    quarantined: rows.filter((r) => r.outcome === "quarantined").length,
    autoResolved: rows.filter((r) => r.outcome === "auto_resolved").length,
    drafted: drafted.length,
    allGatesPassed: drafted.filter((r) => r.failedGates.length === 0).length,
    autoSent: drafted.filter((r) => r.autoSend).length,
    unsafeAutoSent: drafted.filter((r) => r.unsafe).length,
    gateFailures: tally(drafted.flatMap((r) => r.failedGates)),
    reviewReasons: tally(drafted.flatMap((r) => r.reasons)),
  };
}
