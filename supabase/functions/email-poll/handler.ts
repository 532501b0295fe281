/**
 * POST /functions/v1/email-poll (pg_cron every 2 minutes, service-role bearer only): reads the
 * configured IMAP mailbox and takes each new message in through the one intake path.
 *
 * - One run at a time per mailbox: a lease row (not an advisory lock: the pool gives no stable
 *   session); a second run answers {skipped: "another poll is running"}.
 * - Messages are read oldest first by UID, at most a bounded batch per run (count, bytes,
 *   time), so a run stays well inside the Edge Function limits (150 s, 256 MB).
 * - A message is marked \Seen only after its ticket (or dead letter) and its row in
 *   app_private.email_poll_messages have committed together. A crash in between is harmless:
 *   the next run finds the row (or intake finds the Message-ID) and only sets the flag.
 * - A failing message is retried 3 times with backoff (email_poll_max_attempts = 4 attempts in
 *   all), then kept as an intake dead letter with its raw bytes and marked \Seen; later
 *   messages are processed meanwhile. The UID cursor only advances over a finished prefix, so
 *   nothing behind a failure is skipped.
 * - A message larger than maxMessageBytes is read only in part (a partial FETCH of its first
 *   bytes) and becomes a ticket from that part, with the truncation noted: bounded memory.
 * - A UIDVALIDITY change (mailbox recreated or rebuilt) does not re-import the mailbox: the
 *   messages that existed then are taken in only when unseen (see email_poll_sync_mailbox).
 */
import { HttpError, json, requireBearer, requireMethod, withErrors } from "../_shared/http.ts";
import type { IntakeResult } from "../_shared/intake_store.ts";
import type { Log } from "../_shared/log.ts";
import type { OwnMail } from "../_shared/mail/automated.ts";
import {
  emailToMessage,
  MailParseError,
  MAX_PARSE_BYTES,
  parseEmail,
  unusableReason,
} from "../_shared/mail/parse.ts";
import { idempotencyKey, type NormalisedMessage } from "../_shared/normalise.ts";
import { RETRIES, withRetries } from "../_shared/retry.ts";

/** Bytes read of one message: a larger one is read from its first part (what the parser reads). */
export const MAX_MESSAGE_BYTES = MAX_PARSE_BYTES;

/** The open mailbox as the poller needs it (imapflow in mailbox.ts, a fake in tests). */
export interface MailboxSession {
  uidValidity: bigint;
  uidNext: number;
  /** UIDs from..to (inclusive, ascending) that exist; only unseen ones when asked. */
  search(from: number, to: number, unseenOnly: boolean): Promise<number[]>;
  /** The message's size in bytes, or null when it no longer exists. */
  size(uid: number): Promise<number | null>;
  /**
   * The raw message (read without setting \Seen), only its first maxBytes when given; null
   * when it no longer exists.
   */
  source(uid: number, maxBytes?: number): Promise<Uint8Array | null>;
  markSeen(uid: number): Promise<void>;
  close(): Promise<void>;
}

/** Thrown by a session when the connection is gone: the run stops, no message is blamed. */
export class MailboxUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MailboxUnavailableError";
  }
}

/** What the poller knows about a message it tried before. */
export interface KnownMessage {
  status: "failed" | "done" | "dead_letter" | "skipped";
  attempts: number;
  /** When a failed message may be tried again (epoch ms), or null. */
  nextAttemptAt: number | null;
  seen: boolean;
}

/** The work committed for one message. */
export type MessageWork =
  | { kind: "intake"; key: string; message: NormalisedMessage }
  | {
    kind: "dead_letter";
    reason: string;
    raw: Uint8Array | null;
    details: Record<string, unknown>;
  }
  | { kind: "skipped"; reason: string };

/** Result of committing one message. */
export interface CommitResult {
  status: "done" | "dead_letter" | "skipped";
  intake?: IntakeResult;
  deadLetterId?: number;
}

