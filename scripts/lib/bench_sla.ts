// The SLA benchmark of npm run bench: TICKETS open tickets with running SLA clocks at elapsed
// fractions from 0 to 125 % of their resolution time (so every level is due for some, and the
// shorter first-response clocks are mostly past), then one sweep over them as pg_cron runs it
// (app_private.run_sla_sweep(), committing per batch), timed, and a second sweep that finds
// nothing new. The tickets are dated ten years ahead and swept "then", so the real pg_cron
// sweep never touches them; they are in progress (not queued), so the assigner that walks
// the team queues every minute does not hold them. No stage is rung while the sweeps run
// (functions_base_url is blank), and everything created is removed afterwards.
import postgres from "postgres";

/** What the benchmark measured. */
export interface SlaBenchResult {
  tickets: number;
  sweepMs: number;
  idleSweepMs: number;
  fired: { info: number; warning: number; breach: number };
  /** Batches (transactions) of the first sweep, and the longest one in milliseconds. */
  batches: number;
  longestBatchMs: number;
  /** Tickets the first sweep left for the next one because another session held them. */
  deferred: number;
}

/** What run_sla_sweep() reports. */
interface SweepResult {
  info: number;
  warning: number;
  breach: number;
  batches: number;
  deferred: number;
  longest_batch_ms: number;
}

/** Runs the benchmark against the database at dbUrl. */
export async function benchSlaSweep(
  dbUrl: string,
  { tickets = 100_000 } = {},
): Promise<SlaBenchResult> {
  const run = crypto.randomUUID().slice(0, 8);
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  let customerId: string | null = null;
  try {
    const [team] = await sql<{ id: string }[]>`
      insert into public.teams (name, slack_channel_id) values (${"Bench SLA " + run}, 'CBENCH')
      returning id`;
    await sql`
      insert into public.agents (email, name, team_id, role)
      values (${
      "bench-sla-manager-" + run + "@example.com"
    }, 'Bench Manager', ${team.id}, 'manager')`;
    const [customer] = await sql<{ id: string; email: string }[]>`
      insert into public.customers (email, name) values (${
      "bench-sla-" + run + "@example.com"
    }, 'Bench')
      returning id, email`;
    customerId = customer.id;
    const [{ at }] = await sql<{ at: Date }[]>`select now() + interval '10 years' as at`;
    // Tickets in progress (no triage job) of the four priorities, each started f of its
    // resolution time before the sweep, f = 0.00 … 1.24.
    await sql`
      insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body,
                                  status, priority, team_id, created_at)
      select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'api', ${customer.id}, ${customer.email},
             'Bench SLA ' || g, 'Bench SLA ticket ' || g, 'in_progress', p.priority, ${team.id},
             ${at}::timestamptz - make_interval(mins => p.resolution_minutes) * ((g % 125) / 100.0)
      from generate_series(1, ${tickets}) g
      join public.sla_policies p on p.customer_tier is null
        and p.priority = (array['urgent', 'high', 'medium', 'low'])[1 + g % 4]`;
    // Fresh statistics, or the triggers' cached plans would scan the grown table per row.
    await sql`analyze public.tickets`;
    await sql`
      insert into public.sla_tracking (ticket_id, priority)
      select t.id, t.priority from public.tickets t where t.customer_id = ${customer.id}`;

    await sql`analyze public.sla_tracking`;
    const [{ url }] = await sql<{ url: string }[]>`
      select value as url from app_private.settings where key = 'functions_base_url'`;
    await sql`update app_private.settings set value = '' where key = 'functions_base_url'`;
    try {
      let started = performance.now();
      const [first] = await sql<{ p_result: SweepResult }[]>`
        call app_private.run_sla_sweep(${at})`;
      const sweepMs = performance.now() - started;
      started = performance.now();
      await sql`call app_private.run_sla_sweep(${at})`;
      const idleSweepMs = performance.now() - started;
      const r = first.p_result;
      return {
        tickets,
        sweepMs,
        idleSweepMs,
        fired: { info: r.info, warning: r.warning, breach: r.breach },
        batches: r.batches,
        longestBatchMs: r.longest_batch_ms,
        deferred: r.deferred,
      };
    } finally {
      await removeSweepOutput(sql, customer.id);
      await sql`update app_private.settings set value = ${url} where key = 'functions_base_url'`;
    }
  } finally {
    // What refers to these tickets is the sweep's output (removed above) and sla_tracking.
    // Without the foreign-key triggers, deleting 100,000 tickets does not scan the unindexed
    // references (tickets.previous_ticket_id, error_logs.ticket_id …) once per ticket.
    await sql.begin(async (tx) => {
      await tx`set local session_replication_role = replica`;
      await tx`delete from public.sla_tracking s using public.tickets t
               where t.id = s.ticket_id and t.customer_id = ${customerId}`;
      await tx`delete from public.tickets where customer_id = ${customerId}`;
    });
    await sql`delete from public.customers where email = ${"bench-sla-" + run + "@example.com"}`;
    await sql`delete from public.agents where email = ${
      "bench-sla-manager-" + run + "@example.com"
    }`;
    await sql`delete from public.teams where name = ${"Bench SLA " + run}`;
    await sql.end();
  }
}

/** Deletes what the sweeps committed for the customer's tickets, before any stage delivers it. */
async function removeSweepOutput(sql: postgres.Sql, customerId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from public.sla_alerts x using public.tickets t
             where t.id = x.ticket_id and t.customer_id = ${customerId}`;
    await tx`delete from public.notifications x using public.tickets t
             where t.id = x.ticket_id and t.customer_id = ${customerId}`;
    await tx`delete from app_private.jobs x using public.tickets t
             where t.id = x.ticket_id and t.customer_id = ${customerId}`;
    await tx`delete from public.ticket_events x using public.tickets t
             where t.id = x.ticket_id and t.customer_id = ${customerId}`;
  });
}

if (import.meta.main) {
  const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  const tickets = Deno.args[1] === undefined ? undefined : Number(Deno.args[1]);
  console.log(await benchSlaSweep(url, { tickets }));
}
