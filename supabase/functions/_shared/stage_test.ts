import assert from "node:assert/strict";
import type { Log } from "./log.ts";
import {
  type ClaimedJob,
  createStageHandler,
  createStageRunner,
  isStaleJobError,
  type JobOutcome,
  type JobStore,
  settledOutcomes,
  type StageOptions,
} from "./stage.ts";

const STAGE = "triage";
const TOKEN = "service-role-key";

function job(id: number): ClaimedJob {
  return { jobId: id, ticketId: `t-${id}`, payload: {}, attempt: 1 };
}

function jobs(...ids: number[]): ClaimedJob[] {
  return ids.map(job);
}

/** An in-memory JobStore that records every call in order. */
interface FakeJobStore extends JobStore {
  queue: ClaimedJob[];
  /** Calls in order: "markActive", "claim:<n returned>", "finishDrain", "ring", "fail:<id>". */
  events: string[];
  claimArgs: [string, number, number][];
  failCalls: { job: ClaimedJob; error: string }[];
  rung: string[];
  count(event: string): number;
  /** Runs after a claim took its snapshot and before it returns (n = 1-based claim number). */
  duringClaim?: (n: number) => void | Promise<void>;
  /** Runs after each finishDrain (n = 1-based call number). */
  afterFinishDrain?: (n: number) => void;
}

function fakeStore(queued: ClaimedJob[] = []): FakeJobStore {
  let claims = 0;
  let finishes = 0;
  const store: FakeJobStore = {
    queue: [...queued],
    events: [],
    claimArgs: [],
    failCalls: [],
    rung: [],
    count: (event) => store.events.filter((e) => e === event || e.startsWith(`${event}:`)).length,
    async claim(stage, limit, lockSeconds) {
      store.claimArgs.push([stage, limit, lockSeconds]);
      const batch = store.queue.splice(0, limit);
      store.events.push(`claim:${batch.length}`);
      await store.duringClaim?.(++claims);
      return batch;
    },
    fail(failed, error) {
      store.events.push(`fail:${failed.jobId}`);
      store.failCalls.push({ job: failed, error });
      return Promise.resolve("queued");
    },
    ring(stage) {
      store.events.push("ring");
      store.rung.push(stage);
      return Promise.resolve();
    },
    markActive() {
      store.events.push("markActive");
      return Promise.resolve();
    },
    finishDrain() {
      store.events.push("finishDrain");
      store.afterFinishDrain?.(++finishes);
      return Promise.resolve();
    },
  };
  return store;
}

const allDone = (batch: ClaimedJob[]): Promise<JobOutcome[]> =>
  Promise.resolve(batch.map((): JobOutcome => ({ outcome: "done" })));

