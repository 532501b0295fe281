import assert from "node:assert/strict";
import type { IntakeResult } from "../_shared/intake_store.ts";
import {
  type CommitResult,
  createEmailPollHandler,
  type EmailPollDeps,
  type KnownMessage,
  type MailboxSession,
  MailboxUnavailableError,
  type MessageWork,
  type PollStore,
} from "./handler.ts";

const TOKEN = "service-token";
const KEY = "support@imap.example.com:993/INBOX";

function raw(n: number, extra: string[] = [], body = `Body of question ${n}.`): string {
  return [
    `From: Customer ${n} <c${n}@example.com>`,
    "To: help@support.example.com",
    `Subject: Question ${n}`,
    `Message-ID: <m${n}@example.com>`,
    ...extra,
    "",
    body,
    "",
  ].join("\r\n");
}

/** An in-memory IMAP mailbox. */
class FakeMailbox {
  uidValidity = 100n;
  uidNext = 1;
  messages = new Map<number, { bytes: Uint8Array; seen: boolean }>();
  opens = 0;
  failOpen: Error | null = null;
  breakOn: number | null = null;

  add(text: string, seen = false): number {
    const uid = this.uidNext++;
    this.messages.set(uid, { bytes: new TextEncoder().encode(text), seen });
    return uid;
  }

  recreate(): void {
    this.uidValidity += 1n;
    this.uidNext = 1;
    this.messages.clear();
  }

  seen(uid: number): boolean {
    return this.messages.get(uid)?.seen ?? false;
  }

  open(): Promise<MailboxSession> {
    this.opens++;
    if (this.failOpen) return Promise.reject(this.failOpen);
    const check = (uid: number) => {
      if (this.breakOn === uid) throw new MailboxUnavailableError("connection reset");
    };
    const box = { ...this, messages: this.messages };
    return Promise.resolve({
      uidValidity: box.uidValidity,
      uidNext: box.uidNext,
      search: (from: number, to: number, unseenOnly: boolean) =>
        Promise.resolve(
          [...box.messages.entries()].filter(([uid, m]) =>
            uid >= from && uid <= to && (!unseenOnly || !m.seen)
          ).map(([uid]) => uid).sort((a, b) => a - b),
        ),
      size: (uid: number) => {
        check(uid);
        return Promise.resolve(box.messages.get(uid)?.bytes.length ?? null);
      },
      source: (uid: number, maxBytes?: number) => {
        const bytes = box.messages.get(uid)?.bytes ?? null;
        return Promise.resolve(maxBytes && bytes ? bytes.slice(0, maxBytes) : bytes);
      },
      markSeen: (uid: number) => {
        const m = box.messages.get(uid);
        if (m) m.seen = true;
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    });
  }
}

interface Row extends KnownMessage {
  messageId?: string | null;
}

/** An in-memory PollStore with the SQL functions' rules (lease, cursor, attempts). */
class FakeStore implements PollStore {
  uidValidity: bigint | null = null;
  lastUid = 0;
  baselineUid = 0;
  leaseOwner: string | null = null;
  rows = new Map<string, Row>();
  intakes: Array<{ uid: number; messageId: string | null }> = [];
  works: MessageWork[] = [];
  deadLetters: Array<{ uid: number; reason: string; raw: Uint8Array | null }> = [];
  failIntake: (messageId: string | null) => Error | null = () => null;
  warnings: string[] = [];
  finished: Array<string | null> = [];
  maxAttempts = 4;
  seenIds = new Set<string>();

  private key(validity: bigint, uid: number) {
    return `${validity}/${uid}`;
  }

