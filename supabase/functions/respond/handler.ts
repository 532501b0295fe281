/**
 * The respond stage's batch processor: for each routed ticket, fetch it with the customer's
 * recent history, find the best knowledge-base articles (full text, plus embeddings with
 * OpenAI), draft an answer, run the quality gates and decide between auto-send and review;
 * SQL records the answer, the decision and the event, and queues sending.
 */
import { decideAutoSend, type Decision } from "../_shared/answers/decision.ts";
import { failedGates, type GateResults, runGates } from "../_shared/answers/gates.ts";
import { addressee } from "../_shared/answers/names.ts";
import { searchQuery } from "../_shared/answers/query.ts";
import type { AnswerTicket, AnswerWriter, Draft, KbArticle } from "../_shared/answers/types.ts";
import { stripInjection } from "../_shared/ai/local/injection.ts";
import type { Embedder } from "../_shared/ai/openai_embed.ts";
import type { Log } from "../_shared/log.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";

/** A claimed ticket with what only SQL knows: why it may not be auto-answered. */
export interface RespondContext {
  ticket: AnswerTicket;
  /** app_private.auto_send_blockers(): empty when the ticket qualifies for auto-send. */
  blockers: string[];
}

/** Organisation settings the stage reads once per batch. */
export interface RespondSettings {
  minConfidence: number;
  kbArticles: number;
}

/** One knowledge-base search. */
export interface SearchRequest {
  query: string;
  limit: number;
  category: string | null;
  subCategory: string | null;
  locale: string;
  embedding: number[] | null;
}

/** A published article whose embedding is missing or stale. */
export interface ArticleToEmbed {
  id: string;
  contentHash: string;
  input: string;
}

/** The answer as app_private.record_response stores it. */
export interface StoredResponse {
  body: string;
  body_en: string | null;
  language: string;
  confidence: number;
  model: string;
  provider: string;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_cost: number | null;
  gates: GateResults;
  kb_article_ids: string[];
  kb_articles: { id: string; slug: string; score: number }[];
  auto_send: boolean;
  review_reasons: string[];
  fallback_reason: string | null;
  fallback_from: string | null;
}

/** Storage port of the respond stage. */
export interface RespondStore {
  /** The claimed tickets with their blockers, and the settings. */
  contexts(
    ticketIds: string[],
  ): Promise<{ settings: RespondSettings; tickets: Map<string, RespondContext> }>;
  /** public.search_kb_articles, best first. */
  search(request: SearchRequest): Promise<KbArticle[]>;
  /** Published articles to (re-)embed with this model. */
  articlesToEmbed(model: string, limit: number): Promise<ArticleToEmbed[]>;
  /** Stores fresh embeddings; returns how many were stored. */
  saveEmbeddings(
    model: string,
    items: { id: string; contentHash: string; embedding: number[] }[],
  ): Promise<number>;
  /** Per job: records the answer and completes the job, or records the error. One round trip. */
  recordBatch(
    items: { job: ClaimedJob; result?: StoredResponse; error?: string }[],
  ): Promise<JobOutcome[]>;
}

/** What the processor needs. */
export interface RespondDeps {
  store: RespondStore;
  writer: AnswerWriter;
  embedder: Embedder | null;
  log: Log;
}

/** Articles re-embedded per batch at most (an edit in Studio makes an embedding stale). */
export const EMBED_REFRESH_LIMIT = 16;

/** The text a ticket is embedded and searched by: English where triage translated it. */
export function ticketSearchText(ticket: AnswerTicket): { subject: string; body: string } {
  return {
    subject: ticket.subjectEn ?? ticket.subject,
    body: stripInjection(ticket.bodyEn ?? ticket.body).text,
  };
}

/** Builds the batch processor of the respond stage. */
export function createRespondProcessor(deps: RespondDeps) {
  return async (jobs: ClaimedJob[]): Promise<JobOutcome[]> => {
    const ids = jobs.map((j) => j.ticketId).filter((id): id is string => id !== null);
    const { settings, tickets } = await deps.store.contexts(ids);
    const present = jobs.map((job) => job.ticketId ? tickets.get(job.ticketId) : undefined);
    const vectors = await embedQueries(deps, present);

    const items = await Promise.all(jobs.map(async (job, i) => {
      try {
        const context = present[i];
        if (!context) throw new Error(`ticket ${job.ticketId} not found`);
        const answer = await answerTicket(deps, context, settings, vectors.vectors[i] ?? null);
        const cost = (answer.result.total_cost ?? 0) + (vectors.costs[i] ?? 0);
        if (vectors.costs[i]) answer.result.total_cost = round(cost);
        deps.log("answer drafted", {
          ticket: context.ticket.ticketId,
          model: answer.result.model,
          decision: answer.decision.autoSend ? "auto_send" : "review",
          failed_gates: failedGates(answer.gates),
        });
        return { job, result: answer.result };
      } catch (error) {
        return { job, error: error instanceof Error ? error.message : String(error) };
      }
    }));
    return await deps.store.recordBatch(items);
  };
}