function recordingLog(): Log & { lines: { msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  return Object.assign((msg: string, fields?: Record<string, unknown>) => {
    lines.push({ msg, fields });
  }, { lines });
}

function options(store: JobStore, overrides: Partial<StageOptions> = {}): StageOptions {
  return {
    stage: STAGE,
    tokens: [TOKEN],
    store,
    processBatch: allDone,
    log: () => {},
    now: () => 0,
    ...overrides,
  };
}

Deno.test("createStageRunner() processes every batch until the queue is empty", async () => {
  const store = fakeStore(jobs(1, 2, 3, 4, 5));
  const batches: number[][] = [];
  const drain = createStageRunner(options(store, {
    batchSize: 2,
    lockSeconds: 30,
    processBatch: (batch) => {
      batches.push(batch.map((j) => j.jobId));
      return allDone(batch);
    },
  }));
  assert.deepEqual(await drain(), { processed: 5, failed: 0, coalesced: false });
  assert.deepEqual(batches, [[1, 2], [3, 4], [5]]);
  assert.deepEqual(store.claimArgs[0], [STAGE, 2, 30]);
  assert.deepEqual(store.events, [
    "markActive",
    "claim:2",
    "markActive",
    "claim:2",
    "markActive",
    "claim:1",
    "markActive",
    "claim:0",
    "finishDrain",
    "claim:0",
  ]);
});

Deno.test("createStageRunner() uses batch size 20 and a 60 s lock by default", async () => {
  const store = fakeStore();
  await createStageRunner(options(store))();
  assert.deepEqual(store.claimArgs[0], [STAGE, 20, 60]);
});

Deno.test("createStageRunner() finishes the drain and claims once more when the queue is empty", async () => {
  const store = fakeStore();
  assert.deepEqual(await createStageRunner(options(store))(), {
    processed: 0,
    failed: 0,
    coalesced: false,
  });
  assert.deepEqual(store.events, ["markActive", "claim:0", "finishDrain", "claim:0"]);
});

Deno.test("createStageRunner() processes a job that appears right after finishDrain", async () => {
  const store = fakeStore(jobs(1));
  store.afterFinishDrain = (n) => {
    if (n === 1) store.queue.push(job(2));
  };
  const seen: number[] = [];
  const drain = createStageRunner(options(store, {
    processBatch: (batch) => {
      seen.push(...batch.map((j) => j.jobId));
      return allDone(batch);
    },
  }));
  assert.deepEqual(await drain(), { processed: 2, failed: 0, coalesced: false });
  assert.deepEqual(seen, [1, 2]);
  assert.deepEqual(store.events, [
    "markActive",
    "claim:1",
    "markActive",
    "claim:0",
    "finishDrain",
    "claim:1",
    "markActive",
    "markActive",
    "claim:0",
    "finishDrain",
    "claim:0",
  ]);
});

Deno.test("createStageRunner() records a failed outcome with store.fail and counts it", async () => {
  const store = fakeStore(jobs(1, 2, 3, 4, 5));
  const log = recordingLog();
  const drain = createStageRunner(options(store, {
    log,
    processBatch: () =>
      Promise.resolve<JobOutcome[]>([
        { outcome: "done" },
        { outcome: "failed", error: new Error("provider timed out") },
        { outcome: "failed", error: "plain text failure" },
        { outcome: "queued", error: "recorded by SQL" },
        { outcome: "dead", error: "recorded by SQL" },
      ]),
  }));
  assert.deepEqual(await drain(), { processed: 1, failed: 4, coalesced: false });
  assert.deepEqual(store.failCalls, [
    { job: job(2), error: "provider timed out" },
    { job: job(3), error: "plain text failure" },
  ]);
  const failures = log.lines.filter((l) => l.msg === "job attempt failed").map((l) => l.fields);
  assert.deepEqual(failures.map((f) => [f?.job, f?.next]), [
    [2, "queued"],
    [3, "queued"],
    [4, "queued"],
    [5, "dead"],
  ]);
  assert.equal(failures[0]?.ticket, "t-2");
  assert.equal(failures[0]?.error, "provider timed out");
});

Deno.test("createStageRunner() does not call store.fail for queued or dead outcomes", async () => {
  const store = fakeStore(jobs(1, 2));
  const drain = createStageRunner(options(store, {
    processBatch: () =>
      Promise.resolve<JobOutcome[]>([
        { outcome: "queued", error: "retry later" },
        { outcome: "dead", error: "gave up" },
      ]),
  }));
  assert.deepEqual(await drain(), { processed: 0, failed: 2, coalesced: false });
  assert.equal(store.count("fail"), 0);
});

Deno.test("createStageRunner() skips stale jobs without counting or failing them", async () => {
  const store = fakeStore(jobs(1, 2));
  const log = recordingLog();
  const drain = createStageRunner(options(store, {
    log,
    processBatch: () => Promise.resolve<JobOutcome[]>([{ outcome: "stale" }, { outcome: "done" }]),
  }));
  assert.deepEqual(await drain(), { processed: 1, failed: 0, coalesced: false });
  assert.equal(store.count("fail"), 0);
  assert.deepEqual(log.lines.map((l) => [l.msg, l.fields?.job]), [["stale job skipped", 1]]);
});

Deno.test("createStageRunner() fails a job that got no outcome", async () => {
  const store = fakeStore(jobs(1, 2));
  const drain = createStageRunner(options(store, {
    processBatch: () => Promise.resolve<JobOutcome[]>([{ outcome: "done" }]),
  }));
  assert.deepEqual(await drain(), { processed: 1, failed: 1, coalesced: false });
  assert.deepEqual(store.failCalls, [{ job: job(2), error: "no outcome reported" }]);
});

Deno.test("createStageRunner() coalesces drains beyond maxDrains", async () => {
  const store = fakeStore(jobs(1, 2));
  const gate = Promise.withResolvers<void>();
  let started = 0;
  const bothStarted = Promise.withResolvers<void>();
  const drain = createStageRunner(options(store, {
    batchSize: 1,
    maxDrains: 2,
    processBatch: async (batch) => {
      if (++started === 2) bothStarted.resolve();
      await gate.promise;
      return allDone(batch);
    },
  }));
  const first = drain();
  const second = drain();
  await bothStarted.promise;
  assert.deepEqual(await drain(), { processed: 0, failed: 0, coalesced: true });
  gate.resolve();
  const results = await Promise.all([first, second]);
  assert.deepEqual(results.map((r) => r.coalesced), [false, false]);
  assert.equal(results[0].processed + results[1].processed, 2);
  const third = await drain();
  assert.equal(third.coalesced, false);
});

Deno.test("createStageRunner() loops again when a coalesced ring arrives during an empty claim", async () => {
  const store = fakeStore(jobs(1));
  const drain = createStageRunner(options(store, { maxDrains: 1 }));
  let coalesced: Promise<unknown> | undefined;
  store.duringClaim = (n) => {
    if (n !== 2) return;
    // The claim's snapshot was empty; a job commits and its webhook rings meanwhile.
    store.queue.push(job(2));
    coalesced = drain();
  };
  assert.deepEqual(await drain(), { processed: 2, failed: 0, coalesced: false });
  assert.deepEqual(await coalesced, { processed: 0, failed: 0, coalesced: true });
  assert.deepEqual(store.events, [
    "markActive",
    "claim:1",
    "markActive",
    "claim:0",
    "claim:1",
    "markActive",
    "claim:0",
    "finishDrain",
    "claim:0",
  ]);
});

Deno.test("createStageRunner() claims again after a ring coalesced during a batch", async () => {
  const store = fakeStore(jobs(1));
  let coalesced: Promise<unknown> | undefined;
  const drain = createStageRunner(options(store, {
    maxDrains: 1,
    processBatch: (batch) => {
      if (batch[0].jobId === 1) {
        store.queue.push(job(2));
        coalesced = drain();
      }
      return allDone(batch);
    },
  }));
  assert.deepEqual(await drain(), { processed: 2, failed: 0, coalesced: false });
  assert.equal((await coalesced as { coalesced: boolean }).coalesced, true);
  assert.deepEqual(store.queue, []);
});

Deno.test("createStageRunner() stops at the time budget, finishes the drain and rings", async () => {
  const store = fakeStore(jobs(1, 2, 3, 4, 5));
  let clock = 1_000;
  const drain = createStageRunner(options(store, {
    batchSize: 1,
    budgetMs: 15,
    now: () => clock,
    processBatch: (batch) => {
      clock += 10;
      return allDone(batch);
    },
  }));
  assert.deepEqual(await drain(), { processed: 2, failed: 0, coalesced: false });
  assert.deepEqual(store.queue.map((j) => j.jobId), [3, 4, 5]);
  assert.deepEqual(store.rung, [STAGE]);
  assert.deepEqual(store.events, [
    "markActive",
    "claim:1",
    "markActive",
    "claim:1",
    "finishDrain",
    "ring",
  ]);
});

Deno.test("createStageRunner() does not ring when the queue empties within the budget", async () => {
  const store = fakeStore(jobs(1, 2));
  let clock = 0;
  const drain = createStageRunner(options(store, {
    budgetMs: 100,
    now: () => clock,
    processBatch: (batch) => {
      clock += 10;
      return allDone(batch);
    },
  }));
  await drain();
  assert.equal(store.count("ring"), 0);
});

Deno.test("createStageRunner() finishes the drain when processBatch throws", async () => {
  const store = fakeStore(jobs(1, 2));
  const drain = createStageRunner(options(store, {
    maxDrains: 1,
    processBatch: () => Promise.reject(new Error("batch exploded")),
  }));
  await assert.rejects(drain(), /batch exploded/);
  assert.deepEqual(store.events, ["markActive", "claim:2", "finishDrain"]);
  const next = await drain();
  assert.equal(next.coalesced, false, "the failed drain must release its slot");
});

Deno.test("createStageRunner() keeps the original error when finishDrain also fails", async () => {
  const store = fakeStore(jobs(1));
  store.finishDrain = () => Promise.reject(new Error("db gone"));
  const drain = createStageRunner(options(store, {
    processBatch: () => Promise.reject(new Error("batch exploded")),
  }));
  await assert.rejects(drain(), /batch exploded/);
});

Deno.test("createStageRunner() finishes the drain when a claim throws", async () => {
  const store = fakeStore();
  store.claim = () => Promise.reject(new Error("claim failed"));
  await assert.rejects(createStageRunner(options(store))(), /claim failed/);
  assert.deepEqual(store.events, ["markActive", "finishDrain"]);
});

Deno.test("settledOutcomes() maps fulfilled, stale and rejected promises", () => {
  const error = new Error("boom");
  assert.deepEqual(
    settledOutcomes([
      { status: "fulfilled", value: 1 },
      { status: "rejected", reason: new Error("job 7 is no longer claimed") },
      { status: "rejected", reason: error },
    ]),
    [{ outcome: "done" }, { outcome: "stale" }, { outcome: "failed", error }],
  );
});

Deno.test("isStaleJobError() recognises errors and strings saying the job is no longer claimed", () => {
  assert.equal(isStaleJobError(new Error("job 3 is no longer claimed")), true);
  assert.equal(isStaleJobError("job 3 is no longer claimed"), true);
  assert.equal(isStaleJobError(new Error("timeout")), false);
  assert.equal(isStaleJobError(undefined), false);
});

function stagePost(headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return new Request(`http://local/functions/v1/${STAGE}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ stage: STAGE }),
  });
}

Deno.test("createStageHandler() returns 405 for GET", async () => {
  const store = fakeStore(jobs(1));
  const res = await createStageHandler(options(store))(
    new Request(`http://local/functions/v1/${STAGE}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    }),
  );
  assert.equal(res.status, 405);
  await res.body?.cancel();
  assert.deepEqual(store.events, []);
});

