// The assignment benchmark of npm run bench: WORKERS database sessions route the same TICKETS
// analysed tickets at once (every worker tries every ticket, from its own end of the list), to
// a team of AGENTS agents with room to spare, while a third session hands out tickets already
// waiting in the team's queue and a fourth clicks Reassign in Slack on assigned tickets. Then
// it checks that no agent is over capacity, no ticket was assigned twice, every agent's
// counter matches their tickets, and how evenly the load spread. Everything it creates is
// removed afterwards.
import postgres from "postgres";
import {
  checkAssignments,
  contendedOrder,
  createAssignFixture,
  handOutWorker,
  routeWorker,
  slackReassignWorker,
} from "./assign_fixture.ts";

/** What the benchmark measured. */
export interface AssignBenchResult {
  tickets: number;
  workers: number;
  agents: number;
  capacity: number;
  assignPerS: number;
  /** Tickets a worker found already routed by another (the contention). */
  skipped: number;
  handedOut: number;
  slackReassigned: number;
  overCapacity: number;
  doubleAssigned: number;
  counterDrift: number;
  queued: number;
  loadMin: number;
  loadMax: number;
  loadStddev: number;
}

/** Options of benchAssignment(). */
export interface AssignBenchOptions {
  tickets?: number;
  workers?: number;
  agents?: number;
  batch?: number;
  /** max_concurrent_tickets per agent; by default twice the fair share, so none is full. */
  capacity?: number;
  /** Tickets already waiting in the queue, for the hand-out (default a tenth of tickets). */
  queued?: number;
  /** Race the queue hand-out and Slack reassign against routing (default true). */
  contenders?: boolean;
}

/** Runs the benchmark against the database at dbUrl. */
export async function benchAssignment(
  dbUrl: string,
  options: AssignBenchOptions = {},
): Promise<AssignBenchResult> {
  const tickets = options.tickets ?? 10_000;
  const workers = options.workers ?? 2;
  const agents = options.agents ?? 50;
  const batch = options.batch ?? 50;
  const contenders = options.contenders ?? true;
  const queued = contenders ? options.queued ?? Math.floor(tickets / 10) : 0;
  const capacity = options.capacity ?? 2 * Math.ceil((tickets + queued) / agents);
  const admin = postgres(dbUrl, { max: 1, onnotice: () => {} });
  const fixture = await createAssignFixture(admin, { agents, capacity, tickets, queued });
  const sessions = Array.from(
    { length: workers + 2 },
    () => postgres(dbUrl, { max: 1, onnotice: () => {} }),
  );
  try {
    let routing = true;
    const stopped = () => !routing;
    const started = performance.now();
    const routers = Promise.all(
      sessions.slice(0, workers).map((session, w) =>
        routeWorker(session, contendedOrder(fixture.ticketIds, w, workers), batch)
      ),
    ).finally(() => routing = false);
    const handOut = contenders
      ? handOutWorker(sessions[workers], fixture.teamId, stopped)
      : Promise.resolve(0);
    const reassign = contenders
      ? slackReassignWorker(sessions[workers + 1], fixture, stopped)
      : Promise.resolve({ moved: 0, refused: 0 });
    const routed = await routers;
    const seconds = (performance.now() - started) / 1000;
    const [handedOut, reassigned] = await Promise.all([handOut, reassign]);
    const check = await checkAssignments(admin, fixture);
    return {
      tickets,
      workers,
      agents,
      capacity,
      assignPerS: tickets / seconds,
      skipped: routed.reduce((sum, r) => sum + r.skipped, 0),
      handedOut,
      slackReassigned: reassigned.moved,
      ...check,
    };
  } finally {
    await Promise.all(sessions.map((s) => s.end()));
    await fixture.cleanup();
    await admin.end();
  }
}

/** The lines npm run bench prints, and what is wrong (empty when nothing is). */
export function assignBenchReport(r: AssignBenchResult): { lines: string[]; failures: string[] } {
  const lines = [
    `assign_tickets: ${r.tickets} (${r.workers} workers on the same tickets, ${r.agents} agents, ` +
    `capacity ${r.capacity})`,
    `assign_per_s: ${r.assignPerS.toFixed(0)}`,
    `assign_contended: ${r.skipped} tries found the ticket routed by the other worker`,
    `assign_handed_out: ${r.handedOut} queued tickets, meanwhile`,
    `assign_slack_reassigned: ${r.slackReassigned}, meanwhile`,
    `over_capacity: ${r.overCapacity}`,
    `double_assigned: ${r.doubleAssigned}`,
    `assign_counter_drift: ${r.counterDrift}`,
    `assign_queued: ${r.queued}`,
    `assign_load_spread: min ${r.loadMin}, max ${r.loadMax}, stddev ${r.loadStddev.toFixed(2)}`,
  ];
  const failures = [
    r.overCapacity && `${r.overCapacity} agents over capacity`,
    r.doubleAssigned && `${r.doubleAssigned} tickets assigned twice`,
    r.counterDrift && `${r.counterDrift} agents' active-ticket counters wrong`,
  ].filter((f): f is string => typeof f === "string");
  return { lines, failures };
}

if (import.meta.main) {
  const url = Deno.args[0] ?? "postgresql://postgres:postgres@127.0.0.1:54322/postgres";
  const { lines, failures } = assignBenchReport(await benchAssignment(url));
  for (const line of lines) console.log(line);
  if (failures.length > 0) {
    console.log(`FAIL: ${failures.join("; ")}`);
    Deno.exit(1);
  }
}
