import type { Sql } from "../_shared/db.ts";
import type { WebhookDelivery, WebhookStore } from "./handler.ts";

/** The Postgres-backed webhooks store. */
export function createSqlWebhookStore(sql: Sql): WebhookStore {
  return {
    async claim(limit, lockSeconds) {
      const rows = await sql<
        {
          delivery_id: string;
          event_id: string;
          event_type: string;
          url: string;
          secret: string;
          body: string;
          attempt: number;
        }[]
      >`select delivery_id, event_id, event_type, url, secret, body, attempt
          from app_private.claim_webhook_deliveries(${limit}, ${lockSeconds})`;
      return rows.map((r): WebhookDelivery => ({
        deliveryId: Number(r.delivery_id),
        eventId: r.event_id,
        eventType: r.event_type,
        url: r.url,
        secret: r.secret,
        body: r.body,
        attempt: r.attempt,
      }));
    },
    async record(results) {
      const [{ counts }] = await sql<{ counts: Record<string, number> }[]>`
        select app_private.record_webhook_deliveries(${sql.json(results as never)}) as counts`;
      return counts;
    },
    async complete(job) {
      const [{ done }] = await sql<{ done: boolean }[]>`
        select app_private.complete_job(${job.jobId}, ${job.attempt}) as done`;
      return done;
    },
    async ringIfDue() {
      await sql`select app_private.ring_due_webhook_deliveries()`;
    },
  };
}