/** One answer with everything that went into it. */
export interface TicketAnswer {
  result: StoredResponse;
  articles: KbArticle[];
  draft: Draft;
  gates: GateResults;
  decision: Decision;
}

/**
 * Searches the knowledge base for one ticket, drafts the answer, runs the gates and decides
 * (used by the stage, and by `npm run eval -- responses`).
 */
export async function answerTicket(
  deps: Pick<RespondDeps, "store" | "writer">,
  context: RespondContext,
  settings: RespondSettings,
  embedding: number[] | null,
): Promise<TicketAnswer> {
  const { ticket } = context;
  const text = ticketSearchText(ticket);
  const articles = await deps.store.search({
    query: searchQuery(text.subject, text.body),
    limit: settings.kbArticles,
    category: ticket.category,
    subCategory: ticket.subCategory,
    locale: ticket.language,
    embedding,
  });
  const draft = await deps.writer.draft({ ticket, articles });
  const gates = runGates({
    text: draft.body,
    language: draft.language,
    name: addressee(ticket.customerName),
    articles,
    customerText: `${ticket.subject}\n${ticket.body}`,
    sourceText: draft.bodyEn,
  });
  const decision = decideAutoSend({
    gates,
    confidence: draft.confidence,
    minConfidence: settings.minConfidence,
    blockers: context.blockers,
    reviewReasons: draft.reviewReasons,
  });
  const result: StoredResponse = {
    body: draft.body,
    body_en: draft.bodyEn,
    language: draft.language,
    confidence: draft.confidence,
    model: draft.model,
    provider: draft.provider,
    prompt_tokens: draft.promptTokens,
    completion_tokens: draft.completionTokens,
    total_cost: draft.totalCost === null ? null : round(draft.totalCost),
    gates,
    kb_article_ids: draft.citedArticleIds,
    kb_articles: articles.map((a) => ({ id: a.id, slug: a.slug, score: round(a.score) })),
    auto_send: decision.autoSend,
    review_reasons: decision.reasons,
    fallback_reason: draft.fallback?.reason ?? null,
    fallback_from: draft.fallback?.from ?? null,
  };
  return { result, articles, draft, gates, decision };
}

/**
 * With OpenAI: re-embeds stale articles, then embeds every ticket of the batch in one call.
 * A failure leaves the search to full text (logged); the answers are still written.
 */
async function embedQueries(
  deps: RespondDeps,
  contexts: (RespondContext | undefined)[],
): Promise<{ vectors: (number[] | null)[]; costs: number[] }> {
  const none = {
    vectors: contexts.map((): number[] | null => null),
    costs: contexts.map(() => 0),
  };
  const embedder = deps.embedder;
  if (!embedder) return none;
  try {
    const stale = await deps.store.articlesToEmbed(embedder.model, EMBED_REFRESH_LIMIT);
    if (stale.length) {
      const { vectors } = await embedder.embed(stale.map((a) => a.input));
      const stored = await deps.store.saveEmbeddings(
        embedder.model,
        stale.map((a, i) => ({ id: a.id, contentHash: a.contentHash, embedding: vectors[i] })),
      );
      deps.log("knowledge-base embeddings refreshed", { articles: stored });
    }
  } catch (error) {
    deps.log("knowledge-base embedding refresh failed", { error: String(error) });
  }
  const wanted = contexts.map((c, i) => ({ c, i })).filter((x) => x.c !== undefined);
  if (wanted.length === 0) return none;
  try {
    const texts = wanted.map(({ c }) => {
      const { subject, body } = ticketSearchText(c!.ticket);
      return `${subject}\n\n${body}`;
    });
    const { vectors, cost } = await embedder.embed(texts);
    const totalChars = texts.reduce((n, t) => n + t.length, 0) || 1;
    const out = { vectors: [...none.vectors], costs: [...none.costs] };
    wanted.forEach(({ i }, k) => {
      out.vectors[i] = vectors[k] ?? null;
      out.costs[i] = (cost * texts[k].length) / totalChars;
    });
    return out;
  } catch (error) {
    deps.log("ticket embedding failed: searching by text only", { error: String(error) });
    return none;
  }
}

function round(n: number): number {
  return Math.round(n * 1e8) / 1e8;
}
