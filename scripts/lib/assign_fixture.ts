// A team of its own for assignment races (the bench and the integration tests): agents with
// Slack ids and sign-in ids, analysed tickets only its routing rule matches, optional tickets
// already waiting in its queue, the workers that race over them (routing, the queue hand-out,
// Slack reassign, agents resolving) and the checks of what they left behind.
import type postgres from "postgres";

/** What createAssignFixture() made; `cleanup()` removes all of it. */
export interface AssignFixture {
  run: string;
  teamId: string;
  /** The agents who take tickets (with Slack ids only when `agentSlackIds`). */
  agents: { id: string; slackUserId: string | null; authUserId: string; senior: boolean }[];
  /** The team's manager, away (takes no tickets), who acts from Slack. */
  lead: { id: string; slackUserId: string };
  /** Analysed tickets, oldest first, ready for route_ticket(). */
  ticketIds: string[];
  /** Tickets already waiting in the team's queue, oldest first. */
  queuedIds: string[];
  cleanup(): Promise<void>;
}

/** Options of createAssignFixture(). */
export interface AssignFixtureOptions {
  agents: number;
  /** max_concurrent_tickets of every agent. */
  capacity: number;
  tickets: number;
  queued?: number;
  /** The language only this fixture's rule matches (an ISO-like code no real ticket has). */
  language?: string;
  /**
   * Give every agent a Slack id (so they act from Slack, and get a direct message for each
   * ticket: real Slack traffic for the notify stage). Default false: only the lead has one.
   */
  agentSlackIds?: boolean;
}

/** Creates the team, its rule, agents, customers and tickets. */
export async function createAssignFixture(
  sql: postgres.Sql,
  { agents, capacity, tickets, queued = 0, language = "zz", agentSlackIds = false }:
    AssignFixtureOptions,
): Promise<AssignFixture> {
  const run = crypto.randomUUID().slice(0, 8);
  const [team] = await sql<{ id: string }[]>`
    insert into public.teams (name, handles_categories) values (${"Race team " + run}, '{}')
    returning id`;
  // Matched by this rule only, so the tickets stay in the team.
  await sql`
    insert into public.routing_rules (name, language, team_id, rule_priority)
    values (${"Race " + run}, ${language}, ${team.id}, -2147483648)`;
  const agentRows = await sql<
    { id: string; slack_user_id: string; auth_user_id: string; senior: boolean }[]
  >`
    insert into public.agents (email, name, team_id, skill_level, max_concurrent_tickets,
                               slack_user_id, auth_user_id)
    select 'race-agent-' || ${run} || '-' || g || '@example.com', 'Race Agent ' || g, ${team.id},
           case when g % 5 = 0 then 'senior' else 'mid' end, ${capacity},
           case when ${agentSlackIds} then 'UR' || upper(${run}) || g end, gen_random_uuid()
    from generate_series(1, ${agents}) g
    returning id, slack_user_id, auth_user_id, skill_level = 'senior' as senior`;
  const [lead] = await sql<{ id: string; slack_user_id: string }[]>`
    insert into public.agents (email, name, team_id, role, skill_level, availability, slack_user_id)
    values ('race-lead-' || ${run} || '@example.com', 'Race Lead', ${team.id}, 'manager', 'senior',
            'away', 'UL' || upper(${run}))
    returning id, slack_user_id`;
  // One customer per ticket, so no repeat-contact escalation narrows the choice to seniors.
  await sql`
    insert into public.customers (email, name)
    select 'race-' || ${run} || '-' || g || '@example.com', 'Race customer'
    from generate_series(1, ${tickets + queued}) g`;
  // As triage leaves them (inserted 'analyzed', so no triage job is queued); the first
  // `queued` ones wait in the team's queue instead, as routing leaves them when it is full.
  await sql`
    with t as (
      insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body,
                                  category, sub_category, priority, language, status, team_id,
                                  sentiment_intensity, ai_confidence, created_at)
      select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'api', c.id, c.email,
             'Race ' || g, 'Race ticket ' || g, 'general', 'other',
             (array['low', 'medium', 'high'])[1 + g % 3], ${language},
             case when g <= ${queued} then 'queued' else 'analyzed' end,
             case when g <= ${queued} then ${team.id}::uuid end, 3, 0.5,
             now() - interval '30 days' + g * interval '1 millisecond'
      from generate_series(1, ${tickets + queued}) g
      join public.customers c on c.email = 'race-' || ${run} || '-' || g || '@example.com'
      returning id, category, sub_category, priority
    )
    insert into public.ai_analysis (ticket_id, category, sub_category, confidence, sentiment_emotion,
                                    sentiment_intensity, priority_recommendation, urgency_score,
                                    language, model_name)
    select id, category, sub_category, 0.5, 'neutral', 3, priority, 3, ${language}, 'race' from t`;
  const rows = await sql<{ id: string; status: string }[]>`
    select t.id, t.status from public.tickets t
    join public.customers c on c.id = t.customer_id
    where c.email like ${"race-" + run + "-%"}
    order by t.created_at`;
  return {
    run,
    teamId: team.id,
    agents: agentRows.map((a) => ({
      id: a.id,
      slackUserId: a.slack_user_id,
      authUserId: a.auth_user_id,
      senior: a.senior,
    })),
    lead: { id: lead.id, slackUserId: lead.slack_user_id },
    ticketIds: rows.filter((r) => r.status === "analyzed").map((r) => r.id),
    queuedIds: rows.filter((r) => r.status === "queued").map((r) => r.id),
    async cleanup() {
      const ids = rows.map((r) => r.id);
      // Jobs and notifications first; the notify stage may be delivering them: wait for it.
      await sql.begin(async (tx) => {
        await tx`select 1 from app_private.jobs where ticket_id = any(${ids}) for update`;
        await tx`delete from app_private.jobs where ticket_id = any(${ids})`;
      });
      await sql.begin(async (tx) => {
        await tx`select 1 from public.notifications where ticket_id = any(${ids}) for update`;
        await tx`delete from public.notifications where ticket_id = any(${ids})`;
      });
      await sql`delete from public.tickets where id = any(${ids})`;
      await sql`delete from public.customers where email like ${"race-" + run + "-%"}`;
      await sql`delete from public.routing_rules where team_id = ${team.id}`;
      await sql`delete from public.agents where team_id = ${team.id}`;
      await sql`delete from public.teams where id = ${team.id}`;
    },
  };
}

