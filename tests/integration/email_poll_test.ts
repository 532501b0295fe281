// email-poll against a real IMAP server (the Dovecot scripts/test.ts starts on loopback) and the
// local stack. pg_cron may ring email-poll at any moment too, so the tests poll until the
// state they wait for is reached and assert on the database and the mailbox, never on one
// run's counts.
import assert from "node:assert/strict";
import { ImapFlow } from "imapflow";
import type postgres from "postgres";
import { env, post, uniqueEmail, withSql } from "./helpers.ts";

const imap = {
  host: Deno.env.get("ISTS_TEST_IMAP_HOST") ?? "127.0.0.1",
  port: Number(Deno.env.get("ISTS_TEST_IMAP_PORT") ?? "54331"),
  user: Deno.env.get("ISTS_TEST_IMAP_USER") ?? "support",
  password: Deno.env.get("ISTS_TEST_IMAP_PASSWORD") ?? "",
  mailbox: Deno.env.get("ISTS_TEST_IMAP_MAILBOX") ?? "Support",
};
const MAILBOX_KEY = `${imap.user}@${imap.host}:${imap.port}/${imap.mailbox}`;

async function withImap<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

function mail(
  options: { from: string; subject: string; body: string; id?: string; headers?: string[] },
): string {
  return [
    `From: Customer <${options.from}>`,
    "To: help@support.example.com",
    `Subject: ${options.subject}`,
    `Message-ID: <${options.id ?? `${crypto.randomUUID()}@example.com`}>`,
    "Date: Thu, 03 Dec 2026 10:00:00 +0000",
    ...(options.headers ?? []),
    "",
    options.body,
    "",
  ].join("\r\n");
}

/** Appends messages to the polled mailbox; returns their UIDs. */
async function append(messages: string[], flags: string[] = []): Promise<number[]> {
  return await withImap(async (client) => {
    const uids: number[] = [];
    for (const m of messages) {
      const r = await client.append(imap.mailbox, m, flags);
      assert.ok(r && r.uid, "APPEND returned a UID");
      uids.push(r.uid);
    }
    return uids;
  });
}

/** The \Seen flag of each UID in the polled mailbox. */
async function seenFlags(uids: number[]): Promise<boolean[]> {
  return await withImap(async (client) => {
    await client.mailboxOpen(imap.mailbox, { readOnly: true });
    const out: boolean[] = [];
    for (const uid of uids) {
      const m = await client.fetchOne(String(uid), { flags: true }, { uid: true });
      out.push(m ? (m.flags?.has("\\Seen") ?? false) : false);
    }
    return out;
  });
}

/** One email-poll run that was not skipped (another run, e.g. pg_cron's, may hold the lease). */
async function poll(): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const res = await post("email-poll", { stage: "email-poll" }, {
      "content-type": "application/json",
      authorization: `Bearer ${env.serviceKey}`,
    });
    if (res.body.skipped === "another poll is running") {
      await new Promise((r) => setTimeout(r, 100));
      continue;
    }
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }
  throw new Error("email-poll stayed busy");
}

/** Polls until the condition holds (at most `runs` runs). */
async function pollUntil(condition: () => Promise<boolean>, runs = 10): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await poll();
    if (await condition()) return;
  }
  throw new Error(`condition not reached after ${runs} polls`);
}

/** Holds the poller's lease while fn changes the mailbox or the state, so no run interferes. */
async function withLease<T>(sql: postgres.Sql, fn: () => Promise<T>): Promise<T> {
  for (let i = 0;; i++) {
    const taken = await sql`update app_private.email_poll_state
      set lease_owner = gen_random_uuid(), lease_until = now() + interval '5 minutes'
      where mailbox_key = ${MAILBOX_KEY} and (lease_until is null or lease_until < now())
      returning 1`;
    if (taken.length > 0) break;
    if (i > 300) throw new Error("cannot take the poll lease");
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    return await fn();
  } finally {
    await sql`update app_private.email_poll_state set lease_owner = null, lease_until = null
      where mailbox_key = ${MAILBOX_KEY}`;
  }
}

async function ticketsOf(sql: postgres.Sql, email: string) {
  return await sql<{ id: string; channel: string; subject: string }[]>`
    select id, channel, subject from tickets where sender_email = ${email} order by created_at`;
}

