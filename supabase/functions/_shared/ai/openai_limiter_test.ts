import assert from "node:assert/strict";
import { createLimiter, sharedLimiter } from "./openai_limiter.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

Deno.test("createLimiter() runs at most `limit` functions at once, first in first out", async () => {
  const limiter = createLimiter(2);
  const gates = Array.from({ length: 4 }, deferred);
  const started: number[] = [];
  const runs = gates.map((gate, i) =>
    limiter.run(async () => {
      started.push(i);
      await gate.promise;
      return i;
    })
  );
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(limiter.active, 2);
  assert.equal(limiter.queued, 2);
  gates[1].resolve();
  await runs[1];
  await Promise.resolve();
  assert.deepEqual(started, [0, 1, 2]);
  for (const gate of gates) gate.resolve();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(limiter.active, 0);
});

Deno.test("createLimiter() frees the slot when the function throws", async () => {
  const limiter = createLimiter(1);
  await assert.rejects(limiter.run(() => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(await limiter.run(() => Promise.resolve("next")), "next");
});

Deno.test("createLimiter() drops a queued function whose signal aborts", async () => {
  const limiter = createLimiter(1);
  const gate = deferred();
  const first = limiter.run(() => gate.promise);
  const controller = new AbortController();
  let ran = false;
  const second = limiter.run(() => {
    ran = true;
    return Promise.resolve();
  }, controller.signal);
  controller.abort(new Error("cancelled"));
  await assert.rejects(second, /cancelled/);
  assert.equal(limiter.queued, 0);
  gate.resolve();
  await first;
  assert.equal(ran, false);
  assert.equal(limiter.active, 0);
});

Deno.test("createLimiter() refuses a limit below 1", () => {
  assert.throws(() => createLimiter(0), RangeError);
  assert.throws(() => createLimiter(2.5), RangeError);
});

Deno.test("sharedLimiter() returns the same limiter for the same key and limit", () => {
  const a = sharedLimiter("http://shared.test/v1", 3);
  assert.equal(sharedLimiter("http://shared.test/v1", 3), a);
  assert.notEqual(sharedLimiter("http://other.test/v1", 3), a);
  assert.equal(a.limit, 3);
});
