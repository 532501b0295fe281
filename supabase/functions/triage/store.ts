import type { CustomerTier, HistoryItem } from "../_shared/ai/types.ts";
import type { Sql } from "../_shared/db.ts";
import { runStageBatch } from "../_shared/job_store.ts";
import type { StoredTriage, TriageContext, TriageStore } from "./handler.ts";

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
          content_hash: string;
          cached: (StoredTriage & { id: string }) | null;
        }[]
      >`
        with claimed as (
          select t.*, c.tier,
                 encode(sha256(convert_to(c.tier || E'\n' || t.subject || E'\n' || t.body,
                   'UTF8')), 'hex') as content_hash
          from public.tickets t join public.customers c on c.id = t.customer_id
          where t.id = any(${ticketIds}::uuid[])
        )
        select t.id, t.subject, t.body, t.channel, t.tier, t.content_hash,
               (select json_build_object('id', a.id, 'category', a.category,
                  'sub_category', a.sub_category, 'confidence', a.confidence,
                  'emotion', a.sentiment_emotion, 'intensity', a.sentiment_intensity,
                  'escalation_needed', a.escalation_flag, 'priority', a.priority_recommendation,
                  'urgency_score', a.urgency_score, 'language', a.language, 'model', a.model_name,
                  'reasoning', a.reasoning, 'content_hash', a.content_hash,
                  'subject_en', t2.subject_en, 'body_en', t2.body_en)
                from public.ai_analysis a join public.tickets t2 on t2.id = a.ticket_id
                where a.content_hash = t.content_hash and a.created_at > now() - interval '24 hours'
                  and a.ticket_id <> t.id and a.fallback_reason is null
                order by a.created_at desc limit 1) as cached,
               coalesce((
                 select json_agg(json_build_object('subject', h.subject, 'category', h.category,
                          'status', h.status, 'createdAt', h.created_at) order by h.created_at desc)
                 from (select p.subject, p.category, p.status, p.created_at from public.tickets p
                       where p.customer_id = t.customer_id and p.id <> t.id and p.created_at <= t.created_at
                       order by p.created_at desc limit 3) h
               ), '[]'::json) as history
        from claimed t`;
      return new Map(rows.map((r): [string, TriageContext] => [r.id, {
        ticketId: r.id,
        subject: r.subject,
        body: r.body,
        channel: r.channel,
        customerTier: r.tier,
        history: r.history,
        contentHash: r.content_hash,
        cached: r.cached,
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
