import assert from "node:assert/strict";
import type { IntakeResult, TicketIntakeStore } from "../_shared/intake_store.ts";
import type { NormalisedMessage } from "../_shared/normalise.ts";
import { createHash } from "node:crypto";
import { KEEP_PARTS_BYTES, KEEP_RAW_BYTES } from "./delivery.ts";
import { createEmailInboundHandler, type EmailInboundDeps } from "./handler.ts";

const SECRET = "mail-secret-1";

interface Recorded {
  intakes: Array<{ key: string; message: NormalisedMessage }>;
  deadLetters: Array<{ reason: string; raw: Uint8Array | null; details: Record<string, unknown> }>;
}

function handler(overrides: Partial<EmailInboundDeps> = {}, result: Partial<IntakeResult> = {}) {
  const recorded: Recorded = { intakes: [], deadLetters: [] };
  const store: Required<TicketIntakeStore> = {
    intake(key, message) {
      recorded.intakes.push({ key, message });
      return Promise.resolve({
        ticketId: "t-1",
        ticketNumber: 7,
        outcome: "created",
        duplicate: false,
        ...result,
      });
    },
    deadLetter(_channel, reason, raw, details = {}) {
      recorded.deadLetters.push({ reason, raw, details });
      return Promise.resolve(99);
    },
  };
  const handle = createEmailInboundHandler({
    store,
    secrets: [SECRET],
    own: { domains: ["support.example.com"], addresses: ["help@support.example.com"] },
    log: () => {},
    ...overrides,
  });
  return { handle, recorded };
}

const RAW = [
  "From: Jane Customer <jane@example.com>",
  "To: help@support.example.com",
  "Subject: Cannot log in",
  "Message-ID: <m1@example.com>",
  "",
  "I cannot log in since this morning.",
  "",
].join("\r\n");

function post(body: BodyInit, headers: Record<string, string>, query = ""): Request {
  return new Request(`http://local/functions/v1/email-inbound${query}`, {
    method: "POST",
    headers,
    body,
  });
}

Deno.test("email-inbound takes a raw message/rfc822 mail and answers 201 with the ticket", async () => {
  const { handle, recorded } = handler();
  const res = await handle(post(RAW, {
    "content-type": "message/rfc822",
    authorization: `Bearer ${SECRET}`,
  }));
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.outcome, "created");
  assert.equal(body.ticket_number, 7);
  const { message, key } = recorded.intakes[0];
  assert.equal(message.channel, "email");
  assert.equal(message.email, "jane@example.com");
  assert.equal(message.subject, "Cannot log in");
  assert.equal(message.messageId, "m1@example.com");
  assert.match(key, /^[0-9a-f]{64}$/);
});

Deno.test("email-inbound accepts the secret as basic-auth password, header or query", async () => {
  for (
    const [headers, query] of [
      [{ authorization: `Basic ${btoa(`mail:${SECRET}`)}` }, ""],
      [{ "x-ists-webhook-secret": SECRET }, ""],
      [{}, `?secret=${SECRET}`],
    ] as Array<[Record<string, string>, string]>
  ) {
    const { handle } = handler();
    const res = await handle(post(RAW, { "content-type": "message/rfc822", ...headers }, query));
    assert.equal(res.status, 201, JSON.stringify(headers) + query);
  }
});

Deno.test("email-inbound refuses requests without the secret and when unconfigured", async () => {
  const { handle, recorded } = handler();
  const res = await handle(
    post(RAW, { "content-type": "message/rfc822", authorization: "Bearer nope" }),
  );
  assert.equal(res.status, 401);
  assert.equal(recorded.intakes.length, 0);
  const unconfigured = handler({ secrets: [] }).handle;
  const res2 = await unconfigured(post(RAW, { "content-type": "message/rfc822" }));
  assert.equal(res2.status, 503);
  assert.match((await res2.json()).error, /ISTS_EMAIL_WEBHOOK_SECRETS/);
});

