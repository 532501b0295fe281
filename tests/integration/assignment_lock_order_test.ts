import assert from "node:assert/strict";
import postgres from "postgres";
import {
  type AssignFixture,
  checkAssignments,
  contendedOrder,
  createAssignFixture,
  handOutWorker,
  resolveWorker,
  routeWorker,
  slackReassignWorker,
} from "../../scripts/lib/assign_fixture.ts";
import { env, withSql } from "./helpers.ts";

/** Toggles an agent away and back from Slack (available again hands out the queue). */
async function availabilityWorker(
  sql: postgres.Sql,
  fixture: AssignFixture,
  done: () => boolean,
): Promise<number> {
  const agent = fixture.agents.find((a) => !a.senior)!;
  let toggles = 0;
  while (!done()) {
    for (const availability of ["away", "available"]) {
      await sql`select app_private.slack_console(${agent.slackUserId!}, 'availability',
                       ${sql.json({ availability })})`;
    }
    toggles++;
  }
  return toggles;
}

Deno.test("agents resolving, going away and reassigning while routing and the queue hand-out run never deadlock", async () => {
  await withSql(async (admin) => {
    // 6 agents with room for 4 each (24 slots) and 300 tickets: most of them wait in the
    // queue and are handed out as the agents resolve, so every path frees and fills slots.
    const fixture = await createAssignFixture(admin, {
      agents: 6,
      capacity: 4,
      tickets: 300,
      agentSlackIds: true,
    });
    const sessions = Array.from(
      { length: 6 },
      () => postgres(env.dbUrl, { max: 1, onnotice: () => {} }),
    );
    const errors: string[] = [];
    const guard = <T>(work: Promise<T>) =>
      work.catch((error) => {
        errors.push(`${(error as { code?: string }).code ?? ""} ${(error as Error).message}`);
        return undefined;
      });
    let stop = false;
    const done = () => stop || errors.length > 0;
    try {
      const [routerA, routerB, handOut, reassign, resolve, away] = sessions;
      const routers = Promise.all([
        guard(routeWorker(routerA, contendedOrder(fixture.ticketIds, 0, 2), 10)),
        guard(routeWorker(routerB, contendedOrder(fixture.ticketIds, 1, 2), 10)),
      ]);
      const others = Promise.all([
        guard(handOutWorker(handOut, fixture.teamId, done)),
        guard(slackReassignWorker(reassign, fixture, done)),
        guard(resolveWorker(resolve, fixture, done)),
        guard(availabilityWorker(away, fixture, done)),
      ]);
      await routers;
      // Until every ticket was routed and handed out (the resolver frees the slots).
      const deadline = Date.now() + 120_000;
      while (!done() && Date.now() < deadline) {
        const [{ waiting }] = await admin<{ waiting: number }[]>`
          select count(*)::int as waiting from public.tickets
          where id = any(${fixture.ticketIds}) and status in ('analyzed', 'queued')`;
        if (waiting === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      stop = true;
      const [, reassigned, resolved] = await others;

      assert.deepEqual(errors, [], "no session failed (a deadlock is SQLSTATE 40P01)");
      const check = await checkAssignments(admin, fixture);
      assert.equal(check.queued, 0, "every ticket was handed out");
      assert.equal(check.overCapacity, 0);
      assert.equal(check.doubleAssigned, 0);
      assert.equal(check.counterDrift, 0, "every agent's counter matches their tickets");
      assert.ok((resolved ?? 0) >= 276, `the agents resolved ${resolved} tickets`);
      // The team is full most of the time, so most clicks are refused ("no other agent has
      // room"), each after taking the lock and the ticket's row like a successful one.
      const clicks = (reassigned?.moved ?? 0) + (reassigned?.refused ?? 0);
      assert.ok(clicks > 0, "Slack Reassign clicks ran meanwhile");
    } finally {
      stop = true;
      await Promise.all(sessions.map((s) => s.end({ timeout: 5 })));
      await fixture.cleanup();
    }
  });
});
