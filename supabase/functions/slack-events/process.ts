/**
 * The queue side of Slack intake: each claimed 'slack-events' job names one stored event. It is
 * ignored (with the reason recorded), or its author is looked up (users.info, cached) and the
 * message goes through the one intake path, a thread reply onto its ticket. Transient failures
 * (Slack or the database unavailable) are retried with backoff by the job queue, then
 * dead-lettered with an alert; input that can never become a ticket is kept as an intake dead
 * letter. Intake, the event's status and the job's completion commit together.
 */
import type { IntakeResult } from "../_shared/intake_store.ts";
import type { Log } from "../_shared/log.ts";
import { idempotencyKey, isEmailAddress, type NormalisedMessage } from "../_shared/normalise.ts";
import { isTransient } from "../_shared/retry.ts";
import { SlackError, type SlackUser, type SlackUserDirectory } from "../_shared/slack.ts";
import { type ClaimedJob, isStaleJobError, type JobOutcome } from "../_shared/stage.ts";
import {
  ignoreReason,
  isThreadReply,
  mentionedUsers,
  personMessageProblem,
  placeholderEmail,
  type SlackAuthor,
  SlackEnvelope,
  threadReplyText,
  toNormalisedMessage,
} from "./event.ts";

/** A stored event as the processor reads it. */
export interface StoredSlackEvent {
  id: number;
  status: string;
  payload: Record<string, unknown>;
}

/** A reply in a Slack thread, as app_private.take_slack_thread_reply() takes it. */
export interface ThreadReply {
  channel: string;
  thread_ts: string;
  ts: string;
  user: string;
  /** Plain text (markup converted). */
  text: string;
}

/** What became of a thread reply: not a ticket's thread (handled false), or its outcome. */
export interface ThreadReplyResult {
  handled: boolean;
  /** agent_answer, note, refused, duplicate or ignored. */
  outcome?: string;
  ticket_id?: string;
  text?: string | null;
}

/** Storage port of the processing step (app_private.slack_events, intake, the job). */
export interface SlackEventStore {
  load(ids: number[]): Promise<StoredSlackEvent[]>;
  /**
   * A reply in the thread of one of a ticket's Slack messages: the agent's answer (marker),
   * an internal note, or a refusal, settled with the event and the job in one transaction;
   * {handled: false} and nothing done when the thread is no ticket's.
   */
  threadReply(
    job: ClaimedJob,
    slackEventId: number,
    reply: ThreadReply,
  ): Promise<ThreadReplyResult>;
  /** True when the Slack user is one of our agents (agents.slack_user_id). */
  isAgent(slackUserId: string): Promise<boolean>;
  /** Intake, the event marked processed and the job completed, in one transaction. */
  intake(
    job: ClaimedJob,
    slackEventId: number,
    message: { key: string; message: NormalisedMessage; placeholder: boolean },
  ): Promise<IntakeResult>;
  /** Marks the event ignored with the reason and completes the job. */
  ignore(job: ClaimedJob, slackEventId: number, reason: string): Promise<void>;
  /** Completes the job of an event that was already settled. */
  complete(job: ClaimedJob): Promise<void>;
  /** Keeps the event as an intake dead letter, marks it and completes the job. */
  deadLetter(
    job: ClaimedJob,
    slackEventId: number,
    reason: string,
    payload: Record<string, unknown>,
  ): Promise<number>;
  /** Records a failed attempt (retry later, or dead after the last); returns the job status. */
  fail(job: ClaimedJob, slackEventId: number | null, error: string): Promise<string>;
}

/** Dependencies of the processor. */
export interface SlackEventProcessorDeps {
  store: SlackEventStore;
  /** Null without SLACK_BOT_TOKEN: authors get placeholder addresses and no names. */
  users: SlackUserDirectory | null;
  supportChannels: string[];
  log: Log;
  /** How long a looked-up user is reused (default 10 minutes). */
  userCacheMs?: number;
  now?: () => number;
}

/** Input that can never become a ticket, however often it is tried. */
class PermanentError extends Error {}

type Lookup = { user: SlackUser } | { error: string };

const MAX_MENTION_LOOKUPS = 10;
const MAX_CACHED_USERS = 2000;

