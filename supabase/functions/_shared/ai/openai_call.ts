/**
 * One structured Chat Completions call with our own retry policy, every attempt through the
 * shared limiter (the SDK's `maxRetries` is 0):
 *
 * - 429, 408, 409, 5xx, connection errors and timeouts: retried with exponential backoff and
 *   jitter, or after `Retry-After` / `retry-after-ms` when the server sends one;
 * - `context_length_exceeded`: retried at once with the customer's text cut to 70 %;
 * - `finish_reason: "length"`, refusals, content filtering, a body that is not a completion and
 *   output that is not JSON or fails the schema: retried once, never parsed blindly;
 * - anything else (401, 403, 404, other 4xx, `insufficient_quota`): not retried.
 *
 * At most `maxAttempts` requests in total; then an `OpenAiCallError` says why.
 */
import OpenAI from "openai";
import { zodResponseFormat } from "openai/helpers/zod";
import { z } from "zod";
import type { Limiter } from "./openai_limiter.ts";
import type { OpenAiTask, PromptMessage } from "./openai_prompts.ts";

/** A task sent to a model: a triage task, or one of the answer writer's ("answer_draft", …). */
export type CallTask = OpenAiTask | "answer_draft" | "answer_translation" | "embedding";

/** Why a call failed. */
export type FailureKind =
  | "rate_limited"
  | "quota_exceeded"
  | "server_error"
  | "timeout"
  | "connection"
  | "context_length_exceeded"
  | "length"
  | "refusal"
  | "malformed"
  | "invalid_json"
  | "invalid_output"
  | "auth"
  | "bad_request"
  | "unexpected";

/** Thrown when a call has no usable answer after its attempts. */
export class OpenAiCallError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly attempts: number,
    readonly model: string,
    readonly task: CallTask,
  ) {
    super(message);
    this.name = "OpenAiCallError";
  }
}

/** Collects the tokens of every response of one triage, failed attempts included. */
export interface UsageMeter {
  add(model: string, promptTokens: number, completionTokens: number): void;
}

/** What `callStructured()` needs from the provider. */
export interface CallDeps {
  client: OpenAI;
  limiter: Limiter;
  timeoutMs: number;
  maxAttempts: number;
  /** Waits between attempts; it may stop early when `signal` aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of jitter, 0 ≤ x < 1 (default `Math.random`). */
  random?: () => number;
}

/** One task to run: its model, prompt, schema and output budget. */
export interface StructuredCall<T> {
  task: CallTask;
  model: string;
  schema: z.ZodType<T>;
  /** The messages; `fraction` < 1 asks for the customer's text cut to that share. */
  messages: (fraction: number) => PromptMessage[];
  maxTokens: number;
  /** Sampling temperature (default 0: triage wants the same answer every time). */
  temperature?: number;
  meter: UsageMeter;
  signal?: AbortSignal;
}

/** A validated answer and how many requests it took. */
export interface CallResult<T> {
  data: T;
  attempts: number;
}

/** Share of the customer's text kept after each `context_length_exceeded`. */
export const TRUNCATE_FACTOR = 0.7;

/** What an OpenAI client of this project is built from. */
export interface ClientOptions {
  apiKey: string;
  /** Base URL without a trailing slash. */
  baseURL: string;
  timeoutMs: number;
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch;
}

/**
 * An OpenAI client that retries nothing itself (callStructured() does, through the shared
 * limiter) and reads nothing from OPENAI_* environment variables.
 */