/**
 * The order in which worker `w` of `workers` tries the tickets: every worker tries every
 * ticket, starting at its own offset, even workers forwards and odd ones backwards, so that
 * they meet on the same tickets instead of each owning a slice.
 */
export function contendedOrder<T>(items: T[], w: number, workers: number): T[] {
  const start = Math.floor((w * items.length) / workers);
  const rotated = [...items.slice(start), ...items.slice(0, start)];
  return w % 2 === 0 ? rotated : rotated.reverse();
}

/** Routes the tickets in batches, each batch one transaction (as the route stage does). */
export async function routeWorker(
  sql: postgres.Sql,
  ticketIds: string[],
  batch: number,
): Promise<{ routed: number; skipped: number }> {
  let routed = 0;
  let skipped = 0;
  for (let i = 0; i < ticketIds.length; i += batch) {
    const slice = ticketIds.slice(i, i + batch);
    await sql.begin(async (tx) => {
      for (const id of slice) {
        const [{ outcome }] = await tx<{ outcome: string }[]>`
          select app_private.route_ticket(${id}) ->> 'outcome' as outcome`;
        if (outcome === "skipped") skipped++;
        else routed++;
      }
    });
  }
  return { routed, skipped };
}

/** Hands out the team's queue (as pg_cron's sweep does) until `done()` says stop. */
export async function handOutWorker(
  sql: postgres.Sql,
  teamId: string,
  done: () => boolean,
): Promise<number> {
  let assigned = 0;
  do {
    const [{ n }] = await sql<{ n: number }[]>`
      select app_private.assign_queued_tickets(${teamId}) as n`;
    assigned += n;
    if (n === 0) await new Promise((r) => setTimeout(r, 10));
  } while (!done());
  return assigned;
}

/** One of the fixture's tickets at random, if it is assigned now. */
async function randomAssigned(
  sql: postgres.Sql,
  fixture: AssignFixture,
): Promise<{ id: string; assigned_to: string } | undefined> {
  const ids = [...fixture.ticketIds, ...fixture.queuedIds];
  const id = ids[Math.floor(Math.random() * ids.length)];
  const [ticket] = await sql<{ id: string; assigned_to: string }[]>`
    select t.id, t.assigned_to from public.tickets t where t.id = ${id} and t.status = 'assigned'`;
  return ticket;
}

