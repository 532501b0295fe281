import type { Sql } from "../_shared/db.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";
import type { Delivery, SendStore } from "./handler.ts";

interface ClaimedRow {
  response_id: string;
  claim: string;
  channel: "email" | "slack";
  attempt: number;
  body: string;
  automatic: boolean;
  agent_name: string | null;
  ticket_number: number | string;
  subject?: string;
  to_email?: string;
  to_name?: string | null;
  message_id?: string;
  in_reply_to?: string | null;
  references?: string[];
  slack_channel?: string;
  thread_ts?: string;
  verify?: boolean;
  claimed_at?: number | string;
}

/** The Postgres-backed send store (claim_response_deliveries / record_response_deliveries). */
export function createSqlSendStore(sql: Sql): SendStore {
  return {
    async claim(job, options) {
      // Synchronous commit: the claim is durable before anything is sent.
      const [row] = await sql<
        { claimed: { deliveries: ClaimedRow[]; busy: number }; org: string | null }[]
      >`
        select app_private.claim_response_deliveries(${job.jobId}, ${job.attempt}, ${job.ticketId},
                 ${
        sql.json({
          transports: options.transports,
          message_id_domain: options.messageIdDomain,
        })
      }) as claimed,
               app_private.get_setting('organisation_name') as org`;
      return {
        deliveries: row.claimed.deliveries.map(toDelivery),
        busy: Number(row.claimed.busy ?? 0),
        orgName: row.org?.trim() || "Support",
      };
    },
    async record(job: ClaimedJob, results, busy): Promise<JobOutcome> {
      const [{ out }] = await sql<{ out: { outcome: string; detail?: string } }[]>`
        select app_private.record_response_deliveries(${job.jobId}, ${job.attempt},
                 ${sql.json(results as never)}, ${busy}) as out`;
      if (out.outcome === "queued" || out.outcome === "dead") {
        return { outcome: out.outcome, error: out.detail ?? "" };
      }
      return { outcome: "done" };
    },
  };
}

function toDelivery(r: ClaimedRow): Delivery {
  const base = {
    responseId: r.response_id,
    claim: r.claim,
    attempt: Number(r.attempt),
    body: r.body,
    automatic: r.automatic,
    agentName: r.agent_name,
    ticketNumber: Number(r.ticket_number),
  };
  if (r.channel === "email") {
    return {
      ...base,
      channel: "email",
      subject: r.subject ?? "",
      toEmail: r.to_email ?? "",
      toName: r.to_name ?? null,
      messageId: r.message_id ?? "",
      inReplyTo: r.in_reply_to ?? null,
      references: r.references ?? [],
    };
  }
  return {
    ...base,
    channel: "slack",
    slackChannel: r.slack_channel ?? "",
    threadTs: r.thread_ts ?? "",
    verify: r.verify === true,
    claimedAt: Number(r.claimed_at ?? 0),
  };
}
