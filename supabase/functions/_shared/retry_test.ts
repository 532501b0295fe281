import assert from "node:assert/strict";
import { RETRIES, retryDelayMs, withRetries } from "./retry.ts";

const noSleep = () => Promise.resolve();
const down = () => Object.assign(new Error("down"), { code: "ECONNREFUSED" });

Deno.test("withRetries retries a transient failure and returns the later success", async () => {
  let calls = 0;
  const value = await withRetries(() => {
    calls++;
    return calls < 4 ? Promise.reject(down()) : Promise.resolve("ok");
  }, { sleep: noSleep });
  assert.equal(value, "ok");
  assert.equal(calls, 4, "the first attempt and 3 retries");
});

Deno.test("withRetries gives up after 3 retries with the last error, backing off 4x each time", async () => {
  let calls = 0;
  const delays: number[] = [];
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(Object.assign(new Error(`deadlock ${calls}`), { code: "40P01" }));
    }, { sleep: (ms) => (delays.push(ms), Promise.resolve()) }),
    /deadlock 4/,
  );
  assert.equal(RETRIES, 3);
  assert.equal(calls, 1 + RETRIES);
  assert.equal(delays.length, RETRIES);
  const ranges = [[100, 150], [400, 600], [1600, 2400]];
  delays.forEach((d, i) =>
    assert.ok(d >= ranges[i][0] && d <= ranges[i][1], `retry ${i + 1}: ${d}`)
  );
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

Deno.test("withRetries takes another retry count and another test of what is transient", async () => {
  let calls = 0;
  await assert.rejects(
    withRetries(() => {
      calls++;
      return Promise.reject(new Error("flaky"));
    }, { sleep: noSleep, retries: 1, transient: (e) => /flaky/.test(String(e)) }),
  );
  assert.equal(calls, 2);
});

Deno.test("retryDelayMs grows 4x per retry with at most 50 % jitter", () => {
  assert.equal(retryDelayMs(1, 100, () => 0), 100);
  assert.equal(retryDelayMs(2, 100, () => 0), 400);
  assert.equal(retryDelayMs(3, 100, () => 1), 2400);
});