async function messageRow(sql: postgres.Sql, uid: number) {
  const [row] = await sql<
    { status: string; attempts: number; outcome: string | null; seen_at: Date | null }[]
  >`
    select m.status, m.attempts, m.outcome, m.seen_at
    from app_private.email_poll_messages m
    join app_private.email_poll_state s
      on s.mailbox_key = m.mailbox_key and s.uidvalidity = m.uidvalidity
    where m.mailbox_key = ${MAILBOX_KEY} and m.uid = ${uid}`;
  return row;
}

Deno.test("email-poll turns new IMAP mail into tickets and marks it seen", async () => {
  await poll(); // the poller knows the mailbox from here on
  const a = uniqueEmail("imap-a");
  const b = uniqueEmail("imap-b");
  const uids = await append([
    mail({
      from: a,
      subject: "Cannot export reports",
      body: "The CSV export fails with an error.",
    }),
    mail({ from: b, subject: "Invoice copy", body: "Please send me a copy of invoice 1042." }),
  ]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await ticketsOf(sql, b)).length === 1);
    const [ta] = await ticketsOf(sql, a);
    assert.equal(ta.channel, "email");
    assert.equal(ta.subject, "Cannot export reports");
    const rows = await Promise.all(uids.map((uid) => messageRow(sql, uid)));
    assert.deepEqual(rows.map((r) => [r.status, r.outcome]), [["done", "created"], [
      "done",
      "created",
    ]]);
    assert.ok(rows.every((r) => r.seen_at !== null));
  });
  assert.deepEqual(await seenFlags(uids), [true, true]);
});

Deno.test("email-poll threads a reply (In-Reply-To) onto its ticket and ignores a re-delivered copy", async () => {
  const email = uniqueEmail("imap-thread");
  const id = `${crypto.randomUUID()}@example.com`;
  const original = mail({
    from: email,
    subject: "Sync stopped",
    body: "Our calendar sync stopped yesterday.",
    id,
  });
  await append([original]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await ticketsOf(sql, email)).length === 1);
    const [ticket] = await ticketsOf(sql, email);
    const [copyUid] = await append([original]);
    const [replyUid] = await append([mail({
      from: email,
      subject: "Re: Sync stopped",
      body: "It also fails on a second laptop.",
      headers: [`In-Reply-To: <${id}>`, `References: <${id}>`],
    })]);
    await pollUntil(async () =>
      (await messageRow(sql, copyUid))?.status === "done" &&
      (await messageRow(sql, replyUid))?.status === "done"
    );
    assert.equal((await ticketsOf(sql, email)).length, 1, "no second ticket");
    assert.equal((await messageRow(sql, copyUid)).outcome, "duplicate");
    assert.equal((await messageRow(sql, replyUid)).outcome, "reply");
    const replies = await sql`select body from responses
      where ticket_id = ${ticket.id} and direction = 'inbound'`;
    assert.equal(replies.length, 1);
    assert.match(replies[0].body, /second laptop/);
  });
});

Deno.test("email-poll creates no second ticket when a crash came between the commit and \\Seen", async () => {
  const email = uniqueEmail("imap-crash");
  const [uid] = await append([mail({
    from: email,
    subject: "Password reset link expired",
    body: "The reset link says it expired.",
  })]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await messageRow(sql, uid))?.seen_at != null);
    // Pretend the run died after its commit: no \Seen, no row, the cursor not moved.
    await withLease(sql, async () => {
      await withImap(async (client) => {
        await client.mailboxOpen(imap.mailbox);
        await client.messageFlagsRemove(String(uid), ["\\Seen"], { uid: true });
      });
      await sql`delete from app_private.email_poll_messages m
        using app_private.email_poll_state s
        where s.mailbox_key = ${MAILBOX_KEY} and m.mailbox_key = s.mailbox_key
          and m.uidvalidity = s.uidvalidity and m.uid >= ${uid}`;
      await sql`update app_private.email_poll_state set last_uid = ${uid - 1}
        where mailbox_key = ${MAILBOX_KEY}`;
    });
    await pollUntil(async () => (await messageRow(sql, uid))?.seen_at != null);
    assert.equal((await ticketsOf(sql, email)).length, 1);
    assert.equal((await messageRow(sql, uid)).outcome, "duplicate");
  });
  assert.deepEqual(await seenFlags([uid]), [true]);
});

