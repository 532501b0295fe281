import { type Env, ModelTableSchema, PriceTableSchema } from "../env.ts";
import type { Log } from "../log.ts";
import { createLocalProvider } from "./local_provider.ts";
import { createOpenAiProvider } from "./openai_provider.ts";
import type { AiProvider } from "./types.ts";

/**
 * The configured triage provider: OpenAI (or any OpenAI-compatible server) when
 * OPENAI_API_KEY is set, with the local model as its fallback; otherwise the local model.
 */
export function createProviderFromEnv(env: Env, log: Log): AiProvider {
  const local = createLocalProvider();
  if (!env.OPENAI_API_KEY) return local;
  const model = env.ISTS_OPENAI_MODEL;
  return createOpenAiProvider({
    apiKey: env.OPENAI_API_KEY,
    baseURL: env.OPENAI_BASE_URL,
    mode: env.ISTS_OPENAI_MODE ?? "parallel",
    models: {
      ...(model
        ? { classify: model, sentiment: model, priority: model, combined: model, translate: model }
        : {}),
      ...(env.ISTS_OPENAI_MODELS ? ModelTableSchema.parse(JSON.parse(env.ISTS_OPENAI_MODELS)) : {}),
    },
    prices: env.ISTS_OPENAI_PRICES
      ? PriceTableSchema.parse(JSON.parse(env.ISTS_OPENAI_PRICES))
      : {},
    timeoutMs: env.ISTS_OPENAI_TIMEOUT_MS,
    fallback: local,
    onFailure: (failure) => log("openai call failed", { ...failure }),
  });
}
