// Real mail that used to be lost or mistaken: reused Message-IDs, people's mail that looks
// automated, colleagues answering in the thread, provider payloads that cannot be read, mail
// larger than the parser reads, and replies racing for an agent's last free slots.
import assert from "node:assert/strict";
import { env, post, uniqueEmail, withSql } from "./helpers.ts";

const SECRET = Deno.env.get("ISTS_TEST_EMAIL_SECRET") ?? "ists-test-mail-secret";
const raw822 = { "content-type": "message/rfc822", authorization: `Bearer ${SECRET}` };
const asJson = { "content-type": "application/json", authorization: `Bearer ${SECRET}` };

function rawMail(headers: Record<string, string>, body: string): string {
  return [...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body, ""].join("\r\n");
}

function messageId(): string {
  return `<${crypto.randomUUID()}@mail.example.com>`;
}

Deno.test("a Message-ID reused by another sender with other content is a ticket of its own", async () => {
  const id = messageId();
  const first = await post(
    "email-inbound",
    rawMail({ From: uniqueEmail("first"), Subject: "Printer", "Message-ID": id }, "It jams."),
    raw822,
  );
  const other = await post(
    "email-inbound",
    rawMail({ From: uniqueEmail("other"), Subject: "Refund", "Message-ID": id }, "Refund please."),
    raw822,
  );
  assert.equal(first.status, 201);
  assert.equal(other.status, 201, JSON.stringify(other.body));
  assert.equal(other.body.outcome, "created");
  assert.notEqual(other.body.ticket_id, first.body.ticket_id);
  await withSql(async (sql) => {
    const [log] = await sql`select severity from error_logs
      where error_type = 'message_id_collision' and context ->> 'message_id' = ${id.slice(1, -1)}`;
    assert.equal(log.severity, "warning");
  });
});

Deno.test("people's mail with only weak automated cues becomes flagged tickets, not silence", async () => {
  const cases: Array<[string, Record<string, string>]> = [
    ["a subject that starts like an absence note", {
      From: uniqueEmail("ines"),
      Subject: "Absence of invoice for November",
    }],
    ["a human at postmaster@", {
      From: `postmaster@${crypto.randomUUID().slice(0, 8)}.example.com`,
      Subject: "Your newsletter is rejected by our server",
    }],
    ["X-Auto-Response-Suppress on an ordinary Outlook mail", {
      From: uniqueEmail("olaf"),
      Subject: "Change of billing address",
      "X-Auto-Response-Suppress": "All",
    }],
  ];
  for (const [what, headers] of cases) {
    const res = await post(
      "email-inbound",
      rawMail({ ...headers, "Message-ID": messageId() }, `Hello, a real question (${what}).`),
      raw822,
    );
    assert.equal(res.status, 201, `${what}: ${JSON.stringify(res.body)}`);
    assert.equal(res.body.outcome, "created", what);
    assert.equal(res.body.automated, "possible_auto_reply", what);
    await withSql(async (sql) => {
      const [t] = await sql`select tags, raw_metadata ->> 'auto_submitted' as auto_submitted
        from tickets where id = ${String(res.body.ticket_id)}`;
      assert.ok(t.tags.includes("automated"), what);
      assert.equal(t.auto_submitted, "possible_auto_reply", `${what}: never auto-answered`);
    });
  }
});

Deno.test("a suppressed auto-reply shows for agents and an agent releases it into a ticket", async () => {
  const from = uniqueEmail("ooo");
  const res = await post(
    "email-inbound",
    rawMail({
      From: from,
      Subject: "Automatic reply: order 88",
      "Auto-Submitted": "auto-replied",
      "Message-ID": messageId(),
    }, "I am away, but order 88 really is broken."),
    raw822,
  );
  assert.equal(res.body.outcome, "suppressed");
  await withSql(async (sql) => {
    const [s] = await sql`select id, releasable, body_preview from suppressed_messages_view
      where sender_email = ${from}`;
    assert.equal(s.releasable, true);
    assert.equal(s.body_preview, "I am away, but order 88 really is broken.");
    const [r] =
      await sql`select ticket_id, outcome from public.release_suppressed_message(${s.id})`;
    assert.equal(r.outcome, "created");
    const [t] = await sql`select sender_email, body from tickets where id = ${r.ticket_id}`;
    assert.deepEqual({ ...t }, {
      sender_email: from,
      body: "I am away, but order 88 really is broken.",
    });
  });
});

Deno.test("a colleague's reply in the thread is kept on the ticket as a third party's", async () => {
  const customer = uniqueEmail("cust");
  const colleague = uniqueEmail("colleague");
  const id = messageId();
  const first = await post(
    "email-inbound",
    rawMail({ From: customer, Subject: "VPN", "Message-ID": id }, "The VPN drops hourly."),
    raw822,
  );
  const cc = await post(
    "email-inbound",
    rawMail({
      From: `Carla <${colleague}>`,
      Subject: "Re: VPN",
      "Message-ID": messageId(),
      "In-Reply-To": id,
      References: id,
    }, "Same here on my laptop."),
    raw822,
  );
  assert.equal(cc.status, 200);
  assert.equal(cc.body.outcome, "reply");
  assert.equal(cc.body.ticket_id, first.body.ticket_id);
  await withSql(async (sql) => {
    const [r] = await sql`select sender_email, sender_type, is_third_party from responses
      where ticket_id = ${String(first.body.ticket_id)} and direction = 'inbound'`;
    assert.deepEqual({ ...r }, {
      sender_email: colleague,
      sender_type: null,
      is_third_party: true,
    });
    const [t] = await sql`select sender_email from tickets where id = ${
      String(first.body.ticket_id)
    }`;
    assert.equal(t.sender_email, customer, "the ticket stays the customer's");
  });
});

