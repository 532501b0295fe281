import assert from "node:assert/strict";
import { env, post, uniqueEmail, withSql } from "./helpers.ts";

Deno.test("intake creates a ticket and answers 201 with its id and number", async () => {
  const email = uniqueEmail("jane");
  const res = await post("intake", {
    email,
    name: "Jane Customer",
    subject: "Cannot log into account",
    body: "I cannot log in since this morning.",
  });
  assert.equal(res.status, 201);
  assert.equal(res.body.duplicate, false);
  assert.match(String(res.body.ticket_id), /^[0-9a-f-]{36}$/);
  await withSql(async (sql) => {
    const [t] = await sql`select t.sender_email, t.channel, c.name, e.event_type
      from tickets t join customers c on c.id = t.customer_id
      join ticket_events e on e.ticket_id = t.id and e.event_type = 'created'
      where t.id = ${String(res.body.ticket_id)}`;
    assert.equal(t.sender_email, email);
    assert.equal(t.channel, "api");
    assert.equal(t.name, "Jane Customer");
  });
});

Deno.test("intake returns the existing ticket for the same message within 24 hours", async () => {
  const message = { email: uniqueEmail(), subject: "Invoice", body: "Please send my invoice." };
  const first = await post("intake", message);
  const again = await post("intake", {
    ...message,
    email: message.email.toUpperCase(),
    body: "  Please   send my\ninvoice. ",
  });
  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(again.body.duplicate, true);
  assert.equal(again.body.ticket_id, first.body.ticket_id);
});

Deno.test("intake creates one ticket for 25 identical requests arriving at once", async () => {
  const message = {
    email: uniqueEmail("burst"),
    subject: "Refund",
    body: "Refund order 42 please.",
  };
  const results = await Promise.all(Array.from({ length: 25 }, () => post("intake", message)));
  const ids = new Set(results.map((r) => r.body.ticket_id));
  assert.equal(ids.size, 1);
  assert.equal(results.filter((r) => r.status === 201).length, 1);
  assert.equal(results.filter((r) => r.status === 200).length, 24);
  await withSql(async (sql) => {
    const [{ n }] =
      await sql`select count(*)::int as n from tickets where sender_email = ${message.email}`;
    assert.equal(n, 1);
  });
});

Deno.test("intake rejects bad input with a clear 4xx and writes nothing", async () => {
  const email = uniqueEmail("bad");
  const cases: [unknown, Record<string, string> | undefined, number, RegExp][] = [
    [{ body: "no sender" }, undefined, 422, /email/],
    [{ email: "not-an-address", body: "x" }, undefined, 422, /email must be an email address/],
    [{ email, body: "   " }, undefined, 422, /body must not be empty/],
    [{ email, body: "hi", priority: "urgent" }, undefined, 422, /priority is not a known field/],
    [{ email, body: "hi", channel: "fax" }, undefined, 422, /channel/],
    [{ email, body: "x".repeat(100_001) }, undefined, 422, /at most 100000/],
    ["{not json", undefined, 400, /not valid UTF-8 JSON/],
    [JSON.stringify({ email, body: "hi" }), { "content-type": "text/plain" }, 415, /Content-Type/],
    ["x".repeat(300_000), undefined, 413, /larger than/],
  ];
  await withSql(async (sql) => {
    const count = async () =>
      (await sql`select (select count(*) from tickets)::int + (select count(*) from customers)::int as n`)[
        0
      ].n;
    const before = await count();
    for (const [body, headers, status, message] of cases) {
      const res = await post("intake", body, headers ?? { "content-type": "application/json" });
      assert.equal(res.status, status, `expected ${status} for ${String(body).slice(0, 60)}`);
      assert.match(String(res.body.error), message);
    }
    const get = await fetch(
      `${(await import("./helpers.ts")).env.functionsUrl}/functions/v1/intake`,
    );
    assert.equal(get.status, 405);
    await get.body?.cancel();
    assert.equal(await count(), before);
  });
});

Deno.test("intake stores text with NUL characters and lone surrogates safely", async () => {
  const email = uniqueEmail("nul");
  const res = await post("intake", {
    email,
    name: "Nul\u0000 Person",
    subject: "Broken \ud800 subject",
    body: "The export has a \u0000 byte in it.",
    metadata: { "k\u0000ey": "v\u0000al", s: "\udfff" },
  });
  assert.equal(res.status, 201);
  await withSql(async (sql) => {
    const [t] = await sql`select sender_name, subject, body, raw_metadata from tickets
      where id = ${String(res.body.ticket_id)}`;
    assert.equal(t.sender_name, "Nul Person");
    assert.equal(t.subject, "Broken \ufffd subject");
    assert.equal(t.body, "The export has a  byte in it.");
    assert.deepEqual(t.raw_metadata, { key: "val", s: "\ufffd" });
  });
});

Deno.test("intake rejects deeply nested metadata and bodies of invisible characters", async () => {
  let nested: unknown = "x";
  for (let i = 0; i < 40; i++) nested = [nested];
  const deep = await post("intake", { email: uniqueEmail(), body: "hi", metadata: { a: nested } });
  assert.equal(deep.status, 422);
  assert.match(String(deep.body.error), /nested deeper/);
  const invisible = await post("intake", { email: uniqueEmail(), body: "\u200b\u200b\u0001" });
  assert.equal(invisible.status, 422);
  assert.match(String(invisible.body.error), /visible text/);
});

Deno.test("intake stops reading a chunked body as soon as it is too large", async () => {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent > 50 * 1024 * 1024) return controller.close();
      sent += 64 * 1024;
      controller.enqueue(new Uint8Array(64 * 1024).fill(97));
    },
  });
  const res = await fetch(`${env.functionsUrl}/functions/v1/intake`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stream,
  });
  assert.equal(res.status, 413);
  await res.body?.cancel();
  assert.ok(sent < 50 * 1024 * 1024, `the server read ${sent} bytes`);
});

Deno.test("intake answers a CORS preflight only for configured origins", async () => {
  const preflight = (origin: string) =>
    fetch(`${env.functionsUrl}/functions/v1/intake`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST" },
    });
  const allowed = await preflight("https://forms.example.com");
  assert.equal(allowed.status, 204);
  assert.equal(allowed.headers.get("access-control-allow-origin"), "https://forms.example.com");
  const other = await preflight("https://evil.example.net");
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  await allowed.body?.cancel();
  await other.body?.cancel();
  const res = await fetch(`${env.functionsUrl}/functions/v1/intake`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: "https://forms.example.com" },
    body: JSON.stringify({ email: uniqueEmail("cors"), body: "Form question" }),
  });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://forms.example.com");
  await res.body?.cancel();
});

Deno.test("intake never threads a public post onto a ticket by its [#T-n] subject reference", async () => {
  const email = uniqueEmail("victim");
  const first = await post("intake", { email, subject: "My order", body: "Where is my order 31?" });
  assert.equal(first.status, 201);
  // Anyone can post with the customer's address and the ticket number: a ticket of its own.
  const intruder = await post("intake", {
    email,
    subject: `Re: [#T-${first.body.ticket_number}] My order`,
    body: "Please change the delivery address to somewhere else.",
  });
  assert.equal(intruder.status, 201, JSON.stringify(intruder.body));
  assert.equal(intruder.body.outcome, "created");
  assert.notEqual(intruder.body.ticket_id, first.body.ticket_id);
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from responses
      where ticket_id = ${String(first.body.ticket_id)} and direction = 'inbound'`;
    assert.equal(n, 0, "nothing was added to the customer's ticket");
  });
});