  begin(_mailbox: string, owner: string) {
    if (this.leaseOwner !== null) return Promise.resolve(false);
    this.leaseOwner = owner;
    return Promise.resolve(true);
  }
  private requireLease(owner: string) {
    if (this.leaseOwner !== owner) throw new Error(`email poll lease of ${KEY} is no longer held`);
  }
  sync(_mailbox: string, owner: string, uidValidity: bigint, uidNext: number) {
    this.requireLease(owner);
    if (this.uidValidity === uidValidity) {
      return Promise.resolve({
        lastUid: this.lastUid,
        baselineUid: this.baselineUid,
        changed: false,
      });
    }
    const changed = this.uidValidity !== null;
    if (changed) this.warnings.push(`uidvalidity ${this.uidValidity} -> ${uidValidity}`);
    this.uidValidity = uidValidity;
    this.lastUid = 0;
    this.baselineUid = uidNext - 1;
    return Promise.resolve({ lastUid: 0, baselineUid: uidNext - 1, changed });
  }
  known(_mailbox: string, uidValidity: bigint, afterUid: number) {
    const out = new Map<number, KnownMessage>();
    for (const [k, row] of this.rows) {
      const [v, uid] = k.split("/");
      if (v === String(uidValidity) && Number(uid) > afterUid) out.set(Number(uid), { ...row });
    }
    return Promise.resolve(out);
  }
  commit(
    _mailbox: string,
    owner: string,
    uidValidity: bigint,
    uid: number,
    work: MessageWork,
  ): Promise<CommitResult> {
    this.requireLease(owner);
    this.works.push(work);
    if (work.kind === "intake") {
      const failure = this.failIntake(work.message.messageId ?? null);
      if (failure) return Promise.reject(failure);
      const id = work.message.messageId ?? null;
      const duplicate = id !== null && this.seenIds.has(id);
      if (id) this.seenIds.add(id);
      this.intakes.push({ uid, messageId: id });
      const intake: IntakeResult = {
        ticketId: duplicate ? "t-dup" : `t-${uid}`,
        ticketNumber: uid,
        outcome: duplicate ? "duplicate" : "created",
        duplicate,
      };
      this.rows.set(this.key(uidValidity, uid), {
        status: "done",
        attempts: 0,
        nextAttemptAt: null,
        seen: false,
      });
      return Promise.resolve({ status: "done", intake });
    }
    if (work.kind === "dead_letter") {
      this.deadLetters.push({ uid, reason: work.reason, raw: work.raw });
    }
    const status = work.kind === "dead_letter" ? "dead_letter" : "skipped";
    this.rows.set(this.key(uidValidity, uid), {
      status,
      attempts: 0,
      nextAttemptAt: null,
      seen: false,
    });
    return Promise.resolve({ status, deadLetterId: this.deadLetters.length });
  }
  fail(
    _mailbox: string,
    owner: string,
    uidValidity: bigint,
    uid: number,
    failure: { error: string; raw: Uint8Array | null },
  ) {
    this.requireLease(owner);
    const k = this.key(uidValidity, uid);
    const row = this.rows.get(k) ??
      { status: "failed" as const, attempts: 0, nextAttemptAt: null, seen: false };
    if (row.status !== "failed") return Promise.resolve("done" as const);
    row.attempts++;
    this.rows.set(k, row);
    if (row.attempts < this.maxAttempts) {
      row.nextAttemptAt = 0; // backoff elapsed at once in these tests
      return Promise.resolve("failed" as const);
    }
    row.status = "dead_letter";
    this.deadLetters.push({
      uid,
      reason: `failed ${row.attempts} times: ${failure.error}`,
      raw: failure.raw,
    });
    return Promise.resolve("dead_letter" as const);
  }
  markSeen(_mailbox: string, uidValidity: bigint, uid: number) {
    const row = this.rows.get(this.key(uidValidity, uid));
    if (row) row.seen = true;
    return Promise.resolve();
  }
  finish(_mailbox: string, owner: string, lastUid: number | null, error: string | null) {
    if (this.leaseOwner !== owner) return Promise.resolve();
    this.lastUid = Math.max(this.lastUid, lastUid ?? 0);
    this.leaseOwner = null;
    this.finished.push(error);
    return Promise.resolve();
  }
}

function setup(overrides: Partial<EmailPollDeps> = {}) {
  const box = new FakeMailbox();
  const store = new FakeStore();
  const handle = createEmailPollHandler({
    tokens: [TOKEN],
    mailbox: { key: KEY, open: () => box.open() },
    store,
    own: { domains: ["support.example.com"], addresses: ["help@support.example.com"] },
    log: () => {},
    sleep: () => Promise.resolve(),
    ...overrides,
  });
  const poll = async () => {
    const res = await handle(
      new Request("http://local/functions/v1/email-poll", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ stage: "email-poll" }),
      }),
    );
    return { status: res.status, body: await res.json() };
  };
  return { box, store, handle, poll };
}

Deno.test("email-poll refuses callers without the service-role bearer", async () => {
  const { handle, box } = setup();
  const res = await handle(new Request("http://local/functions/v1/email-poll", { method: "POST" }));
  assert.equal(res.status, 401);
  const wrong = await handle(
    new Request("http://local/functions/v1/email-poll", {
      method: "POST",
      headers: { authorization: "Bearer nope" },
    }),
  );
  assert.equal(wrong.status, 401);
  assert.equal(box.opens, 0);
});

