import assert from "node:assert/strict";
import { benchAssignment } from "../../scripts/lib/bench_assign.ts";
import { env } from "./helpers.ts";

Deno.test("four workers routing at once never exceed an agent's capacity nor assign a ticket twice", async () => {
  // 10 agents with room for 30 each (300 slots) and 400 tickets: 100 must wait in the queue.
  const r = await benchAssignment(env.dbUrl, {
    tickets: 400,
    workers: 4,
    agents: 10,
    capacity: 30,
    batch: 10,
  });
  assert.equal(r.overCapacity, 0);
  assert.equal(r.doubleAssigned, 0);
  assert.equal(r.queued, 100);
  assert.equal(r.loadMin, 30);
  assert.equal(r.loadMax, 30);
});
