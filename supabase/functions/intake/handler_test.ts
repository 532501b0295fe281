import assert from "node:assert/strict";
import type { Log } from "../_shared/log.ts";
import { idempotencyKey, type NormalisedMessage } from "../_shared/normalise.ts";
import {
  createIntakeHandler,
  type IntakeDeps,
  type IntakeResult,
  isEmailAddress,
  MAX_BODY_BYTES,
  type TicketIntakeStore,
} from "./handler.ts";

interface StubStore extends TicketIntakeStore {
  calls: { key: string; message: NormalisedMessage }[];
}

function stubStore(result: Partial<IntakeResult> = {}): StubStore {
  const calls: StubStore["calls"] = [];
  return {
    calls,
    intake(key, message) {
      calls.push({ key, message });
      return Promise.resolve({
        ticketId: "t-1",
        ticketNumber: 1001,
        outcome: "created",
        duplicate: false,
        ...result,
      });
    },
  };
}

function recordingLog(): Log & { lines: { msg: string; fields?: Record<string, unknown> }[] } {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  return Object.assign((msg: string, fields?: Record<string, unknown>) => {
    lines.push({ msg, fields });
  }, { lines });
}

function handler(deps: Partial<IntakeDeps> = {}) {
  return createIntakeHandler({ store: stubStore(), apiKeys: [], log: () => {}, ...deps });
}

function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://local/functions/v1/intake", {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const VALID = { email: "jane@example.com", subject: "Cannot log in", body: "Locked out again." };

type Detail = { field: string; problem: string };

async function details(res: Response): Promise<Detail[]> {
  assert.equal(res.status, 422);
  const payload = await res.json();
  assert.match(payload.error, /^Cannot accept ticket: /);
  return payload.details;
}

function fieldsOf(list: Detail[]): string[] {
  return list.map((d) => d.field);
}

Deno.test("createIntakeHandler() returns 201 and stores a new ticket", async () => {
  const store = stubStore({ ticketId: "t-42", ticketNumber: 42 });
  const res = await handler({ store })(post(VALID));
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(store.calls.length, 1);
  assert.deepEqual(body, {
    ticket_id: "t-42",
    ticket_number: 42,
    duplicate: false,
    idempotency_key: store.calls[0].key,
  });
  assert.match(body.idempotency_key, /^[0-9a-f]{64}$/);
});

Deno.test("createIntakeHandler() passes the normalised message to the store", async () => {
  const store = stubStore();
  const res = await handler({ store })(post({
    email: "  Jane.Doe@Example.COM ",
    name: "  Jane \n Doe ",
    subject: "  Cannot\t log   in \n",
    body: "Hello,  \r\n\r\n\r\n\r\nI am locked out.  \r\n",
    channel: "email",
    metadata: { source: "form", tags: ["a"] },
  }));
  assert.equal(res.status, 201);
  const [{ key, message }] = store.calls;
  assert.deepEqual(message, {
    channel: "email",
    email: "jane.doe@example.com",
    name: "Jane Doe",
    subject: "Cannot log in",
    body: "Hello,\n\nI am locked out.",
    attachments: [],
    metadata: { source: "form", tags: ["a"] },
  });
  assert.equal(key, await idempotencyKey(message));
});

Deno.test("createIntakeHandler() derives the subject from the body when it is missing", async () => {
  const store = stubStore();
  await handler({ store })(post({ email: "a@example.com", body: "Printer\n\non fire" }));
  assert.equal(store.calls[0].message.subject, "Printer on fire");
});

Deno.test("createIntakeHandler() derives the subject from the body when it is blank or null", async () => {
  const store = stubStore();
  const h = handler({ store });
  await h(post({ email: "a@example.com", subject: "  \t ", body: "First words" }));
  await h(post({ email: "a@example.com", subject: null, body: "Other words" }));
  assert.deepEqual(store.calls.map((c) => c.message.subject), ["First words", "Other words"]);
});