Deno.test("email-inbound reads a raw field in JSON and Postmark's inbound JSON", async () => {
  const auth = { "content-type": "application/json", authorization: `Bearer ${SECRET}` };
  const a = handler();
  assert.equal((await a.handle(post(JSON.stringify({ raw: RAW }), auth))).status, 201);
  assert.equal(a.recorded.intakes[0].message.subject, "Cannot log in");

  const b = handler();
  const postmark = {
    From: "Jane Customer <jane@example.com>",
    To: "help@support.example.com",
    Subject: "Invoice copy",
    MessageID: "pm-1",
    TextBody: "Please send me a copy of invoice 42.",
    HtmlBody: "<p>Please send me a copy of invoice 42.</p>",
    Headers: [{ Name: "Message-ID", Value: "<pm-1@example.com>" }, {
      Name: "In-Reply-To",
      Value: "<x@support.example.com>",
    }],
    Attachments: [{ Name: "scan.pdf", ContentType: "application/pdf", Content: btoa("%PDF-1.4") }],
  };
  const res = await b.handle(post(JSON.stringify(postmark), auth));
  assert.equal(res.status, 201);
  const m = b.recorded.intakes[0].message;
  assert.equal(m.email, "jane@example.com");
  assert.equal(m.subject, "Invoice copy");
  assert.equal(m.body, "Please send me a copy of invoice 42.");
  assert.equal(m.messageId, "pm-1@example.com");
  assert.deepEqual(m.references, ["x@support.example.com"]);
  assert.equal((m.attachments as Array<{ name: string }>)[0].name, "scan.pdf");
});

Deno.test("email-inbound reads SendGrid's parsed form and Mailgun's signed form", async () => {
  const sendgrid = new FormData();
  sendgrid.set(
    "headers",
    "From: Ann <ann@example.com>\nTo: help@support.example.com\nSubject: Refund\nMessage-ID: <sg-1@example.com>\n",
  );
  sendgrid.set("text", "I want a refund for order 5.");
  sendgrid.set("attachment1", new File(["a,b"], "order.csv", { type: "text/csv" }));
  const a = handler();
  const res = await a.handle(post(sendgrid, {}, `?secret=${SECRET}`));
  assert.equal(res.status, 201);
  const m = a.recorded.intakes[0].message;
  assert.equal(m.email, "ann@example.com");
  assert.equal(m.body, "I want a refund for order 5.");
  assert.equal((m.attachments as Array<{ name: string; size: number }>)[0].size, 3);

  const key = "mailgun-key";
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = "tok-1";
  const mac = await crypto.subtle.sign(
    "HMAC",
    await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(key),
      {
        name: "HMAC",
        hash: "SHA-256",
      },
      false,
      ["sign"],
    ),
    new TextEncoder().encode(timestamp + token),
  );
  const signature = Array.from(new Uint8Array(mac), (x) => x.toString(16).padStart(2, "0")).join(
    "",
  );
  const mailgun = () => {
    const form = new FormData();
    form.set("sender", "bo@example.com");
    form.set("from", "Bo <bo@example.com>");
    form.set("subject", "Outage?");
    form.set("body-plain", "Is the API down?");
    form.set("Message-Id", "<mg-1@example.com>");
    form.set("timestamp", timestamp);
    form.set("token", token);
    return form;
  };
  const b = handler({ secrets: [], mailgunSigningKey: key });
  const signed = mailgun();
  signed.set("signature", signature);
  assert.equal((await b.handle(post(signed, {}))).status, 201);
  assert.equal(b.recorded.intakes[0].message.email, "bo@example.com");
  const forged = mailgun();
  forged.set("signature", "0".repeat(64));
  assert.equal((await b.handle(post(forged, {}))).status, 401);
});

Deno.test("email-inbound keeps a mail without a usable sender as a dead letter (202)", async () => {
  const { handle, recorded } = handler();
  const res = await handle(post("Subject: nobody\r\n\r\nhello\r\n", {
    "content-type": "message/rfc822",
    authorization: `Bearer ${SECRET}`,
  }));
  assert.equal(res.status, 202);
  const body = await res.json();
  assert.equal(body.outcome, "dead_letter");
  assert.equal(body.dead_letter_id, 99);
  assert.match(recorded.deadLetters[0].reason, /no usable sender/);
  assert.equal(
    new TextDecoder().decode(recorded.deadLetters[0].raw!),
    "Subject: nobody\r\n\r\nhello\r\n",
  );
  assert.equal(recorded.intakes.length, 0);
});