export function createOpenAiClient(options: ClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    baseURL: options.baseURL,
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    maxRetries: 0,
    timeout: options.timeoutMs,
    logLevel: "off",
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
/** Longest `Retry-After` honoured; beyond it the call gives up at once. */
export const MAX_RETRY_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8_000;

const OUTPUT_FAILURES = new Set<FailureKind>([
  "length",
  "refusal",
  "malformed",
  "invalid_json",
  "invalid_output",
]);
const TRANSIENT_FAILURES = new Set<FailureKind>([
  "rate_limited",
  "server_error",
  "timeout",
  "connection",
]);

const Completion = z.object({
  model: z.string().optional(),
  choices: z.array(z.object({
    finish_reason: z.string().nullable(),
    message: z.object({
      content: z.string().nullable().optional(),
      refusal: z.string().nullable().optional(),
    }),
  })).min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

interface Failure {
  kind: FailureKind;
  message: string;
  retryAfterMs?: number;
}

type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

/** Runs one task until it has a schema-valid answer or no attempt is left. */
export async function callStructured<T>(
  call: StructuredCall<T>,
  deps: CallDeps,
): Promise<CallResult<T>> {
  const random = deps.random ?? Math.random;
  const responseFormat = zodResponseFormat(call.schema, call.task);
  let fraction = 1;
  let maxTokens = call.maxTokens;
  let outputRetried = false;
  for (let attempt = 1;; attempt++) {
    const outcome = await attemptOnce(call, deps, responseFormat, fraction, maxTokens);
    if (outcome.ok) return { data: outcome.data, attempts: attempt };
    const { kind, message, retryAfterMs } = outcome.failure;
    const fail = () => new OpenAiCallError(kind, message, attempt, call.model, call.task);
    if (attempt >= deps.maxAttempts) throw fail();
    let waitMs = 0;
    if (kind === "context_length_exceeded") {
      fraction *= TRUNCATE_FACTOR;
    } else if (OUTPUT_FAILURES.has(kind)) {
      if (outputRetried) throw fail();
      outputRetried = true;
      if (kind === "length") maxTokens *= 2;
    } else if (TRANSIENT_FAILURES.has(kind)) {
      if (retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_MS) throw fail();
      waitMs = retryAfterMs !== undefined
        ? retryAfterMs * (1 + 0.1 * random())
        : backoffMs(attempt, random);
    } else {
      throw fail();
    }
    if (waitMs > 0) await pause(Math.round(waitMs), deps.sleep, call.signal);
    call.signal?.throwIfAborted();
  }
}

/** Sleeps, but rejects as soon as `signal` aborts (a cancelled call must not wait out a backoff). */
async function pause(ms: number, sleep: CallDeps["sleep"], signal?: AbortSignal): Promise<void> {
  if (!signal) return await sleep(ms);
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/** Exponential backoff with equal jitter: half fixed, half random, capped at 8 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return ceiling / 2 + (ceiling / 2) * random();
}

async function attemptOnce<T>(
  call: StructuredCall<T>,
  deps: CallDeps,
  responseFormat: ReturnType<typeof zodResponseFormat>,
  fraction: number,
  maxTokens: number,
): Promise<Outcome<T>> {
  let raw: unknown;
  try {
    raw = await deps.limiter.run(
      () =>
        deps.client.chat.completions.create({
          model: call.model,
          messages: call.messages(fraction),
          response_format: responseFormat,
          temperature: call.temperature ?? 0,
          max_completion_tokens: maxTokens,
        }, { timeout: deps.timeoutMs, maxRetries: 0, signal: call.signal }),
      call.signal,
    );
  } catch (error) {
    if (call.signal?.aborted) throw call.signal.reason;
    return { ok: false, failure: failureOf(error) };
  }
  return interpret(raw, call);
}

function interpret<T>(raw: unknown, call: StructuredCall<T>): Outcome<T> {
  const envelope = Completion.safeParse(raw);
  if (!envelope.success) {
    const got = typeof raw === "string" ? `text "${raw.slice(0, 60)}"` : typeof raw;
    return failed("malformed", `response is not a chat completion (got ${got})`);
  }
  const { choices, usage } = envelope.data;
  call.meter.add(call.model, usage?.prompt_tokens ?? 0, usage?.completion_tokens ?? 0);
  const { finish_reason: finish, message } = choices[0];
  if (message.refusal) return failed("refusal", `model refused: ${message.refusal.slice(0, 200)}`);
  if (finish === "content_filter") return failed("refusal", "output stopped by content filter");
  if (finish === "length") return failed("length", "output cut at the token limit");
  const content = message.content ?? "";
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return failed("invalid_json", `output is not JSON: "${content.slice(0, 80)}"`);
  }
  const parsed = call.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) =>
      `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    return failed("invalid_output", `output fails the schema: ${issues.join("; ")}`);
  }
  return { ok: true, data: parsed.data };
}

function failed(kind: FailureKind, message: string): { ok: false; failure: Failure } {
  return { ok: false, failure: { kind, message } };
}

/** Maps an SDK or fetch error to a failure kind, with the wait the server asked for. */
export function failureOf(error: unknown): Failure {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: "timeout", message: "request timed out" };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return { kind: "connection", message: error.message };
  }
  if (error instanceof OpenAI.APIError) {
    const status = error.status ?? 0;
    const message = error.message.slice(0, 300);
    const retryAfterMs = retryAfterOf(error.headers);
    if (error.code === "context_length_exceeded") {
      return { kind: "context_length_exceeded", message };
    }
    if (status === 429) {
      if (error.code === "insufficient_quota") return { kind: "quota_exceeded", message };
      return { kind: "rate_limited", message, retryAfterMs };
    }
    if (status >= 500 || status === 408 || status === 409) {
      return { kind: "server_error", message, retryAfterMs };
    }
    if (status === 401 || status === 403) return { kind: "auth", message };
    return { kind: "bad_request", message };
  }
  if (error instanceof SyntaxError) {
    return { kind: "malformed", message: `response body is not JSON: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "connection", message };
}

/** The wait a response asks for, from `retry-after-ms` or `Retry-After` (seconds or a date). */
export function retryAfterOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get("retry-after");
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
