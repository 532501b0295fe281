import assert from "node:assert/strict";
import { mapLimit, parseMessages } from "./messages.ts";

function jsonl(...lines: unknown[]): string {
  return lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");
}

const GOOD = { email: "jane@example.com", body: "Locked out." };

Deno.test("parseMessages() keeps good lines with their 1-based line numbers", () => {
  const text = jsonl(GOOD, "", { ...GOOD, subject: "Hi", channel: "slack" }, "   ");
  const { messages, problems } = parseMessages(text);
  assert.deepEqual(problems, []);
  assert.deepEqual(messages.map((m) => m.line), [1, 3]);
  assert.equal(messages[1].message.channel, "slack");
  assert.equal(messages[1].message.subject, "Hi");
});

Deno.test("parseMessages() reads CRLF files and a trailing newline", () => {
  const { messages, problems } = parseMessages(
    `${JSON.stringify(GOOD)}\r\n${JSON.stringify(GOOD)}\r\n`,
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(messages.map((m) => m.line), [1, 2]);
});

Deno.test("parseMessages() keeps the expected outcome of a line", () => {
  const expect = { category: "account", priority: "high", auto_resolve: false };
  const { messages } = parseMessages(jsonl({ ...GOOD, expect }));
  assert.deepEqual(messages[0].message.expect, expect);
});

Deno.test("parseMessages() reports invalid JSON with its line number", () => {
  const { messages, problems } = parseMessages(jsonl(GOOD, "{ nope", GOOD));
  assert.deepEqual(problems, ["line 2: not valid JSON"]);
  assert.deepEqual(messages.map((m) => m.line), [1, 3]);
});

Deno.test("parseMessages() reports a missing or invalid email with its line number", () => {
  const { messages, problems } = parseMessages(
    jsonl(GOOD, { body: "no sender" }, { email: "nope", body: "x" }),
  );
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^line 2: email /);
  assert.equal(problems[1], "line 3: email must be an email address");
  assert.equal(messages.length, 1);
});

Deno.test("parseMessages() reports an empty body with its line number", () => {
  const { problems } = parseMessages(jsonl(GOOD, GOOD, { email: "a@example.com", body: " \n " }));
  assert.deepEqual(problems, ["line 3: body must not be empty"]);
});

Deno.test("parseMessages() reports a channel it does not know with its line number", () => {
  const { problems } = parseMessages(jsonl({ ...GOOD, channel: "fax" }));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^line 1: channel /);
});

Deno.test("parseMessages() lists every problem of one line together", () => {
  const { problems } = parseMessages(jsonl({ email: "nope", body: "", channel: "fax" }));
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^line 1: email .+; body .+; channel /);
});

Deno.test("parseMessages() reports a line that is JSON but not an object", () => {
  const { messages, problems } = parseMessages(jsonl("[1, 2]", "42"));
  assert.equal(messages.length, 0);
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^line 1: line /);
  assert.match(problems[1], /^line 2: line /);
});

Deno.test("parseMessages() returns nothing for empty text", () => {
  assert.deepEqual(parseMessages(""), { messages: [], problems: [] });
});

function tick(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

Deno.test("mapLimit() returns results in input order even when tasks finish out of order", async () => {
  const delays = [30, 5, 20, 0, 10];
  const results = await mapLimit(delays, 2, async (delay, index) => {
    await tick(delay);
    return `${index}:${delay}`;
  });
  assert.deepEqual(results, ["0:30", "1:5", "2:20", "3:0", "4:10"]);
});

Deno.test("mapLimit() never runs more than the limit at once", async () => {
  let running = 0;
  let peak = 0;
  const items = Array.from({ length: 12 }, (_, i) => i);
  await mapLimit(items, 3, async (i) => {
    running++;
    peak = Math.max(peak, running);
    await tick(i % 3);
    running--;
    return i;
  });
  assert.equal(peak, 3);
});

Deno.test("mapLimit() runs every item once", async () => {
  const seen: number[] = [];
  const items = Array.from({ length: 25 }, (_, i) => i);
  const results = await mapLimit(items, 4, (i) => {
    seen.push(i);
    return Promise.resolve(i * 2);
  });
  assert.deepEqual(seen.toSorted((a, b) => a - b), items);
  assert.deepEqual(results, items.map((i) => i * 2));
});

Deno.test("mapLimit() handles fewer items than the limit and no items", async () => {
  assert.deepEqual(await mapLimit([1, 2], 8, (i) => Promise.resolve(i + 1)), [2, 3]);
  assert.deepEqual(await mapLimit([], 8, (i: number) => Promise.resolve(i)), []);
});

Deno.test("mapLimit() rejects with the first task error", async () => {
  await assert.rejects(
    mapLimit(
      [1, 2, 3],
      2,
      (i) => i === 2 ? Promise.reject(new Error("task 2 failed")) : Promise.resolve(i),
    ),
    /task 2 failed/,
  );
});
