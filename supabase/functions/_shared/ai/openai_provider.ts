/**
 * The OpenAI triage provider: classification, sentiment and priority through the official
 * `openai` SDK with structured outputs, against OpenAI or any OpenAI-compatible server
 * (`baseURL`: Azure OpenAI v1, Ollama, vLLM, LiteLLM). When a call has no valid answer after
 * its retries, the fallback (local) provider answers and the reason is recorded.
 * Pure: it reads no environment; the caller passes the configuration.
 */
import type { z } from "zod";
import { detectLanguage } from "./local/language.ts";
import { cleanBody } from "./local_provider.ts";
import {
  type CallDeps,
  callStructured,
  createOpenAiClient,
  OpenAiCallError,
  type UsageMeter,
} from "./openai_call.ts";
import { sharedLimiter } from "./openai_limiter.ts";
import { costOf, DEFAULT_PRICES, type ModelPrice } from "./openai_prices.ts";
import { buildMessages, type OpenAiTask } from "./openai_prompts.ts";
import {
  ClassificationOutput,
  CombinedOutput,
  PriorityOutput,
  SentimentOutput,
  TranslationOutput,
} from "./openai_schemas.ts";
import type { AiProvider, TriageInput, TriageResult } from "./types.ts";

/** A failure reported to `onFailure` (e.g. to write `error_logs`). */
export interface OpenAiFailure {
  kind: string;
  message: string;
  attempts: number;
  model: string;
}

/** Configuration of `createOpenAiProvider()`. */
export interface OpenAiProviderOptions {
  apiKey: string;
  /** API root including its path, e.g. `http://127.0.0.1:11434/v1` (default OpenAI's). */
  baseURL?: string;
  /** Three calls in parallel (default) or one combined call. */
  mode?: "parallel" | "combined";
  /** Model per task; unset tasks use `DEFAULT_MODELS`. */
  models?: Partial<Record<OpenAiTask, string>>;
  /** Prices by model, merged over `DEFAULT_PRICES`. */
  prices?: Record<string, ModelPrice>;
  /** Per-request timeout (default 20 s). */
  timeoutMs?: number;
  /** Requests per task, first one included (default 3). */
  maxAttempts?: number;
  /** Requests in flight at once for this base URL across the process (default 8). */
  concurrency?: number;
  /** Answers when OpenAI cannot; normally the local provider. */
  fallback: AiProvider;
  /** Called once per failure the provider recovered from; errors it throws are ignored. */
  onFailure?: (failure: OpenAiFailure) => void;
  /** Replaces the global `fetch` (tests, proxies). */
  fetch?: typeof fetch;
  /** Replaces the wait between retries (tests). */
  sleep?: (ms: number) => Promise<void>;
}

/** Models used when `options.models` leaves a task unset. */
export const DEFAULT_MODELS: Record<OpenAiTask, string> = {
  classify: "gpt-4o-mini",
  sentiment: "gpt-4o-mini",
  priority: "gpt-4o-mini",
  combined: "gpt-4o-mini",
  translate: "gpt-4o-mini",
};

/** Spam probability above which `result.spam.isSpam` is true (the seed: confidence > 0.9). */
export const SPAM_THRESHOLD = 0.9;

const DEFAULT_BASE_URL = "https://api.openai.com/v1";
const MAX_TOKENS: Record<Exclude<OpenAiTask, "translate">, number> = {
  classify: 200,
  sentiment: 100,
  priority: 300,
  combined: 500,
};