Deno.test("createIntakeHandler() defaults channel to api, name to null and metadata to {}", async () => {
  const store = stubStore();
  await handler({ store })(post(VALID));
  const { message } = store.calls[0];
  assert.equal(message.channel, "api");
  assert.equal(message.name, null);
  assert.deepEqual(message.metadata, {});
});

Deno.test("createIntakeHandler() returns 200 with the duplicate flag for a known message", async () => {
  const log = recordingLog();
  const store = stubStore({ ticketId: "t-7", ticketNumber: 7, duplicate: true });
  const res = await handler({ store, log })(post(VALID));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.duplicate, true);
  assert.equal(body.ticket_id, "t-7");
  assert.deepEqual(log.lines.map((l) => l.msg), ["duplicate received"]);
});

Deno.test("createIntakeHandler() gives case and whitespace variants the same idempotency key", async () => {
  const store = stubStore();
  const h = handler({ store });
  await h(post(VALID));
  await h(post({
    email: "JANE@example.com",
    subject: "cannot  LOG in",
    body: "  locked out again.\n",
  }));
  assert.equal(store.calls[0].key, store.calls[1].key);
});

Deno.test("createIntakeHandler() returns 405 for GET", async () => {
  const store = stubStore();
  const res = await handler({ store })(new Request("http://local/functions/v1/intake"));
  assert.equal(res.status, 405);
  assert.match((await res.json()).error, /use POST/);
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() returns 415 for a body that is not JSON", async () => {
  const res = await handler()(post(JSON.stringify(VALID), { "content-type": "text/plain" }));
  assert.equal(res.status, 415);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() returns 400 for invalid JSON", async () => {
  const res = await handler()(post("{ not json"));
  assert.equal(res.status, 400);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() returns 413 when content-length exceeds the limit", async () => {
  const store = stubStore();
  const res = await handler({ store })(
    post(VALID, { "content-length": String(MAX_BODY_BYTES + 1) }),
  );
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() returns 413 when the actual body exceeds the limit", async () => {
  const store = stubStore();
  const req = post({ ...VALID, body: "x".repeat(MAX_BODY_BYTES) });
  assert.equal(req.headers.get("content-length"), null);
  const res = await handler({ store })(req);
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() returns 422 naming a missing email", async () => {
  const store = stubStore();
  const list = await details(await handler({ store })(post({ body: "hi" })));
  assert.deepEqual(fieldsOf(list), ["email"]);
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() returns 422 naming an invalid email", async () => {
  const list = await details(await handler()(post({ ...VALID, email: "not-an-email" })));
  assert.deepEqual(list, [{ field: "email", problem: "must be an email address" }]);
});