/** The poller's state in Postgres (store.ts: SQL functions app_private.email_poll_*). */
export interface PollStore {
  /** Takes the mailbox's lease; null when another run holds it. */
  begin(mailbox: string, owner: string, leaseSeconds: number): Promise<boolean>;
  /** Records UIDVALIDITY and returns the cursor. */
  sync(
    mailbox: string,
    owner: string,
    uidValidity: bigint,
    uidNext: number,
  ): Promise<{ lastUid: number; baselineUid: number; changed: boolean }>;
  /** Messages above the cursor that were tried before, by UID. */
  known(mailbox: string, uidValidity: bigint, afterUid: number): Promise<Map<number, KnownMessage>>;
  /** In one transaction: renews the lease, does the work, records the message as finished. */
  commit(
    mailbox: string,
    owner: string,
    uidValidity: bigint,
    uid: number,
    work: MessageWork,
  ): Promise<CommitResult>;
  /** Records a failed attempt; the last one dead-letters the message. */
  fail(
    mailbox: string,
    owner: string,
    uidValidity: bigint,
    uid: number,
    failure: { error: string; raw: Uint8Array | null; details: Record<string, unknown> },
  ): Promise<"failed" | "dead_letter" | "done">;
  markSeen(mailbox: string, uidValidity: bigint, uid: number): Promise<void>;
  /** Moves the cursor forward and releases the lease. */
  finish(
    mailbox: string,
    owner: string,
    lastUid: number | null,
    error: string | null,
  ): Promise<void>;
}

/** Per-run bounds. */
export interface PollLimits {
  maxMessages: number;
  maxBytes: number;
  budgetMs: number;
  maxMessageBytes: number;
  leaseSeconds: number;
}

/** The defaults: well inside a function's 150 s, 256 MB and 2 s of CPU (parsing costs CPU). */
export const DEFAULT_LIMITS: PollLimits = {
  maxMessages: 50,
  maxBytes: 20 * 1024 * 1024,
  budgetMs: 60_000,
  maxMessageBytes: MAX_MESSAGE_BYTES,
  leaseSeconds: 180,
};