Deno.test("email-inbound answers bad requests with a clear 4xx and stores nothing", async () => {
  const auth = { authorization: `Bearer ${SECRET}` };
  const cases: Array<[Request, number, RegExp]> = [
    [post("{", { ...auth, "content-type": "application/json" }), 400, /not valid UTF-8 JSON/],
    [post("[]", { ...auth, "content-type": "application/json" }), 422, /must be an object/],
    [post('{"x":1}', { ...auth, "content-type": "application/json" }), 422, /raw or email field/],
    [post("", { ...auth, "content-type": "message/rfc822" }), 400, /empty/],
    [post("<p>x</p>", { ...auth, "content-type": "text/html" }), 415, /message\/rfc822/],
    [new Request("http://local/", { method: "GET", headers: auth }), 405, /POST/],
  ];
  for (const [req, status, message] of cases) {
    const { handle, recorded } = handler();
    const res = await handle(req);
    assert.equal(res.status, status, `${req.method} ${req.headers.get("content-type")}`);
    assert.match((await res.json()).error, message);
    assert.equal(recorded.intakes.length + recorded.deadLetters.length, 0);
  }
});

Deno.test("email-inbound answers 200 for a reply threaded onto its ticket", async () => {
  const { handle } = handler({}, { outcome: "reply", ticketNumber: 5 });
  const res = await handle(post(RAW, {
    "content-type": "message/rfc822",
    authorization: `Bearer ${SECRET}`,
  }));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).outcome, "reply");
});

const jsonAuth = { "content-type": "application/json", authorization: `Bearer ${SECRET}` };