Deno.test("email-poll answers 200 skipped when IMAP is not configured", async () => {
  const { poll } = setup({ mailbox: null });
  assert.deepEqual(await poll(), { status: 200, body: { skipped: "IMAP not configured" } });
});

Deno.test("email-poll takes new mail in oldest first and marks it seen after the commit", async () => {
  const { box, store, poll } = setup();
  await poll(); // first sight of an empty mailbox
  const uids = [box.add(raw(1)), box.add(raw(2)), box.add(raw(3))];
  const { status, body } = await poll();
  assert.equal(status, 200);
  assert.equal(body.created, 3);
  assert.equal(body.last_uid, 3);
  assert.deepEqual(store.intakes.map((i) => i.uid), uids);
  assert.deepEqual(store.intakes.map((i) => i.messageId), [
    "m1@example.com",
    "m2@example.com",
    "m3@example.com",
  ]);
  assert.ok(uids.every((uid) => box.seen(uid)));
  const again = await poll();
  assert.equal(again.body.processed, 0);
  assert.equal(store.intakes.length, 3);
});

Deno.test("email-poll on first sight takes in unseen existing mail and leaves read mail alone", async () => {
  const { box, store, poll } = setup();
  box.add(raw(1), true);
  const unseen = box.add(raw(2));
  const { body } = await poll();
  assert.equal(body.created, 1);
  assert.deepEqual(store.intakes.map((i) => i.uid), [unseen]);
  assert.equal(body.last_uid, 2);
});

Deno.test("email-poll does not let a failing message block later ones; it dead-letters after 3 retries", async () => {
  const { box, store, poll } = setup();
  await poll();
  store.failIntake = (id) => id === "m2@example.com" ? new Error("forced failure") : null;
  box.add(raw(1));
  const bad = box.add(raw(2));
  box.add(raw(3));
  const first = await poll();
  assert.equal(first.body.created, 2);
  assert.equal(first.body.failed, 1);
  assert.equal(first.body.last_uid, 1, "the cursor stops before the failed message");
  assert.equal(box.seen(bad), false);
  box.add(raw(4));
  const second = await poll();
  assert.equal(second.body.created, 1, "message 4 is processed, 3 is not processed again");
  assert.equal(second.body.failed, 1);
  const third = await poll();
  assert.equal(third.body.failed, 1, "the third retry is still to come");
  const fourth = await poll();
  assert.equal(fourth.body.dead_letters, 1);
  assert.equal(fourth.body.last_uid, 4);
  assert.equal(box.seen(bad), true);
  assert.deepEqual(store.intakes.map((i) => i.uid), [1, 3, 4]);
  assert.equal(store.deadLetters.length, 1);
  assert.match(store.deadLetters[0].reason, /failed 4 times: forced failure/);
  assert.ok(store.deadLetters[0].raw && store.deadLetters[0].raw.length > 0, "raw bytes kept");
});

Deno.test("email-poll waits for a failed message's backoff before trying it again", async () => {
  let clock = 1_000;
  const { box, store, poll } = setup({ now: () => clock });
  await poll();
  store.failIntake = () => new Error("db says no");
  box.add(raw(1));
  await poll();
  store.rows.get("100/1")!.nextAttemptAt = 5_000;
  const waiting = await poll();
  assert.equal(waiting.body.processed, 0);
  assert.equal(waiting.body.failed, 0);
  assert.equal(waiting.body.remaining, 1);
  clock = 6_000;
  store.failIntake = () => null;
  const retried = await poll();
  assert.equal(retried.body.created, 1);
  assert.equal(retried.body.last_uid, 1);
});

Deno.test("email-poll keeps an unparsable or senderless message as a dead letter at once", async () => {
  const { box, store, poll } = setup();
  await poll();
  box.add("Subject: nobody\r\n\r\nno sender here\r\n");
  box.add(raw(2));
  const { body } = await poll();
  assert.equal(body.dead_letters, 1);
  assert.equal(body.created, 1);
  assert.match(store.deadLetters[0].reason, /no usable sender/);
  assert.ok(box.seen(1) && box.seen(2));
});

