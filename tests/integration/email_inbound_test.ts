import assert from "node:assert/strict";
import { env, post, uniqueEmail, waitForTicket, withSql } from "./helpers.ts";

const SECRET = Deno.env.get("ISTS_TEST_EMAIL_SECRET") ?? "ists-test-mail-secret";
const auth = { "content-type": "message/rfc822", authorization: `Bearer ${SECRET}` };

function rawMail(headers: Record<string, string>, body: string): string {
  return [...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body, ""].join("\r\n");
}

function messageId(): string {
  return `<${crypto.randomUUID()}@mail.example.com>`;
}

Deno.test("email-inbound turns a mail into a ticket with a clean body, the original and attachments", async () => {
  const from = uniqueEmail("mail");
  const id = messageId();
  const res = await post(
    "email-inbound",
    rawMail(
      {
        From: `Mia Mail <${from}>`,
        To: "help@support.example.com",
        Subject: "=?UTF-8?Q?Rechnung_f=C3=BCr_M=C3=A4rz?=",
        "Message-ID": id,
        "Content-Type": 'multipart/mixed; boundary="b"',
      },
      [
        "--b",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Please resend the March invoice.",
        "",
        "-- ",
        "Mia, Example Ltd",
        "--b",
        'Content-Type: application/pdf; name="old.pdf"',
        'Content-Disposition: attachment; filename="old.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        btoa("%PDF-1.4 old"),
        "--b--",
      ].join("\r\n"),
    ),
    auth,
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.equal(res.body.outcome, "created");
  await withSql(async (sql) => {
    const [t] = await sql`select channel, subject, body, body_original, attachments, sender_email,
        raw_metadata ->> 'message_id' as message_id
      from tickets where id = ${String(res.body.ticket_id)}`;
    assert.equal(t.channel, "email");
    assert.equal(t.subject, "Rechnung für März");
    assert.equal(t.body, "Please resend the March invoice.");
    assert.match(t.body_original, /Mia, Example Ltd/);
    assert.equal(t.sender_email, from);
    assert.equal(t.attachments[0].name, "old.pdf");
    assert.equal(t.attachments[0].size, 12);
    assert.match(t.attachments[0].sha256, /^[0-9a-f]{64}$/);
    assert.equal(t.message_id, id.slice(1, -1));
  });
});

Deno.test("email-inbound: the same mail twice is one ticket, a reply threads onto it", async () => {
  const from = uniqueEmail("thread");
  const id = messageId();
  const original = rawMail(
    { From: from, Subject: "VPN drops", "Message-ID": id },
    "The VPN drops hourly.",
  );
  const first = await post("email-inbound", original, auth);
  const again = await post("email-inbound", original, auth);
  assert.equal(first.status, 201);
  assert.equal(again.status, 200);
  assert.equal(again.body.outcome, "duplicate");
  assert.equal(again.body.ticket_id, first.body.ticket_id);

  const reply = await post(
    "email-inbound",
    rawMail({
      From: from,
      Subject: "Re: VPN drops",
      "Message-ID": messageId(),
      "In-Reply-To": id,
      References: id,
    }, "Still dropping.\r\n\r\nOn Mon, 1 Dec 2026, Support wrote:\r\n> Did you update?"),
    auth,
  );
  assert.equal(reply.status, 200);
  assert.equal(reply.body.outcome, "reply");
  assert.equal(reply.body.ticket_id, first.body.ticket_id);

  const bySubject = await post(
    "email-inbound",
    rawMail(
      {
        From: from,
        Subject: `AW: [#T-${first.body.ticket_number}] VPN drops`,
        "Message-ID": messageId(),
      },
      "Any update?",
    ),
    auth,
  );
  assert.equal(bySubject.body.outcome, "reply");
  await withSql(async (sql) => {
    const rows = await sql`select body from responses where ticket_id = ${
      String(first.body.ticket_id)
    }
      and direction = 'inbound' order by created_at`;
    assert.deepEqual(rows.map((r) => r.body), ["Still dropping.", "Any update?"]);
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email = ${from}`;
    assert.equal(n, 1);
  });
});

Deno.test("email-inbound: 30 simultaneous deliveries of one mail make one ticket", async () => {
  const mail = rawMail(
    { From: uniqueEmail("burst"), Subject: "Burst", "Message-ID": messageId() },
    "Delivered many times at once.",
  );
  const results = await Promise.all(
    Array.from({ length: 30 }, () => post("email-inbound", mail, auth)),
  );
  assert.equal(new Set(results.map((r) => r.body.ticket_id)).size, 1);
  assert.equal(results.filter((r) => r.status === 201).length, 1);
  assert.equal(results.filter((r) => r.body.outcome === "duplicate").length, 29);
});

Deno.test("email-inbound records auto-replies and bounces without opening tickets", async () => {
  const away = uniqueEmail("away");
  const ooo = await post(
    "email-inbound",
    rawMail({
      From: away,
      Subject: "Automatic reply: hello",
      "Auto-Submitted": "auto-replied",
      "Message-ID": messageId(),
    }, "I am out of the office."),
    auth,
  );
  assert.equal(ooo.status, 200);
  assert.equal(ooo.body.outcome, "suppressed");
  assert.equal(ooo.body.automated, "auto_reply");

  // A bounce counts only for mail we sent: record an answer's Message-ID on the customer's
  // ticket, as sending does, and return it in the bounce.
  const customer = uniqueEmail("gone");
  const first = await post("intake", { email: customer, subject: "hi", body: "A first question." });
  const sentId = `${crypto.randomUUID()}@support.example.com`;
  await withSql((sql) =>
    sql`insert into ticket_message_ids (channel, external_id, ticket_id, direction)
        values ('email', ${sentId}, ${String(first.body.ticket_id)}, 'outbound')`
  );
  const bounce = await post(
    "email-inbound",
    rawMail(
      {
        From: "Mail Delivery System <MAILER-DAEMON@mx.example.net>",
        Subject: "Undelivered Mail Returned to Sender",
        "Message-ID": messageId(),
        "Content-Type": 'multipart/report; report-type=delivery-status; boundary="r"',
      },
      [
        "--r",
        "Content-Type: text/plain",
        "",
        "Delivery failed.",
        "--r",
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "",
        `Final-Recipient: rfc822; ${customer}`,
        "Action: failed",
        "Status: 5.1.1",
        "--r",
        "Content-Type: text/rfc822-headers",
        "",
        "From: help@support.example.com",
        `To: ${customer}`,
        `Message-ID: <${sentId}>`,
        "--r--",
      ].join("\r\n"),
    ),
    auth,
  );
  assert.equal(bounce.body.outcome, "bounce");
  await withSql(async (sql) => {
    const [{ n }] = await sql`select count(*)::int as n from tickets where sender_email = ${away}`;
    assert.equal(n, 0);
    const [c] = await sql`select email_undeliverable_at from customers where email = ${customer}`;
    assert.notEqual(c.email_undeliverable_at, null);
    const [s] = await sql`select reason from suppressed_messages where sender_email = ${away}`;
    assert.equal(s.reason, "auto_reply");
  });
});

Deno.test("email-inbound keeps a mail without sender as a dead letter; a bad secret changes nothing", async () => {
  const subject = `No sender ${crypto.randomUUID()}`;
  const dead = await post("email-inbound", rawMail({ Subject: subject }, "Who sent me?"), auth);
  assert.equal(dead.status, 202);
  assert.equal(dead.body.outcome, "dead_letter");
  await withSql(async (sql) => {
    const [d] = await sql`select reason, raw_bytes, details ->> 'subject' as subject
      from intake_dead_letters where id = ${Number(dead.body.dead_letter_id)}`;
    assert.match(d.reason, /no usable sender/);
    assert.equal(d.subject, subject);
    assert.ok(Number(d.raw_bytes) > 0);
    const [e] = await sql`select count(*)::int as n from error_logs
      where error_type = 'intake_dead_letter' and (context ->> 'dead_letter_id')::bigint = ${
      Number(dead.body.dead_letter_id)
    }`;
    assert.equal(e.n, 1);

    const count = async () =>
      (await sql`select (select count(*) from tickets)::int + (select count(*) from intake_dead_letters)::int as n`)[
        0
      ].n;
    const before = await count();
    const res = await post("email-inbound", rawMail({ From: uniqueEmail(), Subject: "x" }, "y"), {
      "content-type": "message/rfc822",
      authorization: "Bearer wrong",
    });
    assert.equal(res.status, 401);
    assert.equal(await count(), before);
  });
});

Deno.test("spam mail is quarantined by triage, not routed, and an agent can release it", async () => {
  const res = await post(
    "email-inbound",
    rawMail(
      {
        From: uniqueEmail("winner"),
        Subject: "CONGRATULATIONS!!! You have WON $1,000,000",
        "Message-ID": messageId(),
      },
      [
        "Dear winner, you have been selected in our international lottery. Claim your prize now!",
        "Click here http://198.51.100.7/claim to claim your $1,000,000 cash prize. Limited time offer, act now!",
        "Send your bank account details and a processing fee to receive your winnings. 100% guaranteed, risk free!",
      ].join("\r\n"),
    ),
    auth,
  );
  assert.equal(res.status, 201);
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id), [
      "quarantined",
      "assigned",
      "queued",
      "resolved",
    ]);
    assert.equal(t.status, "quarantined");
    const [q] = await sql`select spam_score from spam_quarantine where ticket_id = ${t.id}`;
    assert.ok(Number(q.spam_score) >= 0.8);
    const [{ status }] = await sql`select public.release_from_quarantine(${t.id}) as status`;
    assert.equal(status, "analyzed");
    const released = await waitForTicket(sql, t.id);
    assert.ok(["assigned", "queued"].includes(released.status));
  });
});

void env;