/** Builds the batch step of the 'slack-events' stage. */
export function createSlackEventProcessor(
  deps: SlackEventProcessorDeps,
): (jobs: ClaimedJob[]) => Promise<JobOutcome[]> {
  const now = deps.now ?? Date.now;
  const ttl = deps.userCacheMs ?? 600_000;
  const cache = new Map<string, { at: number; lookup: Promise<Lookup> }>();

  /** users.info, cached; a lookup Slack may answer later is thrown (and not cached). */
  function lookupUser(users: SlackUserDirectory, id: string): Promise<Lookup> {
    const hit = cache.get(id);
    if (hit && now() - hit.at < ttl) return hit.lookup;
    if (cache.size >= MAX_CACHED_USERS) cache.clear();
    const lookup = users.userInfo(id).then(
      (user): Lookup => ({ user }),
      (error): Lookup => {
        if (error instanceof SlackError && !error.retryable) return { error: error.code };
        cache.delete(id);
        throw error;
      },
    );
    cache.set(id, { at: now(), lookup });
    return lookup;
  }

  async function authorOf(envelope: SlackEnvelope): Promise<SlackAuthor | string> {
    const event = envelope.event;
    const placeholder = (note: string): SlackAuthor => ({
      email: placeholderEmail(event.user!, event.user_team ?? event.team ?? envelope.team_id),
      name: null,
      identity: "placeholder",
      identityNote: note,
    });
    if (!deps.users) return placeholder("SLACK_BOT_TOKEN is not set");
    const found = await lookupUser(deps.users, event.user!);
    if ("error" in found) {
      deps.log("slack user lookup failed, placeholder address used", {
        user: event.user,
        error: found.error,
      });
      return placeholder(found.error);
    }
    if (found.user.isBot) return "a bot user's message";
    if (found.user.email && isEmailAddress(found.user.email)) {
      return { email: found.user.email, name: found.user.name, identity: "profile" };
    }
    return { ...placeholder("no e-mail address in the profile"), name: found.user.name };
  }

  async function mentionNames(text: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    if (!deps.users) return names;
    for (const id of mentionedUsers(text).slice(0, MAX_MENTION_LOOKUPS)) {
      const found = await lookupUser(deps.users, id).catch(() => null);
      if (found && "user" in found && found.user.name) names.set(id, found.user.name);
    }
    return names;
  }

  async function processJob(
    job: ClaimedJob,
    stored: StoredSlackEvent | undefined,
  ): Promise<JobOutcome> {
    const id = stored?.id ?? null;
    try {
      if (!stored) {
        throw new Error(`slack event ${String(job.payload.slack_event_id)} is not stored`);
      }
      if (stored.status !== "queued") {
        await deps.store.complete(job);
        return { outcome: "done" };
      }
      const parsed = SlackEnvelope.safeParse(stored.payload);
      if (!parsed.success) {
        throw new PermanentError("the stored event is not a valid event_callback");
      }
      const envelope = parsed.data;
      const event = envelope.event;
      if (isThreadReply(event) && personMessageProblem(envelope) === null) {
        // An agent in the thread of a ticket's message (team channel, DM): answer or note.
        const taken = await deps.store.threadReply(job, stored.id, {
          channel: event.channel!,
          thread_ts: event.thread_ts!,
          ts: event.ts!,
          user: event.user!,
          text: threadReplyText(envelope, await mentionNames(event.text ?? "")),
        });
        if (taken.handled) {
          deps.log("slack reply in a ticket's thread", {
            slack_event: stored.id,
            ticket: taken.ticket_id ?? null,
            outcome: taken.outcome ?? null,
            text: taken.text ?? null,
          });
          return { outcome: "done" };
        }
      }
      let reason = ignoreReason(envelope, deps.supportChannels);
      const author = reason === null ? await authorOf(envelope) : null;
      if (typeof author === "string") reason = author;
      const threadTs = event.thread_ts && event.thread_ts !== event.ts ? event.thread_ts : null;
      if (reason === null && threadTs && await deps.store.isAgent(event.user!)) {
        reason = "an agent's reply in a thread (not a customer message)";
      }
      if (reason !== null || author === null || typeof author === "string") {
        await deps.store.ignore(job, stored.id, reason ?? "no author");
        deps.log("slack event ignored", { slack_event: stored.id, reason });
        return { outcome: "done" };
      }
      let message: NormalisedMessage;
      try {
        message = toNormalisedMessage(envelope, author, await mentionNames(event.text ?? ""));
      } catch (error) {
        throw new PermanentError((error as Error).message);
      }
      let result: IntakeResult;
      try {
        result = await deps.store.intake(job, stored.id, {
          key: await idempotencyKey(message),
          message,
          placeholder: author.identity === "placeholder",
        });
      } catch (error) {
        if (isPermanentDataError(error)) throw new PermanentError((error as Error).message);
        throw error;
      }
      deps.log(`slack message ${result.outcome}`, {
        slack_event: stored.id,
        ticket: result.ticketId,
        number: result.ticketNumber,
        message_id: message.messageId,
        identity: author.identity,
      });
      return { outcome: "done" };
    } catch (error) {
      if (isStaleJobError(error)) return { outcome: "stale" };
      const text = error instanceof Error ? error.message : String(error);
      if (error instanceof PermanentError && id !== null && stored) {
        const deadLetter = await deps.store.deadLetter(job, id, text, stored.payload).catch((e) => {
          if (isStaleJobError(e)) return null;
          throw e;
        });
        if (deadLetter === null) return { outcome: "stale" };
        deps.log("slack event kept as dead letter", { slack_event: id, dead_letter: deadLetter });
        return { outcome: "done" };
      }
      const status = await deps.store.fail(job, id, text);
      if (status === "ignored") return { outcome: "stale" };
      return { outcome: status === "dead" ? "dead" : "queued", error: text };
    }
  }

  return async (jobs) => {
    const ids = jobs.map((j) => Number(j.payload.slack_event_id)).filter(Number.isSafeInteger);
    const rows = new Map((await deps.store.load(ids)).map((r) => [r.id, r]));
    const results = await Promise.allSettled(
      jobs.map((job) => processJob(job, rows.get(Number(job.payload.slack_event_id)))),
    );
    return results.map((r): JobOutcome =>
      r.status === "fulfilled" ? r.value : { outcome: "failed", error: r.reason }
    );
  };
}

/** Database errors that retrying cannot fix: bad data (22…) or a violated constraint (23…). */
export function isPermanentDataError(error: unknown): boolean {
  if (isTransient(error)) return false;
  const code = String((error as { code?: string } | null)?.code ?? "");
  return /^2[23][0-9A-Z]{3}$/.test(code);
}
