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
  reasoning: Record<string, unknown>;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_cost: number | null;
}

/** SHA-256 hex of subject + first 200 characters of the body (the analysis cache key). */
export async function contentHash(subject: string, body: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${subject}\n${body.slice(0, 200)}`);
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
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
    reasoning: { priority: result.priority.reasoning, signals: result.signals },
    prompt_tokens: result.promptTokens ?? null,
    completion_tokens: result.completionTokens ?? null,
    total_cost: result.totalCost ?? null,
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
        const result = await deps.provider.triage({
          subject: context.subject,
          body: context.body,
          channel: context.channel,
          customerTier: context.customerTier,
          history: context.history,
        });
        const hash = await contentHash(context.subject, context.body);
        return { job, result: toStoredTriage(result, hash) };
      } catch (error) {
        return { job, error: error instanceof Error ? error.message : String(error) };
      }
    }));
    return await deps.store.recordBatch(items);
  };
}
