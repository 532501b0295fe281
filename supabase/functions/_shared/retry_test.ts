import assert from "node:assert/strict";
import { withRetries } from "./retry.ts";

const noSleep = () => Promise.resolve();

Deno.test("withRetries retries a transient failure and returns the later success", async () => {
  let calls = 0;
  const value = await withRetries(() => {
    calls++;
    if (calls < 3) {
      return Promise.reject(Object.assign(new Error("down"), { code: "ECONNREFUSED" }));
    }
    return Promise.resolve("ok");
  }, { sleep: noSleep });
  assert.equal(value, "ok");
  assert.equal(calls, 3);
});

Deno.test("withRetries gives up after 3 attempts with the last error", async () => {
  let calls = 0;
  const delays: number[] = [];
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(Object.assign(new Error("deadlock"), { code: "40P01" }));
    }, { sleep: (ms) => (delays.push(ms), Promise.resolve()) }),
    /deadlock/,
  );
  assert.equal(calls, 3);
  assert.equal(delays.length, 2);
  assert.ok(delays[0] >= 100 && delays[0] <= 150 && delays[1] >= 400 && delays[1] <= 600);
});

Deno.test("withRetries does not retry a permanent error", async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(Object.assign(new Error("bad"), { code: "22023" }));
    }, { sleep: noSleep }),
    /bad/,
  );
  assert.equal(calls, 1);
});
