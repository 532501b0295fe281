/**
 * The send stage's batch processor: for each job, SQL claims the ticket's deliverable answers
 * (committed before anything leaves), each is delivered on its channel (e-mail through SMTP,
 * a reply in the customer's Slack thread), and SQL records every outcome and settles the job.
 * API and web answers never reach this code: SQL dispatches them to the answer.sent webhooks.
 */
import type { Mailbox } from "../_shared/env.ts";
import { answerEmail } from "../_shared/mail/answer_email.ts";
import { type Mailer, MailSendError } from "../_shared/mail/smtp.ts";
import type { Log } from "../_shared/log.ts";
import { withRetries } from "../_shared/retry.ts";
import { SlackError, type SlackThreadPoster } from "../_shared/slack.ts";
import { type ClaimedJob, isStaleJobError, type JobOutcome } from "../_shared/stage.ts";

/** What every claimed answer carries. */
interface DeliveryBase {
  responseId: string;
  /** The claim token its outcome must be recorded with. */
  claim: string;
  /** This attempt's number (1 = the first). */
  attempt: number;
  body: string;
  automatic: boolean;
  agentName: string | null;
  ticketNumber: number;
}

/** An answer to send by e-mail. */
export interface EmailDelivery extends DeliveryBase {
  channel: "email";
  subject: string;
  toEmail: string;
  toName: string | null;
  messageId: string;
  inReplyTo: string | null;
  references: string[];
}

/** An answer to post in the ticket's Slack thread. */
export interface SlackDelivery extends DeliveryBase {
  channel: "slack";
  slackChannel: string;
  threadTs: string;
  /** An earlier attempt may have posted it: look in the thread first. */
  verify: boolean;
  /** When the answer was first claimed (Unix seconds): the thread is searched from then. */
  claimedAt: number;
}

/** One claimed answer. */
export type Delivery = EmailDelivery | SlackDelivery;

/** What became of one answer (app_private.record_response_deliveries). */
export interface DeliveryResult {
  response_id: string;
  claim: string;
  outcome: "sent" | "retry" | "failed" | "uncertain";
  via?: "email" | "slack";
  external_id?: string;
  error?: string;
}

/** Transports this process has configured (the rest are held by SQL). */
export type Transport = "email" | "slack";

/** Storage port of the send stage. */
export interface SendStore {
  /** Claims the job's answers (raises a stale-job error when the job is no longer ours). */
  claim(
    job: ClaimedJob,
    options: { transports: Transport[]; messageIdDomain: string },
  ): Promise<{ deliveries: Delivery[]; busy: number; orgName: string }>;
  /** Records the outcomes and settles the job. */
  record(job: ClaimedJob, results: DeliveryResult[], busy: number): Promise<JobOutcome>;
}

/** What the processor needs. */
export interface SendDeps {
  store: SendStore;
  /** Null without ISTS_SMTP_HOST: e-mail answers are held. */
  mail: { mailer: Mailer; from: Mailbox; messageIdDomain: string } | null;
  /** Null without SLACK_BOT_TOKEN: Slack answers are held. */
  slack: SlackThreadPoster | null;
  log: Log;
  /** Waits between retries of recording an outcome (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

/** Seconds before the first claim from which the thread is searched for an earlier post. */
const LOOKBACK_SECONDS = 120;

/** Builds the batch processor of the send stage. */
export function createSendProcessor(deps: SendDeps) {
  const transports: Transport[] = [
    ...(deps.mail ? ["email" as const] : []),
    ...(deps.slack ? ["slack" as const] : []),
  ];
  const messageIdDomain = deps.mail?.messageIdDomain ?? "ists.invalid";
  return (jobs: ClaimedJob[]): Promise<JobOutcome[]> =>
    Promise.all(jobs.map(async (job): Promise<JobOutcome> => {
      let claimed;
      try {
        claimed = await deps.store.claim(job, { transports, messageIdDomain });
      } catch (error) {
        return isStaleJobError(error) ? { outcome: "stale" } : { outcome: "failed", error };
      }
      const results: DeliveryResult[] = [];
      for (const delivery of claimed.deliveries) {
        const result = await deliver(deps, delivery, claimed.orgName);
        deps.log(`answer ${result.outcome}`, {
          ticket: job.ticketId,
          response: delivery.responseId,
          channel: delivery.channel,
          attempt: delivery.attempt,
          ...(result.error ? { error: result.error } : {}),
        });
        results.push(result);
      }
      // What went out must be recorded: a database hiccup here is retried, not given up on.
      return await withRetries(() => deps.store.record(job, results, claimed.busy), {
        sleep: deps.sleep,
      });
    }));
}

async function deliver(deps: SendDeps, d: Delivery, orgName: string): Promise<DeliveryResult> {
  const base = { response_id: d.responseId, claim: d.claim };
  if (d.channel === "email") {
    if (!deps.mail) return { ...base, outcome: "retry", error: "SMTP is not configured" };
    try {
      await deps.mail.mailer.send(answerEmail(d, deps.mail.from, orgName));
      return { ...base, outcome: "sent", via: "email", external_id: d.messageId };
    } catch (error) {
      if (error instanceof MailSendError) {
        const outcome = error.kind === "permanent" ? "failed" : error.kind;
        return { ...base, outcome, error: error.message };
      }
      return { ...base, outcome: "retry", error: String((error as Error)?.message ?? error) };
    }
  }
  if (!deps.slack) return { ...base, outcome: "retry", error: "Slack is not configured" };
  try {
    if (d.verify) {
      const ts = await deps.slack.find(
        d.slackChannel,
        d.threadTs,
        d.responseId,
        d.claimedAt - LOOKBACK_SECONDS,
      );
      if (ts) return { ...base, outcome: "sent", via: "slack", external_id: ts };
    }
    const posted = await deps.slack.post(d.slackChannel, d.threadTs, d.body, d.responseId);
    return { ...base, outcome: "sent", via: "slack", external_id: posted.ts };
  } catch (error) {
    const message = String((error as Error)?.message ?? error);
    // A retryable failure may still have posted it: the next attempt looks before posting.
    if (error instanceof SlackError && !error.retryable) {
      return { ...base, outcome: "failed", error: message };
    }
    return { ...base, outcome: "retry", error: message };
  }
}