Deno.test("email-poll retries a failing message 3 times, dead-letters it, and processes later mail meanwhile", async () => {
  const bad = uniqueEmail("imap-bad");
  const good = uniqueEmail("imap-good");
  await withSql(async (sql) => {
    await sql`update app_private.settings set value = '0' where key = 'email_poll_backoff_base_seconds'`;
    // Intake of this one sender fails inside the database, every time.
    await sql.unsafe(`
      create or replace function public.ists_test_fail_imap_intake() returns trigger
      language plpgsql set search_path = '' as $$
      begin
        raise exception 'forced failure for %', new.sender_email;
      end;
      $$;
      create trigger ists_test_fail_imap_intake before insert on public.tickets
        for each row when (new.sender_email = '${bad}')
        execute function public.ists_test_fail_imap_intake();`);
    try {
      const [badUid, goodUid] = await append([
        mail({ from: bad, subject: "Broken one", body: "This one cannot be stored." }),
        mail({ from: good, subject: "Good one", body: "This one arrives behind the broken one." }),
      ]);
      await poll();
      assert.equal((await ticketsOf(sql, good)).length, 1, "the later message is not blocked");
      await pollUntil(async () => (await messageRow(sql, badUid))?.status === "dead_letter");
      const row = await messageRow(sql, badUid);
      assert.equal(row.attempts, 4, "the first attempt and 3 retries");
      assert.equal((await ticketsOf(sql, bad)).length, 0);
      const [dead] = await sql<{ reason: string; raw: Uint8Array; details: { uid: number } }[]>`
        select reason, raw, details from intake_dead_letters
        where details ->> 'source' = 'email-poll' and (details ->> 'uid')::bigint = ${badUid}
          and details ->> 'mailbox' = ${MAILBOX_KEY}
        order by id desc limit 1`;
      assert.match(dead.reason, /failed 4 times: forced failure/);
      assert.match(new TextDecoder().decode(dead.raw), /Subject: Broken one/);
      const [alert] = await sql`select 1 from notifications where kind = 'pipeline_alert'
        and payload ->> 'text' like ${`%UID ${badUid}%`}`;
      assert.ok(alert, "an alert is queued");
      await pollUntil(async () => (await messageRow(sql, badUid))?.seen_at != null);
      assert.deepEqual(await seenFlags([badUid, goodUid]), [true, true]);
      const [state] = await sql`select last_uid from app_private.email_poll_state
        where mailbox_key = ${MAILBOX_KEY}`;
      assert.ok(Number(state.last_uid) >= goodUid, "the cursor moved past both");
    } finally {
      await sql.unsafe(`drop trigger if exists ists_test_fail_imap_intake on public.tickets;
        drop function if exists public.ists_test_fail_imap_intake();`);
      await sql`update app_private.settings set value = '60' where key = 'email_poll_backoff_base_seconds'`;
    }
  });
});

Deno.test("email-poll keeps a message without a sender as a dead letter at once", async () => {
  const marker = crypto.randomUUID();
  const [uid] = await append([`Subject: no sender ${marker}\r\n\r\nwho sent this?\r\n`]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await messageRow(sql, uid))?.status === "dead_letter");
    const [dead] = await sql`select reason from intake_dead_letters
      where details ->> 'source' = 'email-poll' and (details ->> 'uid')::bigint = ${uid}
      order by id desc limit 1`;
    assert.match(dead.reason, /no usable sender/);
  });
});

Deno.test("email-poll reads a 12 MB message only in part and takes it in, the truncation noted", async () => {
  const from = uniqueEmail("imap-big");
  const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0NTY3";
  const attachment = `${line}\r\n`.repeat(Math.ceil((12 * 1024 * 1024) / (line.length + 2)));
  const [uid] = await append([
    mail({
      from,
      subject: "Scanned contract",
      headers: ['Content-Type: multipart/mixed; boundary="b"'],
      body: [
        "--b",
        "Content-Type: text/plain",
        "",
        "The signed contract is attached.",
        "--b",
        'Content-Type: application/pdf; name="contract.pdf"',
        "Content-Transfer-Encoding: base64",
        "",
        attachment + "--b--",
      ].join("\r\n"),
    }),
  ]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await ticketsOf(sql, from)).length === 1);
    const [t] = await sql`select body, tags, raw_metadata ->> 'truncated' as truncated
      from tickets where sender_email = ${from}`;
    assert.equal(t.body, "The signed contract is attached.");
    assert.ok(t.tags.includes("truncated"));
    assert.match(t.truncated, /message of \d+ bytes: only its first 10485760 bytes were read/);
    const [{ n }] = await sql`select count(*)::int as n from intake_dead_letters
      where details ->> 'source' = 'email-poll' and (details ->> 'uid')::bigint = ${uid}
        and details ->> 'mailbox' = ${MAILBOX_KEY}`;
    assert.equal(n, 0, "not a dead letter");
  });
  await pollUntil(async () => (await seenFlags([uid]))[0]);
});

