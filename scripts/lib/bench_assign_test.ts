import assert from "node:assert/strict";
import { assignBenchReport, type AssignBenchResult } from "./bench_assign.ts";

const clean: AssignBenchResult = {
  tickets: 10_000,
  workers: 2,
  agents: 50,
  capacity: 440,
  assignPerS: 380,
  skipped: 10_000,
  handedOut: 1_000,
  slackReassigned: 120,
  overCapacity: 0,
  doubleAssigned: 0,
  counterDrift: 0,
  queued: 0,
  loadMin: 219,
  loadMax: 221,
  loadStddev: 0.6,
};

Deno.test("assignBenchReport() prints the issue's figures and finds nothing wrong in a clean run", () => {
  const { lines, failures } = assignBenchReport(clean);
  assert.deepEqual(failures, []);
  for (const name of ["assign_per_s: 380", "over_capacity: 0", "double_assigned: 0"]) {
    assert.ok(lines.includes(name), name);
  }
  assert.ok(lines.includes("assign_load_spread: min 219, max 221, stddev 0.60"));
});

Deno.test("assignBenchReport() names each broken guarantee", () => {
  const { failures } = assignBenchReport({
    ...clean,
    overCapacity: 2,
    doubleAssigned: 1,
    counterDrift: 3,
  });
  assert.deepEqual(failures, [
    "2 agents over capacity",
    "1 tickets assigned twice",
    "3 agents' active-ticket counters wrong",
  ]);
});