/** Creates the OpenAI provider; it never throws for API failures, it falls back instead. */
export function createOpenAiProvider(options: OpenAiProviderOptions): AiProvider {
  const problems = optionProblems(options);
  if (problems.length) {
    throw new RangeError(`Cannot create the OpenAI provider: ${problems.join("; ")}`);
  }
  const mode = options.mode ?? "parallel";
  const models = { ...DEFAULT_MODELS, ...options.models };
  const prices = { ...DEFAULT_PRICES, ...options.prices };
  const baseURL = (options.baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 20_000;
  const client = createOpenAiClient({
    apiKey: options.apiKey,
    baseURL,
    timeoutMs,
    fetch: options.fetch,
  });
  const deps: CallDeps = {
    client,
    limiter: sharedLimiter(baseURL, options.concurrency ?? 8),
    timeoutMs,
    maxAttempts: options.maxAttempts ?? 3,
    sleep: options.sleep ?? delay,
  };

  /** Any other error (a bug, an SDK surprise) also ends in the fallback rather than a stuck job. */
  function asCallError(error: unknown, task: OpenAiTask): OpenAiCallError {
    if (error instanceof OpenAiCallError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new OpenAiCallError("unexpected", message, 1, models[task], task);
  }

  function report(error: OpenAiCallError): void {
    try {
      options.onFailure?.({
        kind: error.kind,
        message: error.message,
        attempts: error.attempts,
        model: error.model,
      });
    } catch {
      // A broken logger must not fail the ticket.
    }
  }

  async function triage(raw: TriageInput): Promise<TriageResult> {
    const original: TriageInput = {
      ...raw,
      subject: (raw.subject ?? "").trim(),
      body: cleanBody(raw.body ?? ""),
      history: (raw.history ?? []).slice(0, 3),
    };
    const meter = createMeter(prices);
    // A message in another language is translated first and analysed in English; both are kept.
    const detected = detectLanguage(`${original.subject}\n${original.body}`);
    let translation: { subject: string; body: string } | undefined;
    const translationSignals: string[] = [];
    if (detected !== "en") {
      translation = await translate(original, meter).catch((error) => {
        const failure = asCallError(error, "translate");
        report(failure);
        translationSignals.push(`translation failed (${failure.kind}): ${failure.message}`);
        return undefined;
      });
    }
    const input: TriageInput = translation
      ? { ...original, subject: translation.subject, body: translation.body }
      : original;
    const controller = new AbortController();
    const run = <T>(task: OpenAiTask, schema: z.ZodType<T>) =>
      callStructured({
        task,
        model: models[task],
        schema,
        messages: (fraction) => buildMessages(task, input, fraction),
        maxTokens: MAX_TOKENS[task as keyof typeof MAX_TOKENS],
        meter,
        signal: controller.signal,
      }, deps).catch((error) => {
        controller.abort(error);
        throw error;
      });

    let analysis: Omit<TriageResult, "model" | "signals">;
    let signals: string[];
    try {
      if (mode === "combined") {
        const { data } = await run("combined", CombinedOutput);
        ({ analysis, signals } = fromOutputs(
          data.classification,
          data.sentiment,
          data.priority,
          data,
        ));
      } else {
        // allSettled: when one call fails the others are cancelled, and awaited before falling back.
        const settled = await Promise.allSettled([
          run("classify", ClassificationOutput),
          run("sentiment", SentimentOutput),
          run("priority", PriorityOutput),
        ]);
        const failure = firstFailure(settled);
        if (failure) throw failure;
        const [cls, sen, pri] = [valueOf(settled[0]), valueOf(settled[1]), valueOf(settled[2])];
        ({ analysis, signals } = fromOutputs(cls.data, sen.data, pri.data, cls.data));
      }
    } catch (error) {
      const failure = asCallError(error, mode === "combined" ? "combined" : "classify");
      report(failure);
      return await fallBack(raw, failure, meter);
    }

    signals.push(...translationSignals);
    if (detected !== "en") analysis.language = detected;
    if (translation) analysis.translation = { language: detected, ...translation };

    const used = meter.total();
    return {
      ...analysis,
      model: mode === "combined" ? models.combined : models.classify,
      signals: [`openai ${mode}`, ...signals, ...used.notes],
      promptTokens: used.promptTokens,
      completionTokens: used.completionTokens,
      totalCost: used.cost,
    };
  }

  async function translate(input: TriageInput, meter: Meter) {
    const length = input.subject.length + input.body.length;
    const { data } = await callStructured({
      task: "translate",
      model: models.translate,
      schema: TranslationOutput,
      messages: (fraction) => buildMessages("translate", input, fraction),
      maxTokens: Math.min(8_000, 200 + Math.ceil(length / 2)),
      meter,
    }, deps);
    return data;
  }

  async function fallBack(
    input: TriageInput,
    error: OpenAiCallError,
    meter: Meter,
  ): Promise<TriageResult> {
    const local = await options.fallback.triage(input);
    const used = meter.total();
    const reason =
      `${error.task} ${error.kind} after ${error.attempts} attempt(s): ${error.message}`;
    return {
      ...local,
      fallback: { from: "openai", reason },
      signals: [...local.signals, `openai failed: ${reason}`, ...used.notes],
      // What the failed OpenAI requests cost is part of this analysis's cost.
      promptTokens: (local.promptTokens ?? 0) + used.promptTokens,
      completionTokens: (local.completionTokens ?? 0) + used.completionTokens,
      totalCost: (local.totalCost ?? 0) + used.cost,
    };
  }

  return { name: "openai", triage };
}

function fromOutputs(
  cls: Pick<ClassificationOutput, "category" | "sub_category" | "confidence">,
  sen: SentimentOutput,
  pri: PriorityOutput,
  extras: Pick<ClassificationOutput, "language" | "spam_probability">,
): { analysis: Omit<TriageResult, "model" | "signals">; signals: string[] } {
  const confidence = Math.min(0.99, Math.round(cls.confidence * 1000) / 1000);
  const spamScore = Math.round(extras.spam_probability * 1000) / 1000;
  const signals = [
    `classifier: ${cls.category}/${cls.sub_category} p=${confidence.toFixed(2)}`,
    `sentiment: ${sen.emotion} ${sen.intensity}/10`,
    `priority: ${pri.priority} ${pri.urgency_score}/10`,
    `spam: p=${spamScore.toFixed(2)}`,
  ];
  if (extras.language !== "en") signals.push(`language: ${extras.language}`);
  return {
    analysis: {
      category: cls.category,
      subCategory: cls.sub_category,
      confidence,
      sentiment: {
        emotion: sen.emotion,
        intensity: sen.intensity,
        escalationNeeded: sen.escalation_needed,
      },
      priority: {
        priority: pri.priority,
        urgencyScore: pri.urgency_score,
        reasoning: pri.reasoning,
      },
      language: extras.language,
      spam: { score: spamScore, isSpam: spamScore > SPAM_THRESHOLD },
    },
    signals,
  };
}

/** The failure that ended a parallel triage (cancelled siblings are rejected with it too). */
function firstFailure(settled: PromiseSettledResult<unknown>[]): unknown {
  const rejected = settled.filter((s) => s.status === "rejected").map((s) => s.reason);
  return rejected.find((r) => r instanceof OpenAiCallError) ?? rejected[0];
}

function valueOf<T>(settled: PromiseSettledResult<T>): T {
  if (settled.status === "rejected") throw settled.reason;
  return settled.value;
}

interface Meter extends UsageMeter {
  total(): {
    promptTokens: number;
    completionTokens: number;
    cost: number;
    notes: string[];
  };
}

function createMeter(prices: Record<string, ModelPrice>): Meter {
  let promptTokens = 0;
  let completionTokens = 0;
  let cost = 0;
  const unpriced = new Set<string>();
  return {
    add(model, prompt, completion) {
      promptTokens += prompt;
      completionTokens += completion;
      const price = costOf(model, { promptTokens: prompt, completionTokens: completion }, prices);
      if (price === undefined) unpriced.add(model);
      else cost += price;
    },
    total() {
      const notes = [...unpriced].map((m) => `no price for model ${m}: its cost counted as 0`);
      return { promptTokens, completionTokens, cost: round(cost), notes };
    },
  };
}

function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}

function optionProblems(o: OpenAiProviderOptions): string[] {
  const problems: string[] = [];
  if (typeof o.apiKey !== "string" || o.apiKey.trim() === "") problems.push("apiKey is empty");
  if (!o.fallback) problems.push("fallback is missing");
  if (o.baseURL !== undefined && !URL.canParse(o.baseURL)) {
    problems.push(`baseURL "${o.baseURL}" is not a URL`);
  }
  if (o.mode !== undefined && o.mode !== "parallel" && o.mode !== "combined") {
    problems.push(`mode "${o.mode}" is not "parallel" or "combined"`);
  }
  const positiveInt = (name: string, value: number | undefined, max: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= max)) {
      problems.push(`${name} must be an integer from 1 to ${max}`);
    }
  };
  positiveInt("maxAttempts", o.maxAttempts, 10);
  positiveInt("concurrency", o.concurrency, 1000);
  positiveInt("timeoutMs", o.timeoutMs, 600_000);
  for (const [model, price] of Object.entries(o.prices ?? {})) {
    if (!(price.inputPerMillion >= 0 && price.outputPerMillion >= 0)) {
      problems.push(`price of ${model} must be ≥ 0`);
    }
  }
  return problems;
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
