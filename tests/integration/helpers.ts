import postgres from "postgres";

/** Connection details the test runner passes in (scripts/test.ts). */
export const env = {
  dbUrl: Deno.env.get("ISTS_TEST_DB_URL") ??
    "postgresql://postgres:postgres@127.0.0.1:54322/postgres",
  functionsUrl: Deno.env.get("ISTS_TEST_FUNCTIONS_URL") ?? "http://127.0.0.1:54321",
  serviceKey: Deno.env.get("ISTS_TEST_SERVICE_KEY") ?? "",
  fakeSlackUrl: Deno.env.get("ISTS_TEST_FAKE_SLACK_URL") ?? "http://127.0.0.1:54329",
  slackSigningSecret: Deno.env.get("ISTS_TEST_SLACK_SIGNING_SECRET") ??
    "ists-integration-signing-secret",
  slackSupportChannel: Deno.env.get("ISTS_TEST_SLACK_SUPPORT_CHANNEL") ?? "C0SUPPORT",
};

/** A small pool for assertions; tests must call `sql.end()` via `withSql`. */
export async function withSql<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const sql = postgres(env.dbUrl, { max: 4, onnotice: () => {} });
  try {
    return await fn(sql);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** A unique example.com address. */
export function uniqueEmail(prefix = "customer"): string {
  return `${prefix}.${crypto.randomUUID().slice(0, 8)}@example.com`;
}

/** POSTs a JSON body (or raw text) to a function and returns status and parsed body. */
export async function post(
  fn: string,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${env.functionsUrl}/functions/v1/${fn}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** A ticket row as the tests read it. */
export interface TicketRow {
  id: string;
  status: string;
  category: string | null;
  sub_category: string | null;
  priority: string;
  team: string | null;
  agent: string | null;
  skill_level: string | null;
  is_escalated: boolean;
  is_auto_resolved: boolean;
  escalation_reasons: string[];
}

/**
 * Waits until the ticket reaches one of the statuses and its jobs are finished. Delivery (the
 * send stage) is not waited for: an auto-sent answer's send job waits for its channel.
 */
export async function waitForTicket(
  sql: postgres.Sql,
  id: string,
  statuses = ["assigned", "queued", "resolved"],
  timeoutMs = 30_000,
): Promise<TicketRow> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [row] = await sql<(TicketRow & { open_jobs: number })[]>`
      select t.id, t.status, t.category, t.sub_category, t.priority, tm.name as team,
             ag.name as agent, ag.skill_level, t.is_escalated, t.is_auto_resolved, t.escalation_reasons,
             (select count(*)::int from app_private.jobs j where j.ticket_id = t.id
               and j.status in ('queued', 'running') and j.stage <> 'send') as open_jobs
      from public.tickets t
      left join public.teams tm on tm.id = t.team_id
      left join public.agents ag on ag.id = t.assigned_to
      where t.id = ${id}`;
    if (row && statuses.includes(row.status) && row.open_jobs === 0) return row;
    if (Date.now() > deadline) {
      throw new Error(`ticket ${id} did not settle: ${JSON.stringify(row)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
