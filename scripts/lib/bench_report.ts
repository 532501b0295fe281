// The daily report benchmark of npm run bench: TICKETS tickets arriving on one day (ten years
// ahead, so nothing else shares it), each with an SLA clock and an AI analysis, a tenth
// corrected by an agent and a fifth answered by an AI draft in some review state; then one
// compute_daily_report() of that day, timed, in a transaction that is rolled back. Everything
// created is removed afterwards.
import postgres from "postgres";

/** What the benchmark measured. */
export interface ReportBenchResult {
  tickets: number;
  reportMs: number;
  totalTickets: number;
}

/** Runs the benchmark against the database at dbUrl. */
export async function benchDailyReport(
  dbUrl: string,
  { tickets = 50_000 } = {},
): Promise<ReportBenchResult> {
  const run = crypto.randomUUID().slice(0, 8);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const email = `bench-report-${run}@example.com`;
  let customerId: string | null = null;
  try {
    const [customer] = await sql<{ id: string }[]>`
      insert into public.customers (email, name) values (${email}, 'Bench') returning id`;
    customerId = customer.id;
    // The day's local midnight, looked up once (the time-zone lookup is not for every row).
    const [{ day, start }] = await sql<{ day: string; start: Date }[]>`
      select d::text as day, d::timestamp at time zone app_private.report_time_zone() as start
      from (select ((now() + interval '10 years') at time zone app_private.report_time_zone())::date as d) x`;
    const categories = ["billing", "technical", "account", "general"];
    const subs = ["refund_request", "bug_report", "password_reset", "how_to"];
    await sql`
      insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body, category,
                                  sub_category, status, priority, created_at, first_response_at, resolved_at,
                                  is_auto_resolved, is_escalated)
      select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'api', ${customer.id}, ${email},
             'Bench report ' || g, 'Bench report ticket', (${categories}::text[])[1 + g % 4],
             (${subs}::text[])[1 + g % 4], case when g % 3 = 0 then 'resolved' else 'in_progress' end,
             (array['urgent', 'high', 'medium', 'low'])[1 + g % 4], at,
             case when g % 2 = 0 then at + interval '20 minutes' end,
             case when g % 3 = 0 then at + interval '3 hours' end, g % 9 = 0, g % 11 = 0
      from generate_series(1, ${tickets}) g
      cross join lateral (select ${start}::timestamptz + make_interval(secs => (g % 86400)) as at) x`;
    await sql`analyze public.tickets`;
    await sql`
      insert into public.sla_tracking (ticket_id, priority)
      select id, priority from public.tickets where customer_id = ${customer.id}`;
    await sql`
      insert into public.ai_analysis (ticket_id, category, sub_category, confidence, model_name, total_cost, created_at)
      select id, category, sub_category, 0.9, 'gpt-4o-mini', 0.0002, created_at
      from public.tickets where customer_id = ${customer.id}`;
    await sql`
      insert into public.ai_corrections (ticket_id, analysis_id, field, ai_value, previous_value, corrected_value)
      select a.ticket_id, a.id, 'priority', 'low', 'low', 'high'
      from public.ai_analysis a join public.tickets t on t.id = a.ticket_id
      where t.customer_id = ${customer.id} and t.ticket_number % 10 = 0`;
    await sql`
      insert into public.responses (ticket_id, direction, channel, body, sender_type, was_ai_generated, ai_draft,
                                    review_status, reviewed_at, sent_at, total_cost, created_at)
      select id, 'outbound', 'api', 'Bench answer', 'ai', true, true,
             (array['pending', 'approved', 'edited', 'rejected'])[1 + ticket_number % 4],
             case when ticket_number % 4 <> 0 then created_at + interval '10 minutes' end,
             case when ticket_number % 4 in (1, 2) then created_at + interval '10 minutes' end, 0.001, created_at
      from public.tickets where customer_id = ${customer.id} and ticket_number % 5 = 0`;
    await sql`analyze public.sla_tracking`;
    await sql`analyze public.ai_analysis`;
    await sql`analyze public.responses`;
    let reportMs = 0;
    let totalTickets = 0;
    await sql.begin(async (tx) => {
      const started = performance.now();
      const [row] = await tx<{ total_tickets: number }[]>`
        select (app_private.compute_daily_report(${day}::date)).total_tickets`;
      reportMs = performance.now() - started;
      totalTickets = row.total_tickets;
      throw new RolledBack();
    }).catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
    return { tickets, reportMs, totalTickets };
  } finally {
    if (customerId) {
      await sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        for (const table of ["sla_tracking", "ai_corrections", "responses", "ai_analysis"]) {
          await tx`delete from ${tx("public." + table)} x using public.tickets t
                   where t.id = x.ticket_id and t.customer_id = ${customerId}`;
        }
        await tx`delete from public.tickets where customer_id = ${customerId}`;
      });
      await sql`delete from public.customers where id = ${customerId}`;
    }
    await sql.end();
  }
}

/** Thrown to roll back the timed report. */
class RolledBack extends Error {}

if (import.meta.main) {
  const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  console.log(await benchDailyReport(url));
}