Deno.test("createStageHandler() returns 401 without a bearer token", async () => {
  const store = fakeStore(jobs(1));
  const res = await createStageHandler(options(store))(stagePost({}));
  assert.equal(res.status, 401);
  await res.body?.cancel();
  assert.deepEqual(store.events, []);
});

Deno.test("createStageHandler() returns 401 for a wrong bearer token", async () => {
  const store = fakeStore(jobs(1));
  const res = await createStageHandler(options(store))(
    stagePost({ authorization: "Bearer anon-key" }),
  );
  assert.equal(res.status, 401);
  await res.body?.cancel();
  assert.deepEqual(store.events, []);
});

Deno.test("createStageHandler() returns 200 with the drain's counts", async () => {
  const store = fakeStore(jobs(1, 2, 3));
  const handler = createStageHandler(options(store, {
    processBatch: () =>
      Promise.resolve<JobOutcome[]>([
        { outcome: "done" },
        { outcome: "done" },
        { outcome: "dead", error: "gave up" },
      ]),
  }));
  const res = await handler(stagePost());
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    stage: STAGE,
    processed: 2,
    failed: 1,
    coalesced: false,
  });
});

Deno.test("createStageHandler() returns 202 when the drain is coalesced", async () => {
  const store = fakeStore(jobs(1));
  const gate = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  const handler = createStageHandler(options(store, {
    maxDrains: 1,
    processBatch: async (batch) => {
      entered.resolve();
      await gate.promise;
      return allDone(batch);
    },
  }));
  const first = handler(stagePost());
  await entered.promise;
  const second = await handler(stagePost());
  assert.equal(second.status, 202);
  assert.deepEqual(await second.json(), {
    stage: STAGE,
    processed: 0,
    failed: 0,
    coalesced: true,
  });
  gate.resolve();
  const res = await first;
  assert.equal(res.status, 200);
  assert.equal((await res.json()).processed, 1);
});

