// The SLA benchmark of npm run bench: TICKETS open tickets with running SLA clocks at elapsed
// fractions from 0 to 125 % of their resolution time (so every level is due for some, and the
// shorter first-response clocks are mostly past), then one sweep_sla() over them, timed, and a
// second sweep that finds nothing new. The tickets are dated ten years ahead and swept "then",
// so the real pg_cron sweep never touches them; the sweeps run in a transaction that is rolled
// back (no Slack ring), and everything created is removed afterwards.
import postgres from "postgres";

/** What the benchmark measured. */
export interface SlaBenchResult {
  tickets: number;
  sweepMs: number;
  idleSweepMs: number;
  fired: { info: number; warning: number; breach: number };
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
    // Queued tickets (no triage job) of the four priorities, each started f of its resolution
    // time before the sweep, f = 0.00 … 1.24.
    await sql`
      insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body,
                                  status, priority, team_id, created_at)
      select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'api', ${customer.id}, ${customer.email},
             'Bench SLA ' || g, 'Bench SLA ticket ' || g, 'queued', p.priority, ${team.id},
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
    let sweepMs = 0;
    let idleSweepMs = 0;
    let fired = { info: 0, warning: 0, breach: 0 };
    await sql.begin(async (tx) => {
      let started = performance.now();
      const [first] = await tx<{ result: typeof fired }[]>`
        select app_private.sweep_sla(${at}) as result`;
      sweepMs = performance.now() - started;
      fired = first.result;
      started = performance.now();
      await tx`select app_private.sweep_sla(${at})`;
      idleSweepMs = performance.now() - started;
      throw new RolledBack();
    }).catch((error) => {
      if (!(error instanceof RolledBack)) throw error;
    });
    return { tickets, sweepMs, idleSweepMs, fired };
  } finally {
    // Only sla_tracking refers to these tickets (the sweeps were rolled back). Without the
    // foreign-key triggers, deleting 100,000 tickets does not scan the unindexed references
    // (tickets.previous_ticket_id, error_logs.ticket_id …) once per ticket.
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

/** Thrown to roll back the timed sweeps. */
class RolledBack extends Error {}

if (import.meta.main) {
  const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  console.log(await benchSlaSweep(url));
}