Deno.test("email-inbound keeps a provider's mail it cannot read as a dead letter, acknowledged", async () => {
  const payloads: Array<[string, BodyInit, Record<string, string>, RegExp]> = [
    [
      "Postmark without From",
      JSON.stringify({ To: "help@support.example.com", Subject: "Hi", TextBody: "Who am I?" }),
      jsonAuth,
      /no usable sender/,
    ],
    [
      "Postmark with an attachment that is not base64",
      JSON.stringify({
        From: "jane@example.com",
        Subject: "Scan",
        TextBody: "See the scan.",
        Attachments: [{
          Name: "scan.pdf",
          ContentType: "application/pdf",
          Content: "%%%not base64",
        }],
      }),
      jsonAuth,
      /attachment "scan\.pdf": its content is not base64/,
    ],
    [
      "Postmark with an attachment that is not an object",
      '{"From":"a@example.com","Attachments":[null]}',
      jsonAuth,
      /attachment 1 is not an object/,
    ],
    [
      "Mailgun with broken message-headers",
      new URLSearchParams({ "body-plain": "Hello", "message-headers": "[[" }).toString(),
      {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Bearer ${SECRET}`,
      },
      /message-headers is not JSON/,
    ],
  ];
  for (const [what, body, headers, reason] of payloads) {
    const { handle, recorded } = handler();
    const res = await handle(post(body, headers));
    assert.equal(res.status, 202, what);
    const answer = await res.json();
    assert.equal(answer.outcome, "dead_letter", what);
    assert.equal(recorded.intakes.length, 0, what);
    assert.match(recorded.deadLetters[0].reason, reason, what);
    assert.equal(
      new TextDecoder().decode(recorded.deadLetters[0].raw!),
      typeof body === "string" ? body : "",
      `${what}: the payload is kept as received`,
    );
  }
});

Deno.test("email-inbound takes a raw mail larger than it reads as a ticket with the truncation noted", async () => {
  const { handle, recorded } = handler();
  const filler = ("B".repeat(76) + "\r\n").repeat(Math.ceil((KEEP_RAW_BYTES + 2_000_000) / 78));
  const raw = [
    "From: Big Sender <big@example.com>",
    "Subject: Huge log",
    'Content-Type: multipart/mixed; boundary="b"',
    "",
    "--b",
    "Content-Type: text/plain",
    "",
    "The log of last night is attached.",
    "--b",
    'Content-Type: application/octet-stream; name="log.bin"',
    "Content-Transfer-Encoding: base64",
    "",
    filler + "--b--",
    "",
  ].join("\r\n");
  const res = await handle(post(raw, {
    "content-type": "message/rfc822",
    authorization: `Bearer ${SECRET}`,
  }));
  assert.equal(res.status, 201);
  const answer = await res.json();
  assert.match(answer.truncated, new RegExp(`message of ${raw.length} bytes: only its first`));
  const m = recorded.intakes[0].message;
  assert.equal(m.body, "The log of last night is attached.");
  assert.match(String(m.metadata.truncated), /only its first/);
});

Deno.test("email-inbound records a Postmark attachment too large to keep by its size and hash", async () => {
  const { handle, recorded } = handler();
  const big = new Uint8Array(KEEP_PARTS_BYTES + 1_000_000).map((_, i) => (i * 7) % 251);
  const sha256 = createHash("sha256").update(big).digest("hex");
  let binary = "";
  for (let i = 0; i < big.length; i += 0x8000) {
    binary += String.fromCharCode(...big.subarray(i, i + 0x8000));
  }
  const payload = JSON.stringify({
    From: "Jane Customer <jane@example.com>",
    Subject: "Database dump",
    TextBody: "Here is the dump you asked for.",
    Attachments: [
      { Name: "note.txt", ContentType: "text/plain", Content: btoa("small note") },
      { Name: "dump.bin", ContentType: "application/octet-stream", Content: btoa(binary) },
    ],
  });
  const res = await handle(post(payload, jsonAuth));
  assert.equal(res.status, 201);
  const m = recorded.intakes[0].message;
  const files = m.attachments as Array<{ name: string; size: number; sha256: string }>;
  assert.deepEqual(files.map((f) => f.name), ["note.txt", "dump.bin"]);
  assert.equal(files[1].size, big.length);
  assert.equal(files[1].sha256, sha256);
  assert.match(
    String(m.metadata.truncated),
    /"dump\.bin" of \d+ bytes recorded by size and SHA-256/,
  );
});

Deno.test("email-inbound reads a SendGrid form with a file too large to keep", async () => {
  const { handle, recorded } = handler();
  const big = new Uint8Array(KEEP_PARTS_BYTES + 500_000).fill(65);
  const form = new FormData();
  form.set("headers", "From: Ann <ann@example.com>\nSubject: Video\n");
  form.set("text", "The screen recording is attached.");
  form.set("attachment1", new File([big], "screen.mp4", { type: "video/mp4" }));
  const res = await handle(post(form, {}, `?secret=${SECRET}`));
  assert.equal(res.status, 201);
  const files = recorded.intakes[0].message.attachments as Array<{ name: string; size: number }>;
  assert.deepEqual(files.map((f) => [f.name, f.size]), [["screen.mp4", big.length]]);
});

Deno.test("email-inbound keeps a mail intake keeps failing on as a dead letter, but 503 while the database is down", async () => {
  const failing = (error: Error) => {
    const { handle, recorded } = handler({
      sleep: () => Promise.resolve(),
    });
    return { handle, recorded, error };
  };
  const broken = failing(Object.assign(new Error("deadlock detected"), { code: "40P01" }));
  let calls = 0;
  const store = {
    intake: () => {
      calls++;
      return Promise.reject(broken.error);
    },
    deadLetter: (_c: string, reason: string, raw: Uint8Array | null) => {
      broken.recorded.deadLetters.push({ reason, raw, details: {} });
      return Promise.resolve(5);
    },
  };
  const h = createEmailInboundHandler({
    store,
    secrets: [SECRET],
    own: { domains: [], addresses: [] },
    log: () => {},
    sleep: () => Promise.resolve(),
  });
  const auth = { "content-type": "message/rfc822", authorization: `Bearer ${SECRET}` };
  const res = await h(post(RAW, auth));
  assert.equal(res.status, 202);
  await res.body?.cancel();
  assert.equal(calls, 4, "the first attempt and 3 retries");
  assert.match(broken.recorded.deadLetters[0].reason, /intake failed after its retries: deadlock/);

  const down = createEmailInboundHandler({
    store: {
      intake: () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })),
      deadLetter: () => Promise.reject(new Error("must not be called")),
    },
    secrets: [SECRET],
    own: { domains: [], addresses: [] },
    log: () => {},
    sleep: () => Promise.resolve(),
  });
  const unavailable = await down(post(RAW, auth));
  assert.equal(unavailable.status, 503);
  await unavailable.body?.cancel();
});