/** Everything the handler needs; `mailbox` is null when IMAP is not configured. */
export interface EmailPollDeps {
  tokens: string[];
  mailbox: { key: string; open(): Promise<MailboxSession> } | null;
  store: PollStore;
  own: OwnMail;
  log: Log;
  limits?: Partial<PollLimits>;
  now?: () => number;
  /** Sleep between retries of transient database errors (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

/** What one run did. */
export interface PollReport {
  mailbox: string;
  uidvalidity_changed: boolean;
  processed: number;
  created: number;
  duplicates: number;
  other: number;
  dead_letters: number;
  failed: number;
  skipped: number;
  last_uid: number;
  /** Messages left for the next run (batch full, or waiting for a retry). */
  remaining: number;
}

function isLeaseLost(error: unknown): boolean {
  return /email poll lease .* is no longer held/.test(String((error as Error)?.message ?? error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One polling run against an open session; exported for the tests. */
export async function pollMailbox(
  deps: EmailPollDeps & { mailbox: NonNullable<EmailPollDeps["mailbox"]> },
  session: MailboxSession,
  owner: string,
  progress: { report?: PollReport } = {},
): Promise<PollReport> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const started = now();
  const retry = <T>(fn: () => Promise<T>) => withRetries(fn, { sleep: deps.sleep });
  const key = deps.mailbox.key;
  const validity = session.uidValidity;
  const upper = session.uidNext - 1;
  const cursor = await retry(() => deps.store.sync(key, owner, validity, session.uidNext));
  if (cursor.changed) {
    deps.log("mailbox UIDVALIDITY changed: not re-importing", {
      mailbox: key,
      uidvalidity: String(validity),
    });
  }
  const report: PollReport = {
    mailbox: key,
    uidvalidity_changed: cursor.changed,
    processed: 0,
    created: 0,
    duplicates: 0,
    other: 0,
    dead_letters: 0,
    failed: 0,
    skipped: 0,
    last_uid: cursor.lastUid,
    remaining: 0,
  };
  progress.report = report;

  // Candidates: older messages (<= baseline) only when unseen, newer ones all, and every
  // message tried before that is not finished (it may have been read by a person meanwhile).
  const known = await retry(() => deps.store.known(key, validity, cursor.lastUid));
  const from = cursor.lastUid + 1;
  const oldTo = Math.min(cursor.baselineUid, upper);
  const newFrom = Math.max(from, cursor.baselineUid + 1);
  const uids = new Set<number>([
    ...(from <= oldTo ? await session.search(from, oldTo, true) : []),
    ...(newFrom <= upper ? await session.search(newFrom, upper, false) : []),
    ...[...known.entries()].filter(([, k]) => k.status === "failed" || !k.seen).map(([u]) => u),
  ]);
  const candidates = [...uids].filter((u) => u > cursor.lastUid && u <= upper).sort((a, b) =>
    a - b
  );

  const finished = new Set<number>();
  let bytes = 0;
  let attempted = 0;
  const markSeen = async (uid: number) => {
    try {
      await session.markSeen(uid);
      await retry(() => deps.store.markSeen(key, validity, uid));
      finished.add(uid);
    } catch (error) {
      if (error instanceof MailboxUnavailableError) throw error;
      // The row is committed; the next run sets the flag again.
      deps.log("cannot set \\Seen yet", { mailbox: key, uid, error: messageOf(error) });
    }
  };

  try {
    await processCandidates();
  } finally {
    // The cursor moves over the finished prefix only: a failed or unread message holds it.
    const firstOpen = candidates.find((uid) => !finished.has(uid));
    report.last_uid = Math.max(cursor.lastUid, firstOpen === undefined ? upper : firstOpen - 1);
    report.remaining = candidates.filter((uid) => !finished.has(uid)).length;
  }
  return report;

  async function processCandidates(): Promise<void> {
    for (const uid of candidates) {
      const before = known.get(uid);
      if (before && before.status !== "failed") {
        if (before.seen || before.status === "skipped") finished.add(uid);
        else await markSeen(uid);
        continue;
      }
      if (before?.nextAttemptAt != null && before.nextAttemptAt > now()) continue;
      if (attempted >= limits.maxMessages || bytes >= limits.maxBytes) break;
      if (now() - started > limits.budgetMs) break;
      attempted++;

      let raw: Uint8Array | null = null;
      let messageId: string | null = null;
      try {
        const size = await session.size(uid);
        let work: MessageWork;
        if (size === null) {
          work = { kind: "skipped", reason: "the message was expunged before it was read" };
        } else {
          // A message larger than the parser reads is fetched only in part: bounded memory.
          const partial = size > limits.maxMessageBytes;
          raw = await session.source(uid, partial ? limits.maxMessageBytes : undefined);
          bytes += raw?.length ?? 0;
          work = raw === null
            ? { kind: "skipped", reason: "the message was expunged before it was read" }
            : await workFor(raw, deps.own, { mailbox: key, uid }, partial ? size : undefined);
          if (work.kind === "intake") messageId = work.message.messageId ?? null;
        }
        const result = await retry(() => deps.store.commit(key, owner, validity, uid, work));
        report.processed++;
        if (result.status === "skipped") {
          report.skipped++;
          finished.add(uid);
          continue;
        }
        if (result.status === "dead_letter") report.dead_letters++;
        else if (result.intake?.outcome === "created") report.created++;
        else if (result.intake?.duplicate) report.duplicates++;
        else report.other++;
        deps.log(`mail ${result.intake?.outcome ?? result.status}`, {
          mailbox: key,
          uid,
          ticket: result.intake?.ticketId ?? null,
          dead_letter: result.deadLetterId ?? null,
          message_id: messageId,
        });
        await markSeen(uid);
      } catch (error) {
        if (isLeaseLost(error) || error instanceof MailboxUnavailableError) throw error;
        const message = messageOf(error);
        const next = await retry(() =>
          deps.store.fail(key, owner, validity, uid, {
            error: message,
            raw,
            details: { source: "email-poll", message_id: messageId },
          })
        );
        deps.log("mail attempt failed", { mailbox: key, uid, next, error: message });
        if (next === "dead_letter") {
          report.dead_letters++;
          await markSeen(uid);
        } else if (next === "done") {
          finished.add(uid);
        } else {
          report.failed++;
        }
      }
    }
  }
}

/** What to commit for a downloaded message: intake, or a dead letter when it is unusable. */
async function workFor(
  raw: Uint8Array,
  own: OwnMail,
  where: { mailbox: string; uid: number },
  totalBytes?: number,
): Promise<MessageWork> {
  let reason: string | null;
  let parsed = null;
  try {
    parsed = await parseEmail(raw, own, { totalBytes });
    reason = unusableReason(parsed);
  } catch (error) {
    if (!(error instanceof MailParseError)) throw error;
    reason = error.message;
  }
  if (reason !== null || parsed === null) {
    return {
      kind: "dead_letter",
      reason: reason ?? "unparsable",
      raw,
      details: {
        source: "email-poll",
        ...where,
        subject: parsed?.subject ?? null,
        ...(totalBytes ? { total_bytes: totalBytes, raw_truncated: true } : {}),
      },
    };
  }
  const message = emailToMessage(parsed, { source: "email-poll", imap_uid: where.uid });
  return { kind: "intake", key: await idempotencyKey(message), message };
}

/** Builds the email-poll handler. */
export function createEmailPollHandler(deps: EmailPollDeps): (req: Request) => Promise<Response> {
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  return withErrors(async (req) => {
    requireMethod(req, ["POST"]);
    requireBearer(req, deps.tokens);
    await req.body?.cancel();
    const mailbox = deps.mailbox;
    if (mailbox === null) return json({ skipped: "IMAP not configured" });
    const owner = crypto.randomUUID();
    const leased = await withRetries(
      () => deps.store.begin(mailbox.key, owner, limits.leaseSeconds),
      { sleep: deps.sleep },
    );
    if (!leased) return json({ skipped: "another poll is running" });

    let session: MailboxSession | null = null;
    const progress: { report?: PollReport } = {};
    let failure: unknown = null;
    try {
      session = await openWithRetries(() => mailbox.open(), deps.sleep).catch((error) => {
        throw new MailboxUnavailableError(`cannot open the mailbox: ${messageOf(error)}`);
      });
      await pollMailbox({ ...deps, mailbox }, session, owner, progress);
    } catch (error) {
      failure = error;
    } finally {
      await session?.close().catch(() => {});
    }
    const error = failure === null ? null : messageOf(failure);
    await withRetries(
      () => deps.store.finish(mailbox.key, owner, progress.report?.last_uid ?? null, error),
      { sleep: deps.sleep },
    ).catch((e) => deps.log("cannot release the poll lease", { error: messageOf(e) }));
    if (failure !== null) {
      if (isLeaseLost(failure)) {
        deps.log("poll stopped: lease taken over", { mailbox: mailbox.key });
        return json({ skipped: "lease lost to another poll" }, { status: 409 });
      }
      deps.log("poll failed", { mailbox: mailbox.key, error });
      if (failure instanceof MailboxUnavailableError) {
        throw new HttpError(502, "Cannot read the mailbox", { reason: error });
      }
      throw failure;
    }
    deps.log("poll done", { ...progress.report });
    return json(progress.report);
  }, deps.log);
}

/** Opens the mailbox, retrying a failed connection 3 times with backoff (1 s, 4 s, 16 s). */
function openWithRetries(
  open: () => Promise<MailboxSession>,
  sleep?: (ms: number) => Promise<void>,
): Promise<MailboxSession> {
  return withRetries(open, {
    retries: RETRIES,
    baseMs: 1000,
    sleep,
    transient: (error) => error instanceof MailboxUnavailableError,
  });
}