Deno.test("two email-poll runs at once take each message in once", async () => {
  const senders = Array.from({ length: 5 }, () => uniqueEmail("imap-overlap"));
  const uids = await append(
    senders.map((from, i) =>
      mail({ from, subject: `Overlap ${i}`, body: `Question number ${i} about exports.` })
    ),
  );
  const answers = await Promise.all([1, 2, 3].map(() =>
    post("email-poll", {}, {
      "content-type": "application/json",
      authorization: `Bearer ${env.serviceKey}`,
    })
  ));
  assert.ok(answers.every((a) => a.status === 200), JSON.stringify(answers));
  assert.ok(
    answers.filter((a) => a.body.skipped === "another poll is running").length >= 2,
    "at most one run holds the lease",
  );
  await withSql(async (sql) => {
    await pollUntil(async () =>
      (await Promise.all(uids.map((u) => messageRow(sql, u)))).every((r) => r?.status === "done")
    );
    for (const from of senders) {
      const tickets = await ticketsOf(sql, from);
      assert.equal(tickets.length, 1);
      const [{ n }] = await sql`select count(*)::int as n from ticket_events
        where ticket_id = ${tickets[0].id} and event_type = 'duplicate_received'`;
      assert.equal(n, 0, "no message was taken in twice");
    }
  });
});

Deno.test("email-poll does not re-import a recreated mailbox (new UIDVALIDITY)", async () => {
  const old = uniqueEmail("imap-old");
  const fresh = uniqueEmail("imap-fresh");
  const first = mail({ from: old, subject: "Old question", body: "An old question about SSO." });
  await append([first]);
  await withSql(async (sql) => {
    await pollUntil(async () => (await ticketsOf(sql, old)).length === 1);
    const [before] = await sql`select uidvalidity from app_private.email_poll_state
      where mailbox_key = ${MAILBOX_KEY}`;
    const [{ n: ticketsBefore }] = await sql`select count(*)::int as n from tickets`;
    // Recreate the mailbox (new UIDVALIDITY, UIDs from 1 again) with its old mail copied in,
    // read mail with its \Seen flag as a migration keeps it.
    const copies = await withLease(sql, () =>
      withImap(async (client) => {
        const all: string[] = [];
        await client.mailboxOpen(imap.mailbox, { readOnly: true });
        for await (const m of client.fetch("1:*", { source: true })) {
          if (m.source) all.push(new TextDecoder().decode(m.source));
        }
        await client.mailboxClose();
        await client.mailboxDelete(imap.mailbox);
        // The test server creates the folder by itself when it is missing.
        await client.mailboxCreate(imap.mailbox).catch(() => {});
        for (const text of all) await client.append(imap.mailbox, text, ["\\Seen"]);
        return all.length;
      }));
    assert.ok(copies >= 1, `copied ${copies} messages`);
    await poll();
    const [after] = await sql`select uidvalidity, baseline_uid from app_private.email_poll_state
      where mailbox_key = ${MAILBOX_KEY}`;
    assert.notEqual(String(after.uidvalidity), String(before.uidvalidity));
    assert.equal(Number(after.baseline_uid), copies);
    const [warning] = await sql`select severity from error_logs
      where error_type = 'imap_uidvalidity_changed' and context ->> 'mailbox' = ${MAILBOX_KEY}
        and context ->> 'uidvalidity' = ${String(after.uidvalidity)}`;
    assert.equal(warning.severity, "warning");
    const [{ n: rows }] = await sql`select count(*)::int as n from app_private.email_poll_messages
      where mailbox_key = ${MAILBOX_KEY} and uidvalidity = ${after.uidvalidity}`;
    assert.equal(rows, 0, "none of the old mail was taken in again");

    const [freshUid] = await append([
      mail({ from: fresh, subject: "New after the move", body: "A new question after the move." }),
    ]);
    await pollUntil(async () => (await messageRow(sql, freshUid))?.status === "done");
    assert.equal(freshUid, copies + 1);
    assert.equal((await ticketsOf(sql, fresh)).length, 1);
    const [{ n: ticketsAfter }] = await sql`select count(*)::int as n from tickets`;
    assert.equal(ticketsAfter, ticketsBefore + 1, "only the new message became a ticket");
  });
});
