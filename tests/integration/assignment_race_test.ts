import assert from "node:assert/strict";
import postgres from "postgres";
import { benchAssignment } from "../../scripts/lib/bench_assign.ts";
import {
  checkAssignments,
  contendedOrder,
  createAssignFixture,
  routeWorker,
} from "../../scripts/lib/assign_fixture.ts";
import { env, withSql } from "./helpers.ts";

Deno.test("four workers routing the same tickets at once never exceed capacity nor assign a ticket twice", async () => {
  await withSql(async (admin) => {
    // 10 agents with room for 30 each (300 slots) and 400 tickets: 100 must wait in the queue.
    // Every worker tries every ticket (from its own end of the list), so they meet on each.
    const fixture = await createAssignFixture(admin, { agents: 10, capacity: 30, tickets: 400 });
    const sessions = Array.from(
      { length: 4 },
      () => postgres(env.dbUrl, { max: 1, onnotice: () => {} }),
    );
    try {
      const results = await Promise.all(
        sessions.map((s, w) => routeWorker(s, contendedOrder(fixture.ticketIds, w, 4), 10)),
      );
      assert.equal(results.reduce((n, r) => n + r.routed, 0), 400, "each ticket routed once");
      assert.equal(
        results.reduce((n, r) => n + r.skipped, 0),
        1200,
        "and skipped by the other three",
      );
      const r = await checkAssignments(admin, fixture);
      assert.equal(r.overCapacity, 0);
      assert.equal(r.doubleAssigned, 0);
      assert.equal(r.counterDrift, 0);
      assert.equal(r.queued, 100);
      assert.equal(r.loadMin, 30);
      assert.equal(r.loadMax, 30);
    } finally {
      await Promise.all(sessions.map((s) => s.end({ timeout: 5 })));
      await fixture.cleanup();
    }
  });
});

Deno.test("routing raced by the queue hand-out and Slack reassign keeps capacity and spreads the load evenly", async () => {
  // Room to spare (twice the fair share): the spread shows the least-loaded rule, not the cap.
  const r = await benchAssignment(env.dbUrl, {
    tickets: 1000,
    queued: 200,
    workers: 2,
    agents: 20,
    batch: 20,
  });
  assert.equal(r.overCapacity, 0);
  assert.equal(r.doubleAssigned, 0);
  assert.equal(r.counterDrift, 0);
  assert.equal(r.queued, 0, "every queued ticket was handed out");
  assert.equal(r.handedOut, 200);
  assert.equal(r.skipped, 1000, "each worker found the other's tickets already routed");
  assert.ok(r.slackReassigned > 0, "Slack reassigned tickets meanwhile");
  // 1,200 tickets over 20 agents is 60 each; a Slack move can leave a few off until routing
  // gives the next ticket to the least loaded again.
  assert.ok(r.loadMax - r.loadMin <= 4, `load spread ${r.loadMin}..${r.loadMax}`);
});
