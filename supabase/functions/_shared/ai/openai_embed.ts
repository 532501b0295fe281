/**
 * OpenAI embeddings (text-embedding-3-small by default) for the knowledge-base search, with
 * the retry policy of openai_call.ts: 429, 5xx, timeouts and connection errors are retried
 * with backoff (honouring Retry-After) through the shared limiter; anything else fails at once.
 */
import { z } from "zod";
import {
  backoffMs,
  createOpenAiClient,
  type FailureKind,
  failureOf,
  MAX_RETRY_AFTER_MS,
  OpenAiCallError,
} from "./openai_call.ts";
import { sharedLimiter } from "./openai_limiter.ts";
import { costOf, DEFAULT_PRICES, type ModelPrice } from "./openai_prices.ts";

/** The embedding model used unless configured otherwise. */
export const DEFAULT_EMBEDDING_MODEL = "text-embedding-3-small";
/** Characters of one input sent for embedding (well inside the model's 8,191 tokens). */
export const MAX_EMBEDDING_INPUT_CHARS = 8_000;

/** Vectors of a batch of texts, in input order, with what they cost. */
export interface Embeddings {
  vectors: number[][];
  promptTokens: number;
  cost: number;
}

/** Turns texts into embeddings. */
export interface Embedder {
  readonly model: string;
  embed(texts: string[]): Promise<Embeddings>;
}

/** Configuration of `createOpenAiEmbedder()`. */
export interface EmbedderOptions {
  apiKey: string;
  baseURL?: string;
  model?: string;
  timeoutMs?: number;
  maxAttempts?: number;
  concurrency?: number;
  prices?: Record<string, ModelPrice>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const Response = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()).min(1) })),
  usage: z.object({ prompt_tokens: z.number() }).nullish(),
});

const TRANSIENT = new Set<FailureKind>(["rate_limited", "server_error", "timeout", "connection"]);

/** Creates an embedder for OpenAI or any OpenAI-compatible server. */
export function createOpenAiEmbedder(options: EmbedderOptions): Embedder {
  const model = options.model ?? DEFAULT_EMBEDDING_MODEL;
  const baseURL = (options.baseURL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const prices = { ...DEFAULT_PRICES, ...options.prices };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limiter = sharedLimiter(baseURL, options.concurrency ?? 8);
  const client = createOpenAiClient({
    apiKey: options.apiKey,
    baseURL,
    timeoutMs,
    fetch: options.fetch,
  });

  async function embed(texts: string[]): Promise<Embeddings> {
    if (texts.length === 0) return { vectors: [], promptTokens: 0, cost: 0 };
    const input = texts.map((t) => t.slice(0, MAX_EMBEDDING_INPUT_CHARS) || " ");
    for (let attempt = 1;; attempt++) {
      let kind: FailureKind;
      let message: string;
      let retryAfterMs: number | undefined;
      try {
        const raw = await limiter.run(() =>
          client.embeddings.create({ model, input, encoding_format: "float" }, {
            timeout: timeoutMs,
            maxRetries: 0,
          })
        );
        const parsed = Response.safeParse(raw);
        if (!parsed.success || parsed.data.data.length !== input.length) {
          throw new OpenAiCallError(
            "malformed",
            `embeddings response has ${parsed.success ? parsed.data.data.length : "no"} vectors ` +
              `for ${input.length} inputs`,
            attempt,
            model,
            "embedding",
          );
        }
        const vectors = new Array<number[]>(input.length);
        for (const item of parsed.data.data) vectors[item.index] = item.embedding;
        const promptTokens = parsed.data.usage?.prompt_tokens ?? 0;
        const cost = costOf(model, { promptTokens, completionTokens: 0 }, prices) ?? 0;
        return { vectors, promptTokens, cost };
      } catch (error) {
        if (error instanceof OpenAiCallError) throw error;
        ({ kind, message, retryAfterMs } = failureOf(error));
      }
      const retryable = TRANSIENT.has(kind) &&
        !(retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS);
      if (!retryable || attempt >= maxAttempts) {
        throw new OpenAiCallError(kind, message, attempt, model, "embedding");
      }
      await sleep(Math.round(retryAfterMs ?? backoffMs(attempt)));
    }
  }

  return { model, embed };
}