/** Clicks Reassign (next best agent) as the team's lead on assigned tickets, a click every 10 ms. */
export async function slackReassignWorker(
  sql: postgres.Sql,
  fixture: AssignFixture,
  done: () => boolean,
): Promise<{ moved: number; refused: number }> {
  let moved = 0;
  let refused = 0;
  while (!done()) {
    await new Promise((r) => setTimeout(r, 10));
    const ticket = await randomAssigned(sql, fixture);
    if (!ticket) continue;
    const [{ ok }] = await sql<{ ok: boolean }[]>`
      select (app_private.slack_console(${fixture.lead.slackUserId}, 'reassign', ${
      sql.json({
        ticket_id: ticket.id,
        expected: { assignee: ticket.assigned_to, status: "assigned" },
      })
    }) ->> 'ok')::boolean as ok`;
    if (ok) moved++;
    else refused++;
  }
  return { moved, refused };
}

/**
 * Agents resolving their tickets while routing runs: every other one with /ticket N resolve
 * (slack_console), the others as the signed-in agent updating the row (Studio, the API).
 */
export async function resolveWorker(
  sql: postgres.Sql,
  fixture: AssignFixture,
  done: () => boolean,
): Promise<number> {
  const byId = new Map(fixture.agents.map((a) => [a.id, a]));
  let resolved = 0;
  while (!done()) {
    const ticket = await randomAssigned(sql, fixture);
    const agent = ticket && byId.get(ticket.assigned_to);
    if (!ticket || !agent?.slackUserId) {
      await new Promise((r) => setTimeout(r, 2));
      continue;
    }
    if (resolved % 2 === 0) {
      const [{ ok }] = await sql<{ ok: boolean }[]>`
        select (app_private.slack_console(${agent.slackUserId}, 'resolve',
                ${sql.json({ ticket_id: ticket.id })}) ->> 'ok')::boolean as ok`;
      if (ok) resolved++;
    } else {
      const rows = await sql.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${
          JSON.stringify({ sub: agent.authUserId, role: "authenticated" })
        }, true)`;
        await tx`set local role authenticated`;
        return await tx`update public.tickets set status = 'resolved', resolved_at = now()
                        where id = ${ticket.id} and status = 'assigned' returning id`;
      });
      resolved += rows.length;
    }
  }
  return resolved;
}

/** What the race left behind. */
export interface AssignmentCheck {
  /** Agents holding more active tickets than max_concurrent_tickets. */
  overCapacity: number;
  /** Tickets assigned more than once by routing or the queue hand-out. */
  doubleAssigned: number;
  /** Agents whose active_tickets counter differs from their tickets. */
  counterDrift: number;
  queued: number;
  assigned: number;
  loadMin: number;
  loadMax: number;
  loadStddev: number;
}

/** Checks capacity, double assignment, the counters and the spread of load. */
export async function checkAssignments(
  sql: postgres.Sql,
  fixture: AssignFixture,
): Promise<AssignmentCheck> {
  const ids = [...fixture.ticketIds, ...fixture.queuedIds];
  const [check] = await sql<
    {
      over_capacity: number;
      double_assigned: number;
      counter_drift: number;
      queued: number;
      assigned: number;
      load_min: number;
      load_max: number;
      load_stddev: number;
    }[]
  >`
    with load as (
      select a.id, a.max_concurrent_tickets, a.active_tickets,
             count(t.id) filter (where t.status in ('assigned', 'in_progress')) as active
      from public.agents a
      left join public.tickets t on t.assigned_to = a.id
      where a.team_id = ${fixture.teamId} and a.id <> ${fixture.lead.id}
      group by a.id
    ), assignments as (
      select e.ticket_id, count(*) as n
      from public.ticket_events e
      where e.ticket_id = any(${ids}) and e.event_type = 'assigned'
      group by e.ticket_id
    )
    select (select count(*) from load where active > max_concurrent_tickets)::int as over_capacity,
           (select count(*) from assignments where n > 1)::int as double_assigned,
           (select count(*) from load where active <> active_tickets)::int as counter_drift,
           (select count(*) from public.tickets where id = any(${ids}) and status = 'queued')::int as queued,
           (select count(*) from public.tickets where id = any(${ids})
              and status in ('assigned', 'in_progress'))::int as assigned,
           (select min(active) from load)::int as load_min,
           (select max(active) from load)::int as load_max,
           (select coalesce(stddev_pop(active), 0) from load)::float8 as load_stddev`;
  return {
    overCapacity: check.over_capacity,
    doubleAssigned: check.double_assigned,
    counterDrift: check.counter_drift,
    queued: check.queued,
    assigned: check.assigned,
    loadMin: check.load_min,
    loadMax: check.load_max,
    loadStddev: check.load_stddev,
  };
}
