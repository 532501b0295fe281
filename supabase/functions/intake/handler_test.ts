import assert from "node:assert/strict";
import type { Log } from "../_shared/log.ts";
import { idempotencyKey, isEmailAddress, type NormalisedMessage } from "../_shared/normalise.ts";
import {
  createIntakeHandler,
  type IntakeDeps,
  type IntakeResult,
  MAX_BODY_BYTES,
  type RateLimited,
  type TicketIntakeStore,
} from "./handler.ts";
import { signBody } from "./auth.ts";

interface StubStore extends TicketIntakeStore {
  calls: { key: string; message: NormalisedMessage; clientIp: string | null | undefined }[];
  honeypots: { clientIp: string | null; context: Record<string, unknown> }[];
}

function stubStore(result: Partial<IntakeResult> | RateLimited = {}): StubStore {
  const calls: StubStore["calls"] = [];
  const honeypots: StubStore["honeypots"] = [];
  return {
    calls,
    honeypots,
    intake(key, message, options) {
      calls.push({ key, message, clientIp: options?.clientIp });
      if ("limitedBy" in result) return Promise.resolve(result);
      return Promise.resolve({ ticketId: "t-1", ticketNumber: 1001, duplicate: false, ...result });
    },
    recordHoneypot(options) {
      honeypots.push(options);
      return Promise.resolve("limitedBy" in result ? result : { ticketNumber: 1002 });
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
    outcome: "created",
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
    // Nothing is configured, so this is a public post: it never threads by subject.
    threadBySubject: false,
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
    recordHoneypot: () => Promise.reject(new Error("unused")),
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

function form(fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request("http://local/functions/v1/intake", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function multipartRequest(data: FormData, headers: Record<string, string> = {}): Request {
  return new Request("http://local/functions/v1/intake", { method: "POST", headers, body: data });
}

Deno.test("createIntakeHandler() accepts an urlencoded form post as channel web", async () => {
  const store = stubStore();
  const res = await handler({ store })(
    form({ ...VALID, name: "Jane", website: "", "metadata.page": "/pricing" }),
  );
  assert.equal(res.status, 201);
  await res.body?.cancel();
  const { message } = store.calls[0];
  assert.equal(message.channel, "web");
  assert.equal(message.email, "jane@example.com");
  assert.deepEqual(message.metadata, { page: "/pricing" });
});

Deno.test("createIntakeHandler() records attachments of a multipart post and keys them in", async () => {
  const store = stubStore();
  const h = handler({ store });
  const data = new FormData();
  for (const [k, v] of Object.entries(VALID)) data.append(k, v);
  data.append(
    "attachments",
    new File(["%PDF-1.7 invoice"], "invoice.pdf", { type: "application/pdf" }),
  );
  data.append("attachments", new File([], "", { type: "application/octet-stream" }));
  const res = await h(multipartRequest(data));
  assert.equal(res.status, 201);
  await res.body?.cancel();
  const { message, key } = store.calls[0];
  assert.equal(message.channel, "web");
  assert.deepEqual(message.attachments, [{
    name: "invoice.pdf",
    type: "application/pdf",
    size: 16,
    // printf '%PDF-1.7 invoice' | sha256sum
    sha256: "f3717db969604d941a6e1ef823cc278ab25d01809231ac1fe47a87199931d4f7",
  }]);
  assert.notEqual(key, await idempotencyKey(message), "the file changes the deduplication key");
  const same = await h(multipartRequest(data));
  await same.body?.cancel();
  assert.equal(store.calls[1].key, key, "the same message with the same file has the same key");
});

Deno.test("createIntakeHandler() returns 422 for a form field given twice", async () => {
  const body = "email=a%40example.com&body=x&body=y";
  const res = await handler()(post(body, { "content-type": "application/x-www-form-urlencoded" }));
  assert.deepEqual(await details(res), [{ field: "body", problem: "must be given once" }]);
});

Deno.test("createIntakeHandler() returns 413 naming the file that is too large", async () => {
  const store = stubStore();
  const limits = { textBytes: 1024, fileBytes: 100, totalFileBytes: 150, files: 2 };
  const data = new FormData();
  data.append("email", VALID.email);
  data.append("body", VALID.body);
  data.append("attachments", new File([new Uint8Array(101)], "photo.jpg"));
  const res = await handler({ store, limits })(multipartRequest(data));
  assert.equal(res.status, 413);
  assert.match((await res.json()).error, /attachment "photo\.jpg": larger than 100 bytes/);
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() answers a filled honeypot like a success and stores no ticket", async () => {
  const store = stubStore();
  const res = await handler({ store })(
    form({ ...VALID, website: "http://spam.example" }, { "x-forwarded-for": "203.0.113.9" }),
  );
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.deepEqual(Object.keys(body).sort(), [
    "duplicate",
    "idempotency_key",
    "outcome",
    "ticket_id",
    "ticket_number",
  ]);
  assert.equal(body.outcome, "created");
  assert.equal(body.ticket_number, 1002);
  assert.equal(store.calls.length, 0);
  assert.equal(store.honeypots.length, 1);
  assert.equal(store.honeypots[0].clientIp, "203.0.113.9");
  assert.equal(store.honeypots[0].context.email, VALID.email);
});

Deno.test("createIntakeHandler() treats a JSON honeypot the same and accepts it empty", async () => {
  const store = stubStore();
  const h = handler({ store });
  const trapped = await h(post({ ...VALID, website: "x" }));
  assert.equal(trapped.status, 201);
  await trapped.body?.cancel();
  const empty = await h(post({ ...VALID, website: "" }));
  assert.equal(empty.status, 201);
  await empty.body?.cancel();
  assert.equal(store.honeypots.length, 1);
  assert.equal(store.calls.length, 1);
});

Deno.test("createIntakeHandler() returns 429 with Retry-After when a rate limit refuses", async () => {
  const store = stubStore({ limitedBy: "sender", retryAfterSeconds: 1234 });
  const res = await handler({ store, corsOrigins: ["https://forms.example.com"] })(
    post(VALID, { origin: "https://forms.example.com" }),
  );
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "1234");
  assert.match(res.headers.get("access-control-expose-headers") ?? "", /retry-after/);
  const body = await res.json();
  assert.match(body.error, /too many messages from this sender; try again in 1234 seconds/);
  assert.deepEqual(body.details, { limit: "sender", retryAfterSeconds: 1234 });
});

Deno.test("createIntakeHandler() rate-limits public posts by the first X-Forwarded-For address", async () => {
  const store = stubStore();
  const h = handler({ store });
  for (
    const [xff, expected] of [
      ["198.51.100.7, 10.0.0.1", "198.51.100.7"],
      ["2001:DB8::1", "2001:db8::1"],
      ["not-an-ip", null],
      ["999.1.1.1", null],
    ] as const
  ) {
    const res = await h(post(VALID, { "x-forwarded-for": xff }));
    await res.body?.cancel();
    assert.equal(store.calls.at(-1)?.clientIp, expected, xff);
  }
  const none = await h(post(VALID));
  await none.body?.cancel();
  assert.equal(store.calls.at(-1)?.clientIp, null);
});

Deno.test("createIntakeHandler() exempts API-key callers from the per-IP limit", async () => {
  const store = stubStore();
  const res = await handler({ ...KEYS, store })(
    post(VALID, { "x-api-key": "key-one", "x-forwarded-for": "198.51.100.7" }),
  );
  assert.equal(res.status, 201);
  await res.body?.cancel();
  assert.equal(store.calls[0].clientIp, null);
});

const HMAC = { apiKeys: [], hmacSecrets: ["integration-secret-0123"], now: () => 1_800_000_000 };

function signed(body: string, secret = HMAC.hmacSecrets[0], ts = "1800000000"): Request {
  return post(body, {
    "x-ists-timestamp": ts,
    "x-ists-signature": `v1=${signBody(secret, ts, body)}`,
  });
}

Deno.test("createIntakeHandler() accepts a request signed with a configured secret", async () => {
  const store = stubStore();
  const res = await handler({ ...HMAC, store })(signed(JSON.stringify(VALID)));
  assert.equal(res.status, 201);
  await res.body?.cancel();
  assert.equal(store.calls[0].clientIp, null);
});

Deno.test("createIntakeHandler() returns 401 for a wrong, stale or missing signature", async () => {
  const store = stubStore();
  const h = handler({ ...HMAC, store });
  const body = JSON.stringify(VALID);
  const attempts = [
    signed(body, "another-secret-0123456"),
    signed(body, HMAC.hmacSecrets[0], "1799999000"),
    post(VALID),
  ];
  for (const req of attempts) {
    const res = await h(req);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  }
  assert.equal(store.calls.length, 0);
});

Deno.test("createIntakeHandler() with keys and a public form takes browser posts from allowed origins as web", async () => {
  const store = stubStore();
  const h = handler({
    ...KEYS,
    publicForm: true,
    corsOrigins: ["https://forms.example.com"],
    store,
  });
  const fromForm = await h(
    post({ ...VALID, channel: "email" }, {
      origin: "https://forms.example.com",
      "x-forwarded-for": "203.0.113.20",
    }),
  );
  assert.equal(fromForm.status, 201);
  await fromForm.body?.cancel();
  assert.equal(store.calls[0].message.channel, "web");
  assert.equal(store.calls[0].clientIp, "203.0.113.20");
  const elsewhere = await h(post(VALID, { origin: "https://evil.example.net" }));
  assert.equal(elsewhere.status, 401);
  await elsewhere.body?.cancel();
  assert.equal(store.calls.length, 1);
});

Deno.test("createIntakeHandler() allows the signature headers in CORS preflights", async () => {
  const res = await handler({ corsOrigins: ["https://forms.example.com"] })(
    new Request("http://local/functions/v1/intake", {
      method: "OPTIONS",
      headers: { origin: "https://forms.example.com" },
    }),
  );
  assert.equal(res.status, 204);
  assert.match(res.headers.get("access-control-allow-headers") ?? "", /x-ists-signature/);
});

Deno.test("createIntakeHandler() answers 200 with outcome reply when the message joined a ticket", async () => {
  const log = recordingLog();
  const store = stubStore({ ticketId: "t-9", ticketNumber: 9, outcome: "reply" });
  const res = await handler({ store, log, apiKeys: ["k-1"] })(
    post({ ...VALID, subject: "Re: [#T-9] Cannot log in" }, { "x-api-key": "k-1" }),
  );
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.outcome, "reply");
  assert.equal(body.ticket_id, "t-9");
  assert.equal(body.duplicate, false);
  assert.deepEqual(log.lines.map((l) => l.msg), ["reply added to its ticket"]);
  assert.equal(store.calls[0].message.threadBySubject, undefined, "a keyed caller may thread");
});

Deno.test("createIntakeHandler() never lets a public post thread by a subject reference", async () => {
  const store = stubStore();
  const h = handler({
    store,
    apiKeys: ["k-1"],
    publicForm: true,
    corsOrigins: ["https://forms.example.com"],
  });
  const res = await h(
    post({ ...VALID, subject: "[#T-1] let me in" }, { origin: "https://forms.example.com" }),
  );
  assert.equal(res.status, 201);
  await res.body?.cancel();
  assert.equal(store.calls[0].message.threadBySubject, false);
});

Deno.test("createIntakeHandler() retries a transient database failure 3 times", async () => {
  const store = stubStore();
  let calls = 0;
  const flaky: TicketIntakeStore = {
    ...store,
    intake(key, message, options) {
      calls++;
      if (calls <= 3) {
        return Promise.reject(Object.assign(new Error("deadlock"), { code: "40P01" }));
      }
      return store.intake(key, message, options);
    },
  };
  const res = await handler({ store: flaky, sleep: () => Promise.resolve() })(post(VALID));
  assert.equal(res.status, 201);
  await res.body?.cancel();
  assert.equal(calls, 4);
});

Deno.test("createIntakeHandler() answers 503 when the database stays unreachable, keeping nothing", async () => {
  let calls = 0;
  const deadLetters: string[] = [];
  const down: TicketIntakeStore = {
    ...stubStore(),
    intake() {
      calls++;
      return Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" }));
    },
    deadLetter(_channel, reason) {
      deadLetters.push(reason);
      return Promise.resolve(1);
    },
  };
  const res = await handler({ store: down, sleep: () => Promise.resolve() })(post(VALID));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
  await res.body?.cancel();
  assert.equal(calls, 4);
  assert.deepEqual(deadLetters, []);
});

Deno.test("createIntakeHandler() keeps a message intake cannot store as a dead letter (202)", async () => {
  const kept: { channel: string; reason: string; raw: Uint8Array; details: unknown }[] = [];
  const broken: TicketIntakeStore = {
    ...stubStore(),
    intake() {
      return Promise.reject(Object.assign(new Error("value too long"), { code: "22001" }));
    },
    deadLetter(channel, reason, raw, details) {
      kept.push({ channel, reason, raw, details });
      return Promise.resolve(77);
    },
  };
  const res = await handler({ store: broken, sleep: () => Promise.resolve() })(post(VALID));
  assert.equal(res.status, 202);
  assert.deepEqual(await res.json(), { outcome: "dead_letter", dead_letter_id: 77 });
  assert.equal(kept.length, 1);
  assert.match(kept[0].reason, /intake failed after its retries: value too long/);
  const raw = JSON.parse(new TextDecoder().decode(kept[0].raw));
  assert.match(raw.idempotency_key, /^[0-9a-f]{64}$/);
  assert.equal(raw.message.email, VALID.email);
  assert.equal(raw.message.body, VALID.body);
});
