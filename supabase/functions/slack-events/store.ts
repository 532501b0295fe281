/** The Postgres side of Slack intake: app_private.receive_slack_event and the processing step. */
import type { Sql } from "../_shared/db.ts";
import { createSqlIntakeStore } from "../_shared/intake_store.ts";
import type { SlackEventInbox } from "./handler.ts";
import type { SlackEventStore, StoredSlackEvent, ThreadReplyResult } from "./process.ts";

/** Stores verified events (one insert and its job, synchronously committed). */
export function createSqlSlackEventInbox(sql: Sql): SlackEventInbox {
  return {
    async receive(eventId, envelope, options) {
      const [row] = await sql<{ slack_event_id: string; duplicate: boolean; status: string }[]>`
        select slack_event_id, duplicate, status
        from app_private.receive_slack_event(${eventId}, ${sql.json(envelope as never)},
          ${options.ignoreReason}, ${options.retryNum}, ${options.retryReason})`;
      return {
        slackEventId: Number(row.slack_event_id),
        duplicate: row.duplicate,
        status: row.status,
      };
    },
  };
}

const UNDELIVERABLE = "Slack user without a visible e-mail address (placeholder under .invalid)";

/** The processing step's store; every settling call also completes the job. */
export function createSqlSlackEventStore(sql: Sql): SlackEventStore {
  return {
    async load(ids) {
      if (ids.length === 0) return [];
      const rows = await sql<{ id: string; status: string; payload: Record<string, unknown> }[]>`
        select id, status, payload from app_private.slack_events where id = any(${ids})`;
      return rows.map((r): StoredSlackEvent => ({ ...r, id: Number(r.id) }));
    },
    async threadReply(job, slackEventId, reply) {
      const [row] = await sql<{ result: ThreadReplyResult }[]>`
        select app_private.take_slack_thread_reply(${job.jobId}, ${job.attempt}, ${slackEventId},
          ${sql.json(reply as never)}) as result`;
      return row.result;
    },
    async isAgent(slackUserId) {
      const rows = await sql`select 1 from public.agents where slack_user_id = ${slackUserId}`;
      return rows.length > 0;
    },
    async intake(job, slackEventId, { key, message, placeholder }) {
      return await sql.begin(async (tx) => {
        const result = await createSqlIntakeStore(tx).intake(key, message);
        if (placeholder) {
          // No e-mail can reach this customer: no automatic e-mail answers.
          await tx`
            update public.customers
            set email_undeliverable_at = coalesce(email_undeliverable_at, now()),
                email_undeliverable_reason = coalesce(email_undeliverable_reason, ${UNDELIVERABLE})
            where email = ${message.email}`;
        }
        await tx`select app_private.finish_slack_event(${job.jobId}, ${job.attempt},
          ${slackEventId}, 'processed', null, ${result.outcome}, ${result.ticketId})`;
        return result;
      });
    },
    async ignore(job, slackEventId, reason) {
      await sql`select app_private.finish_slack_event(${job.jobId}, ${job.attempt},
        ${slackEventId}, 'ignored', ${reason})`;
    },
    async complete(job) {
      await sql`select app_private.require_complete_job(${job.jobId}, ${job.attempt})`;
    },
    async deadLetter(job, slackEventId, reason, payload) {
      return await sql.begin(async (tx) => {
        const raw = new TextEncoder().encode(JSON.stringify(payload));
        const intake = createSqlIntakeStore(tx);
        const id = await intake.deadLetter("slack", reason, raw, {
          source: "slack-events",
          slack_event_id: slackEventId,
          event_id: payload.event_id ?? null,
        });
        await tx`select app_private.finish_slack_event(${job.jobId}, ${job.attempt},
          ${slackEventId}, 'dead_letter', ${reason})`;
        return id;
      });
    },
    async fail(job, slackEventId, error) {
      return await sql.begin(async (tx) => {
        const [row] = await tx<{ status: string }[]>`
          select app_private.fail_job(${job.jobId}, ${job.attempt}, ${error}) as status`;
        if (row.status === "dead" && slackEventId !== null) {
          await tx`select app_private.finish_slack_event(null, null, ${slackEventId}, 'failed',
            ${error})`;
        }
        return row.status;
      });
    },
  };
}
