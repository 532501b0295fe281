import assert from "node:assert/strict";
import { env, uniqueEmail, withSql } from "./helpers.ts";

const url = () => `${env.functionsUrl}/functions/v1/intake`;

/** A random IPv6 address in its own /64 (documentation range), so each test has fresh limits. */
function uniqueIp(): string {
  const hex = () => Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8:${hex()}:${hex()}::${hex()}`;
}

async function send(
  body: BodyInit,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(url(), { method: "POST", headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("intake accepts an urlencoded form post as a web ticket", async () => {
  const email = uniqueEmail("form");
  const res = await send(
    new URLSearchParams({ email, name: "Form User", body: "Where is my order?", website: "" }),
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await withSql(async (sql) => {
    const [t] = await sql`select channel, body, attachments from tickets where id = ${
      String(res.body.ticket_id)
    }`;
    assert.equal(t.channel, "web");
    assert.equal(t.body, "Where is my order?");
    assert.deepEqual(t.attachments, []);
  });
});

Deno.test("intake records name, type, size and SHA-256 of multipart attachments", async () => {
  const email = uniqueEmail("files");
  const pdf = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
  const text = new TextEncoder().encode("log line 1\nlog line 2\n");
  const data = new FormData();
  data.append("email", email);
  data.append("subject", "Broken export");
  data.append("body", "The export fails, files attached.");
  data.append("website", "");
  data.append("attachments", new File([pdf], "report.pdf", { type: "application/pdf" }));
  data.append("attachments", new File([text], "app.log", { type: "text/plain" }));
  const res = await send(data);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  await withSql(async (sql) => {
    const [t] = await sql`select channel, attachments from tickets where id = ${
      String(res.body.ticket_id)
    }`;
    assert.equal(t.channel, "web");
    assert.deepEqual(t.attachments, [
      { name: "report.pdf", type: "application/pdf", size: 300_000, sha256: await sha256(pdf) },
      { name: "app.log", type: "text/plain", size: text.length, sha256: await sha256(text) },
    ]);
  });
});

Deno.test("intake stops reading an attachment over 10 MB and stores nothing", async () => {
  const email = uniqueEmail("huge");
  const boundary = "istsIntegrationBoundary";
  const head = new TextEncoder().encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\n${email}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="body"\r\n\r\nBig file\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="disk.img"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  let sent = 0;
  let headSent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!headSent) {
        headSent = true;
        return controller.enqueue(head);
      }
      if (sent > 60 * 1024 * 1024) return controller.close();
      sent += 256 * 1024;
      controller.enqueue(new Uint8Array(256 * 1024).fill(120));
    },
  });
  const res = await send(stream, { "content-type": `multipart/form-data; boundary=${boundary}` });
  assert.equal(res.status, 413);
  assert.match(String(res.body.error), /attachment "disk\.img": larger than 10 MB/);
  assert.ok(sent < 60 * 1024 * 1024, `the server read ${sent} bytes`);
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email = ${email}`;
    assert.equal(n, 0);
  });
});

Deno.test("intake answers a filled honeypot like a success, logs it and stores no ticket", async () => {
  const email = uniqueEmail("bot");
  const ip = uniqueIp();
  const res = await send(
    new URLSearchParams({ email, body: "Buy cheap watches", website: "https://spam.example" }),
    { "x-forwarded-for": ip },
  );
  assert.equal(res.status, 201);
  assert.match(String(res.body.ticket_id), /^[0-9a-f-]{36}$/);
  assert.equal(res.body.duplicate, false);
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email = ${email}`;
    assert.equal(n, 0);
    const logged = await sql`select severity, context from error_logs
      where error_type = 'honeypot' and context ->> 'email' = ${email}`;
    assert.equal(logged.length, 1);
    assert.equal(logged[0].severity, "info");
    assert.equal(logged[0].context.client_ip, ip);
  });
});

Deno.test("intake lets exactly 30 of 40 concurrent posts from one address through", async () => {
  const ip = uniqueIp();
  const emails = Array.from({ length: 40 }, (_, i) => uniqueEmail(`ip${i}`));
  const results = await Promise.all(
    emails.map((email) =>
      send(JSON.stringify({ email, body: `Question from the same office (${email})` }), {
        "content-type": "application/json",
        "x-forwarded-for": `${ip}, 10.0.0.1`,
      })
    ),
  );
  const created = results.filter((r) => r.status === 201);
  const limited = results.filter((r) => r.status === 429);
  assert.equal(created.length, 30, results.map((r) => r.status).join(","));
  assert.equal(limited.length, 10);
  for (const r of limited) {
    const retry = Number(r.headers.get("retry-after"));
    assert.ok(retry >= 1 && retry <= 600, `Retry-After ${retry}`);
    assert.match(String(r.body.error), /too many messages from this network address/);
    assert.deepEqual(r.body.details, { limit: "ip", retryAfterSeconds: retry });
  }
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email in ${
      sql(emails)
    }`;
    assert.equal(n, 30);
    const [counter] = await sql`select hits from app_private.intake_rate_limits
      where scope = 'ip' and subject = ${ip.replace(/::[0-9a-f]+$/, "::/64")}`;
    assert.equal(counter.hits, 30);
  });
});

Deno.test("intake lets exactly 10 of 15 concurrent messages from one sender through, duplicates still answered", async () => {
  const email = uniqueEmail("chatty");
  const bodies = Array.from({ length: 15 }, (_, i) => `Message number ${i} about my account`);
  const results = await Promise.all(
    bodies.map((body) =>
      send(JSON.stringify({ email, body }), { "content-type": "application/json" })
    ),
  );
  assert.equal(results.filter((r) => r.status === 201).length, 10);
  const limited = results.filter((r) => r.status === 429);
  assert.equal(limited.length, 5);
  assert.match(String(limited[0].body.error), /too many messages from this sender/);
  const accepted = bodies.find((_, i) => results[i].status === 201)!;
  const again = await send(JSON.stringify({ email, body: accepted }), {
    "content-type": "application/json",
  });
  assert.equal(again.status, 200, "a duplicate is answered although the limit is used up");
  assert.equal(again.body.duplicate, true);
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email = ${email}`;
    assert.equal(n, 10);
  });
});

Deno.test("intake's 429 reaches a browser form with CORS and a readable Retry-After", async () => {
  const ip = uniqueIp();
  await withSql((sql) =>
    sql`insert into app_private.intake_rate_limits (scope, subject, window_start, hits)
        values ('ip', ${ip.replace(/::[0-9a-f]+$/, "::/64")}, now(), 1000)`
  );
  const res = await send(JSON.stringify({ email: uniqueEmail("cors429"), body: "Hello" }), {
    "content-type": "application/json",
    origin: "https://forms.example.com",
    "x-forwarded-for": ip,
  });
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("access-control-allow-origin"), "https://forms.example.com");
  assert.match(res.headers.get("access-control-expose-headers") ?? "", /retry-after/);
  assert.ok(Number(res.headers.get("retry-after")) > 0);
});