Deno.test("createIntakeHandler() returns 422 for an email longer than 255 characters", async () => {
  const email = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`;
  assert.ok(email.length > 255);
  const list = await details(await handler()(post({ ...VALID, email })));
  assert.deepEqual(list, [{ field: "email", problem: "must be at most 255 characters" }]);
});

Deno.test("createIntakeHandler() returns 422 for an empty or missing body", async () => {
  const h = handler();
  const blank = await details(await h(post({ ...VALID, body: "  \n\t " })));
  assert.deepEqual(blank, [{ field: "body", problem: "must not be empty" }]);
  const missing = await details(await h(post({ email: VALID.email })));
  assert.deepEqual(fieldsOf(missing), ["body"]);
});

Deno.test("createIntakeHandler() returns 422 for an unknown field", async () => {
  const list = await details(await handler()(post({ ...VALID, priority: "urgent" })));
  assert.equal(list.length, 1);
  assert.equal(list[0].field, "priority");
  assert.equal(list[0].problem, "is not a known field");
});

Deno.test("createIntakeHandler() returns 422 for a channel it does not know", async () => {
  const list = await details(await handler()(post({ ...VALID, channel: "fax" })));
  assert.deepEqual(fieldsOf(list), ["channel"]);
});

Deno.test("createIntakeHandler() returns 422 for metadata larger than 16 KB", async () => {
  const metadata = { blob: "x".repeat(16_384) };
  const list = await details(await handler()(post({ ...VALID, metadata })));
  assert.deepEqual(list, [{ field: "metadata", problem: "must be at most 16 KB" }]);
});

Deno.test("createIntakeHandler() accepts metadata just under 16 KB", async () => {
  const metadata = { blob: "x".repeat(16_384 - '{"blob":""}'.length) };
  assert.equal(JSON.stringify(metadata).length, 16_384);
  const res = await handler()(post({ ...VALID, metadata }));
  assert.equal(res.status, 201);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() returns 422 listing every invalid field at once", async () => {
  const res = await handler()(post({ email: "nope", body: "", channel: "fax" }));
  const list = await details(res);
  assert.deepEqual(fieldsOf(list).sort(), ["body", "channel", "email"]);
});

Deno.test("createIntakeHandler() returns 422 for a JSON body that is not an object", async () => {
  const list = await details(await handler()(post("[1, 2]")));
  assert.deepEqual(fieldsOf(list), ["(body)"]);
});

const KEYS = { apiKeys: ["key-one", "key-two"] };

Deno.test("createIntakeHandler() returns 401 without an API key when keys are configured", async () => {
  const store = stubStore();
  const res = await handler({ ...KEYS, store })(post(VALID));
  assert.equal(res.status, 401);
  assert.match((await res.json()).error, /x-api-key/);
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() returns 401 for a wrong API key", async () => {
  const store = stubStore();
  const h = handler({ ...KEYS, store });
  const attempts: Record<string, string>[] = [
    { "x-api-key": "key-three" },
    { authorization: "Bearer key-on" },
    { authorization: "Basic key-one" },
  ];
  for (const headers of attempts) {
    const res = await h(post(VALID, headers));
    assert.equal(res.status, 401, JSON.stringify(headers));
    await res.body?.cancel();
  }
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() accepts a configured key in x-api-key", async () => {
  const res = await handler(KEYS)(post(VALID, { "x-api-key": "key-two" }));
  assert.equal(res.status, 201);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() accepts a configured key as Authorization: Bearer", async () => {
  const res = await handler(KEYS)(post(VALID, { authorization: "Bearer key-one" }));
  assert.equal(res.status, 201);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() checks the API key before reading the body", async () => {
  const res = await handler(KEYS)(post("{ not json"));
  assert.equal(res.status, 401);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() needs no key when none is configured", async () => {
  const res = await handler({ apiKeys: [] })(post(VALID, { "x-api-key": "anything" }));
  assert.equal(res.status, 201);
  await res.body?.cancel();
});

Deno.test("createIntakeHandler() returns a generic 500 when the store throws", async () => {
  const log = recordingLog();
  const store: TicketIntakeStore = {
    intake: () => Promise.reject(new Error("connection to db.internal:5432 refused (pw=s3cret)")),
  };
  const res = await handler({ store, log })(post(VALID));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: "Internal error" });
  assert.ok(!text.includes("s3cret") && !text.includes("db.internal"));
  assert.equal(log.lines.length, 1);
  assert.equal(log.lines[0].msg, "unhandled error");
  assert.match(String(log.lines[0].fields?.error), /s3cret/);
});

Deno.test("isEmailAddress() rejects dots and hyphens in the wrong places", () => {
  for (
    const bad of ["a@example..com", ".a@example.com", "a..b@example.com", "a@-example.com", "a@b"]
  ) {
    assert.equal(isEmailAddress(bad), false, bad);
  }
  for (const good of ["a.b+tag@example.com", "jürgen@bücher.example", "x@sub.example.co.uk"]) {
    assert.equal(isEmailAddress(good), true, good);
  }
});

Deno.test("createIntakeHandler() returns 422 for a body of blank look-alike characters", async () => {
  const list = await details(await handler()(post({ ...VALID, body: "\u2800\u3164\u115F" })));
  assert.deepEqual(list, [{ field: "body", problem: "must contain visible text" }]);
});

Deno.test("createIntakeHandler() returns 422 when cleaning would change the email", async () => {
  const res = await handler()(post({ ...VALID, email: "a\u0000b@example.com" }));
  assert.equal(res.status, 422);
});