Deno.test("email-poll reads a message above the size cap only in part and takes it in truncated", async () => {
  const { box, store, poll } = setup({ limits: { maxMessageBytes: 400 } });
  await poll();
  const uid = box.add(raw(1, [], `${"The log follows. ".repeat(10)}\r\n${"x".repeat(5000)}`));
  const { body } = await poll();
  assert.equal(body.created, 1);
  assert.equal(body.dead_letters, 0);
  assert.equal(store.works[0].kind, "intake");
  const work = store.works[0] as Extract<MessageWork, { kind: "intake" }>;
  assert.match(
    String(work.message.metadata.truncated),
    /message of \d+ bytes: only its first 400 bytes/,
  );
  assert.match(work.message.body, /^The log follows\./);
  assert.ok(box.seen(uid));
});

Deno.test("email-poll answers skipped while another poll holds the lease", async () => {
  const { store, poll, box } = setup();
  store.leaseOwner = "someone-else";
  assert.deepEqual(await poll(), { status: 200, body: { skipped: "another poll is running" } });
  assert.equal(box.opens, 0);
});

Deno.test("email-poll processes each message once when two polls overlap", async () => {
  const { box, store, poll } = setup();
  await poll();
  for (let i = 1; i <= 5; i++) box.add(raw(i));
  const [a, b] = await Promise.all([poll(), poll()]);
  const bodies = [a.body, b.body];
  assert.equal(bodies.filter((x) => x.skipped === "another poll is running").length, 1);
  assert.equal(store.intakes.length, 5);
});

Deno.test("email-poll does not re-import a recreated mailbox (UIDVALIDITY change)", async () => {
  const { box, store, poll } = setup();
  await poll();
  box.add(raw(1));
  box.add(raw(2));
  await poll();
  assert.equal(store.intakes.length, 2);
  box.recreate();
  box.add(raw(1), true); // the old mail, copied over with its flags
  box.add(raw(2), true);
  const { body } = await poll();
  assert.equal(body.uidvalidity_changed, true);
  assert.equal(body.processed, 0);
  assert.equal(store.warnings.length, 1);
  box.add(raw(3));
  const next = await poll();
  assert.equal(next.body.created, 1);
  assert.deepEqual(store.intakes.map((i) => i.messageId).slice(2), ["m3@example.com"]);
});

Deno.test("email-poll stops at the batch limit and goes on in the next run", async () => {
  const { box, store, poll } = setup({ limits: { maxMessages: 2 } });
  await poll();
  for (let i = 1; i <= 5; i++) box.add(raw(i));
  const first = await poll();
  assert.equal(first.body.processed, 2);
  assert.equal(first.body.last_uid, 2);
  assert.equal(first.body.remaining, 3);
  await poll();
  await poll();
  assert.deepEqual(store.intakes.map((i) => i.uid), [1, 2, 3, 4, 5]);
});

Deno.test("email-poll only sets \\Seen on a message committed before a crash", async () => {
  const { box, store, poll } = setup();
  await poll();
  box.add(raw(1));
  // A run that committed message 1 and died before setting \Seen and moving the cursor.
  store.rows.set("100/1", { status: "done", attempts: 0, nextAttemptAt: null, seen: false });
  const { body } = await poll();
  assert.equal(body.processed, 0);
  assert.equal(store.intakes.length, 0);
  assert.equal(box.seen(1), true);
  assert.equal(body.last_uid, 1);
});

Deno.test("email-poll answers 502 and releases the lease when the mailbox cannot be reached", async () => {
  const { box, store, poll } = setup();
  box.failOpen = new MailboxUnavailableError("ECONNREFUSED");
  const { status, body } = await poll();
  assert.equal(status, 502);
  assert.match(String(body.details.reason), /ECONNREFUSED/);
  assert.equal(box.opens, 4, "the connection is tried once and retried 3 times");
  assert.equal(store.leaseOwner, null);
  assert.equal(store.finished.length, 1);
  assert.match(String(store.finished[0]), /ECONNREFUSED/);
});

Deno.test("email-poll stops a run on a lost connection without blaming the message", async () => {
  const { box, store, poll } = setup();
  await poll();
  box.add(raw(1));
  box.add(raw(2));
  box.breakOn = 2;
  const { status } = await poll();
  assert.equal(status, 502);
  assert.equal(store.lastUid, 1, "the finished prefix is kept");
  assert.equal(store.rows.get("100/2"), undefined, "no attempt counted against message 2");
  box.breakOn = null;
  const again = await poll();
  assert.equal(again.body.created, 1);
});
