import type { AiProvider, CustomerTier, HistoryItem, TriageResult } from "../_shared/ai/types.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";

/** A ticket with what triage needs to know about its customer. */
export interface TriageContext {
  ticketId: string;
  subject: string;
  body: string;
  channel: string;
  customerTier: CustomerTier;
  history: HistoryItem[];
  /** SHA-256 of tier, subject and body (computed by SQL): the analysis cache key. */
  contentHash: string;
  /** An analysis of the same content within 24 h, reused instead of asking the provider. */
  cached: (StoredTriage & { id: string }) | null;
}

/** Storage port of the triage stage. */
export interface TriageStore {
  /** Loads the tickets of claimed jobs (with tier and last 3 tickets), by ticket id. */
  contexts(ticketIds: string[]): Promise<Map<string, TriageContext>>;
  /**
   * Per job: stores the analysis, updates the ticket, queues routing and completes the job,
   * or records the job's error (retry / dead letter). One round trip for the batch.
   */
  recordBatch(
    items: { job: ClaimedJob; result?: StoredTriage; error?: string }[],
  ): Promise<JobOutcome[]>;
}

/** The analysis as stored (snake_case, flat) by app_private.record_triage. */
export interface StoredTriage {
  category: string;
  sub_category: string;
  confidence: number;
  emotion: string;
  intensity: number;
  escalation_needed: boolean;
  priority: string;
  urgency_score: number;
  language: string;
  model: string;
  content_hash: string;
  cache_hit?: boolean;
  cached_from?: string | null;
  fallback_reason?: string | null;
  fallback_from?: string | null;
  subject_en?: string | null;
  body_en?: string | null;
  reasoning: Record<string, unknown>;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_cost: number | null;
}

/** Flattens a provider result into the stored shape. */
export function toStoredTriage(result: TriageResult, hash: string): StoredTriage {
  const round2 = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 100) / 100;
  return {
    category: result.category,
    sub_category: result.subCategory,
    confidence: round2(result.confidence),
    emotion: result.sentiment.emotion,
    intensity: Math.min(10, Math.max(1, Math.round(result.sentiment.intensity))),
    escalation_needed: result.sentiment.escalationNeeded,
    priority: result.priority.priority,
    urgency_score: Math.min(10, Math.max(1, Math.round(result.priority.urgencyScore))),
    language: result.language,
    model: result.model,
    content_hash: hash,
    reasoning: {
      priority: result.priority.reasoning,
      signals: result.signals,
      ...(result.spam ? { spam: result.spam } : {}),
    },
    fallback_reason: result.fallback?.reason ?? null,
    fallback_from: result.fallback?.from ?? null,
    subject_en: result.translation?.subject ?? null,
    body_en: result.translation?.body ?? null,
    prompt_tokens: result.promptTokens ?? null,
    completion_tokens: result.completionTokens ?? null,
    total_cost: result.totalCost ?? null,
  };
}

/** The stored form of a cache hit: the earlier analysis, at no cost, pointing to its source. */
export function fromCache(cached: StoredTriage & { id: string }, hash: string): StoredTriage {
  return {
    ...cached,
    content_hash: hash,
    cache_hit: true,
    cached_from: cached.id,
    fallback_reason: null,
    fallback_from: null,
    prompt_tokens: 0,
    completion_tokens: 0,
    total_cost: 0,
  };
}

/** Builds the batch processor of the triage stage. */
export function createTriageProcessor(deps: { store: TriageStore; provider: AiProvider }) {
  return async (jobs: ClaimedJob[]): Promise<JobOutcome[]> => {
    const ids = jobs.map((j) => j.ticketId).filter((id): id is string => id !== null);
    const contexts = await deps.store.contexts(ids);
    const items = await Promise.all(jobs.map(async (job) => {
      try {
        const context = job.ticketId ? contexts.get(job.ticketId) : undefined;
        if (!context) throw new Error(`ticket ${job.ticketId} not found`);
        if (context.cached) return { job, result: fromCache(context.cached, context.contentHash) };
        const result = await deps.provider.triage({
          subject: context.subject,
          body: context.body,
          channel: context.channel,
          customerTier: context.customerTier,
          history: context.history,
        });
        return { job, result: toStoredTriage(result, context.contentHash) };
      } catch (error) {
        return { job, error: error instanceof Error ? error.message : String(error) };
      }
    }));
    return await deps.store.recordBatch(items);
  };
}
