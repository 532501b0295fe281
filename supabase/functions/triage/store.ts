import type { CustomerTier, HistoryItem } from "../_shared/ai/types.ts";
import type { Sql } from "../_shared/db.ts";
import { runStageBatch } from "../_shared/job_store.ts";
import type { TriageContext, TriageStore } from "./handler.ts";

/** The Postgres-backed triage store. */
export function createSqlTriageStore(sql: Sql): TriageStore {
  return {
    async contexts(ticketIds) {
      const rows = await sql<
        {
          id: string;
          subject: string;
          body: string;
          channel: string;
          tier: CustomerTier;
          history: HistoryItem[];
        }[]
      >`
        select t.id, t.subject, t.body, t.channel, c.tier,
               coalesce((
                 select json_agg(json_build_object('subject', h.subject, 'category', h.category,
                          'status', h.status, 'createdAt', h.created_at) order by h.created_at desc)
                 from (select p.subject, p.category, p.status, p.created_at from public.tickets p
                       where p.customer_id = t.customer_id and p.id <> t.id and p.created_at <= t.created_at
                       order by p.created_at desc limit 3) h
               ), '[]'::json) as history
        from public.tickets t join public.customers c on c.id = t.customer_id
        where t.id = any(${ticketIds}::uuid[])`;
      return new Map(rows.map((r): [string, TriageContext] => [r.id, {
        ticketId: r.id,
        subject: r.subject,
        body: r.body,
        channel: r.channel,
        customerTier: r.tier,
        history: r.history,
      }]));
    },
    recordBatch(items) {
      return runStageBatch(
        sql,
        "triage",
        items.map(({ job, result, error }) => ({
          job_id: job.jobId,
          attempt: job.attempt,
          ticket_id: job.ticketId,
          result,
          error,
        })),
      );
    },
  };
}