Deno.test("a provider payload that cannot become a ticket is a dead letter, acknowledged and visible", async () => {
  const subject = `No From ${crypto.randomUUID()}`;
  const payloads = [
    { To: "help@support.example.com", Subject: subject, TextBody: "Who sent this?" },
    {
      From: uniqueEmail("scan"),
      Subject: subject,
      TextBody: "See the scan.",
      Attachments: [{ Name: "scan.pdf", ContentType: "application/pdf", Content: "%%%" }],
    },
  ];
  for (const payload of payloads) {
    const res = await post("email-inbound", JSON.stringify(payload), asJson);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.outcome, "dead_letter");
    await withSql(async (sql) => {
      const [d] = await sql`select source, channel, error, raw_bytes from dead_letters
        where source = 'intake' and id = ${Number(res.body.dead_letter_id)}`;
      assert.equal(d.channel, "email");
      assert.ok(Number(d.raw_bytes) > 0);
      const [kept] = await sql`select convert_from(raw, 'UTF8') as raw from intake_dead_letters
        where id = ${Number(res.body.dead_letter_id)}`;
      assert.deepEqual(JSON.parse(kept.raw), payload, "the payload is kept as received");
    });
  }
});

Deno.test("a 30 MB mail becomes a ticket from its first part, with the truncation noted", async () => {
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3";
  const head = new TextEncoder().encode(rawMail(
    {
      From: uniqueEmail("huge"),
      Subject: "Nightly dump",
      "Message-ID": messageId(),
      "Content-Type": 'multipart/mixed; boundary="b"',
    },
    [
      "--b",
      "Content-Type: text/plain",
      "",
      "The nightly dump is attached; the import fails on it.",
      "--b",
      'Content-Type: application/octet-stream; name="dump.bin"',
      "Content-Transfer-Encoding: base64",
      "",
    ].join("\r\n"),
  ));
  const chunk = new TextEncoder().encode(`${line}\r\n`.repeat(8192));
  const chunks = Math.ceil((30 * 1024 * 1024) / chunk.length);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === -1) controller.enqueue(head);
      else if (sent < chunks) controller.enqueue(chunk);
      else {
        controller.enqueue(new TextEncoder().encode("--b--\r\n"));
        controller.close();
      }
      sent++;
    },
  });
  const answer = await fetch(`${env.functionsUrl}/functions/v1/email-inbound`, {
    method: "POST",
    headers: raw822,
    body,
  });
  const res = { status: answer.status, body: await answer.json() };
  assert.equal(res.status, 201, JSON.stringify(res.body));
  assert.match(String(res.body.truncated), /message of \d+ bytes: only its first \d+ bytes/);
  await withSql(async (sql) => {
    const [t] = await sql`select body, tags, raw_metadata ->> 'truncated' as truncated
      from tickets where id = ${String(res.body.ticket_id)}`;
    assert.equal(t.body, "The nightly dump is attached; the import fails on it.");
    assert.ok(t.tags.includes("truncated"));
    assert.match(t.truncated, /only its first/);
  });
});

Deno.test("replies racing to reopen an agent's tickets never put the agent over capacity", async () => {
  await withSql(async (sql) => {
    const suffix = crypto.randomUUID().slice(0, 8);
    const [team] =
      await sql`insert into teams (name) values (${`Race team ${suffix}`}) returning id`;
    const [agent] = await sql`insert into agents (email, name, team_id, max_concurrent_tickets)
      values (${`race.${suffix}@example.com`}, 'Race Agent', ${team.id}, 2) returning id`;
    const [other] = await sql`insert into agents (email, name, team_id, max_concurrent_tickets)
      values (${`race2.${suffix}@example.com`}, 'Race Teammate', ${team.id}, 3) returning id`;
    const customer = uniqueEmail("race");
    const [c] = await sql`insert into customers (email) values (${customer}) returning id`;
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const key = Array.from(
        crypto.getRandomValues(new Uint8Array(32)),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
      const [t] =
        await sql`insert into tickets (idempotency_key, channel, customer_id, sender_email,
          subject, body, status, team_id, assigned_to, resolved_at)
        values (${key}, 'email', ${c.id}, ${customer}, ${`Race ${i}`}, 'x', 'resolved', ${team.id},
                ${agent.id}, now()) returning id`;
      const sent = `race-${suffix}-${i}@support.example.com`;
      await sql`insert into ticket_message_ids (channel, external_id, ticket_id, direction)
        values ('email', ${sent}, ${t.id}, 'outbound')`;
      ids.push(sent);
    }
    const results = await Promise.all(ids.map((sent, i) =>
      post(
        "email-inbound",
        rawMail({
          From: customer,
          Subject: `Re: Race ${i}`,
          "Message-ID": messageId(),
          "In-Reply-To": `<${sent}>`,
        }, `Broken again (${i}).`),
        raw822,
      )
    ));
    assert.deepEqual(results.map((r) => r.body.outcome), ids.map(() => "reopened"));
    const load = await sql`select id, active_tickets, max_concurrent_tickets from agents
      where id in (${agent.id}, ${other.id})`;
    for (const a of load) {
      assert.ok(a.active_tickets <= a.max_concurrent_tickets, JSON.stringify(a));
    }
    const [{ assigned, queued }] = await sql`select
        count(*) filter (where status = 'assigned')::int as assigned,
        count(*) filter (where status = 'queued')::int as queued
      from tickets where team_id = ${team.id}`;
    assert.equal(assigned, 5, "both agents filled to capacity (2 + 3)");
    assert.equal(queued, 3, "the rest waits in the team queue");
  });
});
