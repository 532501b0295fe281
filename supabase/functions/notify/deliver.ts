/**
 * The notify stage's delivery: each pending notification of a job's ticket is leased for one
 * attempt, posted (or updated) and its outcome recorded at once, each step its own short
 * transaction, so nothing Slack accepted is ever rolled back. After an attempt that may have
 * reached Slack without its answer being recorded (a timeout, a 5xx, a crash), the message is
 * looked up by its marker before it is posted again: never lost, never posted twice.
 */
import type { Log } from "../_shared/log.ts";
import { renderTicketAssigned, SlackError, type SlackNotifier } from "../_shared/slack.ts";
import { renderAnswerDraft } from "../_shared/slack_draft.ts";
import { type ClaimedJob, settledOutcomes } from "../_shared/stage.ts";
import { ticketViewUrl } from "../_shared/ticket_link.ts";
import { type DailyReportPayload, renderDailyReport } from "./daily_report.ts";
import { noticeFor, type PendingNotification, ticketUrl } from "./handler.ts";
import type { DeliveryOutcome, NotificationStore } from "./store.ts";

/** Where the View Ticket button links to. */
export interface TicketLinks {
  /** A template with {{id}} / {{number}} (Studio's row, your own page); wins when set. */
  template: string | null;
  /** Signs links to the ticket-view page under baseUrl; null: no signing secret. */
  sign: { baseUrl: string; secret: string; validForS: number } | null;
}

/** Dependencies of the notify stage. */
export interface NotifyDeps {
  store: NotificationStore;
  /** Null when no Slack token is configured: messages are kept in the outbox. */
  slack: SlackNotifier | null;
  /** The ticket-view signing secret (null: only a ticket_url_template gives a link). */
  linkSecret: string | null;
  log: Log;
  now?: () => number;
}

/** How far before an uncertain attempt began the message is looked for (clock skew). */
const LOOKUP_SLACK_S = 120;

/**
 * Delivers the pending notifications of each job's ticket (a ticket-less job: every ticket-less
 * one, such as pipeline alerts and the daily report).
 */
export function createNotifyProcessor(deps: NotifyDeps) {
  return async (jobs: ClaimedJob[]) =>
    settledOutcomes(await Promise.allSettled(jobs.map((job) => deliverJob(deps, job))));
}

async function deliverJob(deps: NotifyDeps, job: ClaimedJob): Promise<void> {
  const settings = await deps.store.settings();
  const links: TicketLinks = {
    template: settings.urlTemplate,
    sign: deps.linkSecret && settings.viewBaseUrl
      ? {
        baseUrl: settings.viewBaseUrl,
        secret: deps.linkSecret,
        validForS: settings.viewLinkDays * 86_400,
      }
      : null,
  };
  let retryLater: Error | null = null;
  for (const n of await deps.store.pending(job.ticketId)) {
    const error = await deliverOne(deps, n, { timeZone: settings.timeZone, links });
    retryLater ??= error;
  }
  if (retryLater) throw retryLater;
  if (!(await deps.store.complete(job.jobId, job.attempt))) {
    // Everything is recorded already; only the job's own bookkeeping went to another run.
    throw new Error(`job ${job.jobId} attempt ${job.attempt} is no longer claimed`);
  }
}

/** One notification: leased, delivered, recorded. Returns an error when it must be retried. */
async function deliverOne(
  deps: NotifyDeps,
  n: PendingNotification,
  options: { timeZone: string; links: TicketLinks },
): Promise<Error | null> {
  const lease = await deps.store.begin(n.id);
  if (lease.kind === "done") return null;
  if (lease.kind === "busy") {
    return new Error(`notification ${n.id} is being delivered by another run`);
  }
  const finish = (outcome: DeliveryOutcome) => deps.store.finish(n.id, lease.token, outcome);
  if ((n.kind === "answer_draft" || n.kind === "answer_draft_updated") && !n.draft) {
    await finish({ status: "failed", note: "the draft no longer exists" });
    return null;
  }
  const message = render(n, options.timeZone, viewUrl(n, options.links, deps.now ?? Date.now));

  if (n.channel !== "slack") {
    await finish({
      status: "stored",
      note: "email delivery is not configured; kept in the outbox",
      payload: message,
    });
    return null;
  }
  // A draft's channel is decided below: the thread of the ticket's message may be a DM's.
  if (!deps.slack || (!n.target && n.kind !== "answer_draft")) {
    await finish({
      status: "stored",
      note: !deps.slack
        ? "Slack is not configured"
        : n.ticket
        ? "no Slack channel configured for this team"
        : "no Slack channel configured (settings report_slack_channel_id, alerts_slack_channel_id)",
      payload: message,
    });
    return null;
  }
  const slack = deps.slack;
  const payloadOf = (channel: string | null) => ({
    ...message,
    ...(channel ? { posted_channel: channel } : {}),
  });

  if (n.kind === "slack_receipt") return await deliverReceipt(slack, n, finish);

  let target: string | null = n.target;
  let threadTs: string | undefined;
  if (n.kind === "answer_draft") {
    // In the thread of the ticket's message: decided once, kept for every later attempt.
    const thread = await deps.store.pinDraftThread(n.id);
    if (thread.wait) {
      const note = "waits for the ticket's message to be posted, to answer in its thread";
      await finish({ status: "pending", note, uncertain: false });
      return new Error(`notification ${n.id} ${note}`);
    }
    target = thread.channel;
    threadTs = thread.threadTs ?? undefined;
    if (!target) {
      await finish({
        status: "stored",
        note: "no Slack channel configured for this team",
        payload: message,
      });
      return null;
    }
  }
  const channel = target!;

  if (n.kind === "ticket_updated" || n.kind === "answer_draft_updated") {
    if (typeof n.payload.ts !== "string") {
      await finish({ status: "failed", note: "no message ts to update" });
      return null;
    }
    // Replacing a message is harmless to repeat: no lookup needed.
    try {
      const posted = await slack.updateMessage(channel, n.payload.ts, message);
      await finish({ status: "sent", externalId: posted.ts, payload: payloadOf(posted.channel) });
      return null;
    } catch (error) {
      return await failed(error, finish);
    }
  }

  if (lease.checkSinceS !== null) {
    try {
      const found = await slack.findPostedMessage(
        channel,
        n.id,
        lease.checkSinceS - LOOKUP_SLACK_S,
        threadTs,
      );
      if (found) {
        await finish({
          status: "sent",
          externalId: found.ts,
          payload: payloadOf(found.channel),
          note: "an earlier attempt had posted it; not posted again",
          found: true,
        });
        deps.log("notification found posted by an earlier attempt", { id: n.id, ts: found.ts });
        return null;
      }
    } catch (error) {
      if (!(error instanceof SlackError) || error.retryable) {
        return await failed(error, finish);
      }
      // The history cannot be read (a missing scope, say): post rather than lose the message.
      const note = `could not check for an earlier post: ${error.message}`;
      await deps.store.warn(n.ticket?.id ?? null, "notification_unchecked", note, {
        notification_id: n.id,
        target: channel,
        code: error.code,
      });
      deps.log("notification posted without a duplicate check", { id: n.id, error: note });
    }
  }

  try {
    const posted = await slack.postMessage(channel, { ...message, marker: n.id, threadTs });
    // Recorded the moment Slack answered, in a transaction of its own.
    await finish({ status: "sent", externalId: posted.ts, payload: payloadOf(posted.channel) });
    return null;
  } catch (error) {
    return await failed(error, finish);
  }
}

