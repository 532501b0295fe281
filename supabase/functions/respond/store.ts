import type { KbArticle } from "../_shared/answers/types.ts";
import type { CustomerTier, HistoryItem } from "../_shared/ai/types.ts";
import type { Sql } from "../_shared/db.ts";
import { type BatchItem, batchOutcomes, type BatchResult } from "../_shared/job_store.ts";
import type { RespondContext, RespondStore } from "./handler.ts";

interface ContextRow {
  id: string;
  ticket_number: string;
  channel: string;
  subject: string;
  body: string;
  latest_reply: string | null;
  subject_en: string | null;
  body_en: string | null;
  language: string;
  category: string | null;
  sub_category: string | null;
  sentiment_emotion: string | null;
  sentiment_intensity: number | null;
  priority: string;
  ai_confidence: string | null;
  customer_name: string | null;
  sender_email: string;
  tier: CustomerTier;
  history: HistoryItem[];
  blockers: string[];
}

interface ArticleRow {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  url: string;
  category: string;
  sub_category: string | null;
  locale: string;
  text_rank: number;
  similarity: number | null;
  sub_category_match: boolean;
  category_match: boolean;
  score: number;
}

/** The Postgres-backed respond store. */
export function createSqlRespondStore(sql: Sql): RespondStore {
  return {
    async contexts(ticketIds) {
      const [settings] = await sql<
        { min_confidence: string | null; kb_articles: string | null; org: string | null }[]
      >`
        select app_private.get_setting('auto_send_min_confidence') as min_confidence,
               app_private.get_setting('respond_kb_articles') as kb_articles,
               app_private.get_setting('organisation_name') as org`;
      const rows = await sql<ContextRow[]>`
        select t.id, t.ticket_number, t.channel, t.subject, t.body, t.subject_en, t.body_en,
               coalesce(t.language, 'en') as language, t.category, t.sub_category,
               t.sentiment_emotion, t.sentiment_intensity, t.priority, t.ai_confidence::text,
               coalesce(nullif(t.sender_name, ''), c.name) as customer_name, t.sender_email, c.tier,
               (select r.body from public.responses r
                where r.ticket_id = t.id and r.direction = 'inbound' and not r.is_automated
                order by r.created_at desc limit 1) as latest_reply,
               coalesce((
                 select json_agg(json_build_object('subject', h.subject, 'category', h.category,
                          'status', h.status, 'createdAt', h.created_at) order by h.created_at desc)
                 from (select p.subject, p.category, p.status, p.created_at from public.tickets p
                       where p.customer_id = t.customer_id and p.id <> t.id
                         and p.created_at <= t.created_at
                       order by p.created_at desc limit 3) h
               ), '[]'::json) as history,
               app_private.auto_send_blockers(t.id) as blockers
        from public.tickets t join public.customers c on c.id = t.customer_id
        where t.id = any(${ticketIds}::uuid[])`;
      const org = settings?.org?.trim() || "Support";
      const tickets = new Map(rows.map((r): [string, RespondContext] => [r.id, {
        ticket: {
          ticketId: r.id,
          ticketNumber: Number(r.ticket_number),
          channel: r.channel,
          subject: r.subject,
          // A reply on a reopened ticket is what needs answering.
          body: r.latest_reply ?? r.body,
          subjectEn: r.subject_en,
          bodyEn: r.latest_reply ? null : r.body_en,
          language: r.language,
          category: r.category,
          subCategory: r.sub_category,
          emotion: r.sentiment_emotion,
          intensity: r.sentiment_intensity,
          priority: r.priority,
          triageConfidence: Number(r.ai_confidence ?? 0),
          customerName: r.customer_name,
          customerEmail: r.sender_email,
          tier: r.tier,
          history: r.history.map((h) => ({ ...h, createdAt: String(h.createdAt) })),
          orgName: org,
        },
        blockers: r.blockers,
      }]));
      return {
        settings: {
          minConfidence: numberOr(settings?.min_confidence, 0.9),
          kbArticles: Math.max(1, Math.min(10, Math.round(numberOr(settings?.kb_articles, 3)))),
        },
        tickets,
      };
    },
    async search(request) {
      const embedding = request.embedding ? `{${request.embedding.join(",")}}` : null;
      const rows = await sql<ArticleRow[]>`
        select id, slug, title, summary, body, url, category, sub_category, locale, text_rank,
               similarity, sub_category_match, category_match, score
        from public.search_kb_articles(${request.query}, ${request.limit}, ${request.category},
               ${request.subCategory}, ${request.locale}, ${embedding}::real[])`;
      return rows.map((r): KbArticle => ({
        id: r.id,
        slug: r.slug,
        title: r.title,
        summary: r.summary,
        body: r.body,
        url: r.url,
        category: r.category,
        subCategory: r.sub_category,
        locale: r.locale,
        textRank: Number(r.text_rank),
        similarity: r.similarity === null ? null : Number(r.similarity),
        subCategoryMatch: r.sub_category_match,
        categoryMatch: r.category_match,
        score: Number(r.score),
      }));
    },
    async articlesToEmbed(model, limit) {
      const rows = await sql<{ id: string; content_hash: string; input: string }[]>`
        select id, content_hash, input from app_private.kb_articles_to_embed(${model}, ${limit})`;
      return rows.map((r) => ({ id: r.id, contentHash: r.content_hash, input: r.input }));
    },
    async saveEmbeddings(model, items) {
      const payload = items.map((i) => ({
        id: i.id,
        content_hash: i.contentHash,
        model,
        embedding: i.embedding,
      }));
      const [{ stored }] = await sql<{ stored: number }[]>`
        select app_private.store_kb_embeddings(${sql.json(payload as never)}) as stored`;
      return stored;
    },
    async recordBatch(items) {
      const batch: BatchItem[] = items.map(({ job, result, error }) => ({
        job_id: job.jobId,
        attempt: job.attempt,
        ticket_id: job.ticketId,
        result,
        error,
      }));
      const [{ out }] = await sql<{ out: BatchResult[] }[]>`
        select app_private.run_respond_batch(${sql.json(batch as never)}) as out`;
      return batchOutcomes(batch, out);
    },
  };
}

function numberOr(value: string | null | undefined, fallback: number): number {
  const n = Number(value);
  return value !== null && value !== undefined && value !== "" && Number.isFinite(n) ? n : fallback;
}