Deno.test("createStageHandler() returns a generic 500 and logs when the drain throws", async () => {
  const store = fakeStore(jobs(1));
  const log = recordingLog();
  const handler = createStageHandler(options(store, {
    log,
    processBatch: () => Promise.reject(new Error("secret connection string")),
  }));
  const res = await handler(stagePost());
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: "Internal error" });
  assert.equal(log.lines[0].msg, "unhandled error");
  assert.match(String(log.lines[0].fields?.error), /secret connection string/);
});

Deno.test("createStageRunner() claims again when a ring arrives during its last claim", async () => {
  let claims = 0;
  let drain: () => Promise<unknown> = () => Promise.resolve();
  const processed: number[] = [];
  const store = {
    claim: async () => {
      claims++;
      if (claims === 2) {
        // The final claim after finishDrain: a ring arrives while every slot is busy.
        await drain();
        return [];
      }
      return claims === 3 ? [{ jobId: 7, ticketId: null, payload: {}, attempt: 1 }] : [];
    },
    fail: () => Promise.resolve("queued"),
    ring: () => Promise.resolve(),
    markActive: () => Promise.resolve(),
    finishDrain: () => Promise.resolve(),
  };
  const run = createStageRunner({
    stage: "triage",
    tokens: [],
    store,
    log: () => {},
    maxDrains: 1,
    processBatch: (jobs) => {
      processed.push(...jobs.map((j) => j.jobId));
      return Promise.resolve(jobs.map(() => ({ outcome: "done" as const })));
    },
  });
  drain = run;
  await run();
  assert.deepEqual(processed, [7]);
});