/**
 * A reaction on an agent's Slack answer (harmless to repeat: one already there is done), or an
 * ephemeral explanation to them (a repeat only shows it twice, so no lookup is needed).
 */
async function deliverReceipt(
  slack: SlackNotifier,
  n: PendingNotification,
  finish: (outcome: DeliveryOutcome) => Promise<boolean>,
): Promise<Error | null> {
  const channel = n.target!;
  const p = n.payload;
  try {
    if (typeof p.reaction === "string" && typeof p.ts === "string") {
      await slack.addReaction(channel, p.ts, p.reaction);
      await finish({ status: "sent", externalId: p.ts, payload: { posted_channel: channel } });
      return null;
    }
    if (typeof p.ephemeral_user === "string" && typeof p.text === "string") {
      const posted = await slack.postEphemeral(channel, p.ephemeral_user, {
        text: p.text,
        threadTs: typeof p.thread_ts === "string" ? p.thread_ts : undefined,
      });
      await finish({
        status: "sent",
        externalId: posted.ts || "ephemeral",
        payload: { posted_channel: channel },
      });
      return null;
    }
    await finish({
      status: "failed",
      note: "a receipt needs a reaction and ts, or a user and text",
    });
    return null;
  } catch (error) {
    if (error instanceof SlackError && error.retryable) {
      // Neither call can do harm when repeated: retried as certain.
      await finish({ status: "pending", note: error.message, uncertain: false });
      return error;
    }
    return await failed(error, finish);
  }
}

/**
 * Records a failed attempt: failed for good, or pending, uncertain when it may have posted (an
 * earlier uncertain attempt stays on record either way).
 */
async function failed(
  error: unknown,
  finish: (outcome: DeliveryOutcome) => Promise<boolean>,
): Promise<Error | null> {
  const note = error instanceof Error ? error.message : String(error);
  if (error instanceof SlackError && !error.retryable) {
    await finish({ status: "failed", note });
    return null;
  }
  const uncertain = !(error instanceof SlackError) || error.uncertain;
  await finish({ status: "pending", note, uncertain });
  return error instanceof Error ? error : new Error(note);
}

function viewUrl(n: PendingNotification, links: TicketLinks, now: () => number): string {
  if (!n.ticket) return "";
  if (links.template) return ticketUrl(links.template, n.ticket);
  if (!links.sign) return "";
  return ticketViewUrl(links.sign.baseUrl, n.ticket.id, {
    secret: links.sign.secret,
    expiresAtS: Math.floor(now() / 1000) + links.sign.validForS,
  });
}

function render(n: PendingNotification, timeZone: string, viewUrl: string) {
  if (
    (n.kind === "ticket_assigned" || n.kind === "ticket_queued" || n.kind === "ticket_updated") &&
    n.ticket
  ) {
    const note = n.kind === "ticket_updated" && typeof n.payload.note === "string"
      ? n.payload.note
      : null;
    const at = Number(n.payload.at);
    return renderTicketAssigned(
      noticeFor(n.ticket, {
        timeZone,
        viewUrl,
        note,
        noteAt: Number.isSafeInteger(at) ? at : null,
      }),
    );
  }
  if ((n.kind === "answer_draft" || n.kind === "answer_draft_updated") && n.draft) {
    return renderAnswerDraft(n.draft);
  }
  if (n.kind === "customer_reply" && n.ticket) {
    const subject = String(n.payload.subject ?? `Re: ${n.ticket.subject}`);
    return { text: subject, blocks: [] };
  }
  if (n.kind === "daily_report" && n.payload.report) {
    return renderDailyReport(n.payload as unknown as DailyReportPayload);
  }
  const text = String(n.payload.text ?? "ISTS notification");
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
