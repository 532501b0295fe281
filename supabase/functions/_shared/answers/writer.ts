/** The configured answer writer and embedder (OpenAI when OPENAI_API_KEY is set, else local). */
import { createOpenAiEmbedder, type Embedder } from "../ai/openai_embed.ts";
import { type Env, PriceTableSchema } from "../env.ts";
import type { Log } from "../log.ts";
import { createLocalWriter } from "./local_draft.ts";
import { createOpenAiWriter } from "./openai_answer.ts";
import type { AnswerWriter } from "./types.ts";

/** What the respond stage drafts with. */
export interface AnswerTools {
  writer: AnswerWriter;
  /** Null without OpenAI: the knowledge base is then searched by text alone. */
  embedder: Embedder | null;
}

/**
 * OpenAI (gpt-4o unless ISTS_OPENAI_ANSWER_MODEL says otherwise, embeddings with
 * text-embedding-3-small unless ISTS_OPENAI_EMBEDDING_MODEL) with the local template writer as
 * its fallback; without OPENAI_API_KEY the local writer and full-text search only.
 */
export function createAnswerToolsFromEnv(env: Env, log: Log): AnswerTools {
  const local = createLocalWriter();
  if (!env.OPENAI_API_KEY) return { writer: local, embedder: null };
  const prices = env.ISTS_OPENAI_PRICES
    ? PriceTableSchema.parse(JSON.parse(env.ISTS_OPENAI_PRICES))
    : {};
  const common = {
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    prices,
    timeoutMs: env.ISTS_OPENAI_TIMEOUT_MS,
  };
  return {
    writer: createOpenAiWriter({
      ...common,
      model: env.ISTS_OPENAI_ANSWER_MODEL,
      fallback: local,
      onFailure: (failure) => log("openai answer call failed", { ...failure }),
    }),
    embedder: createOpenAiEmbedder({ ...common, model: env.ISTS_OPENAI_EMBEDDING_MODEL }),
  };
}
