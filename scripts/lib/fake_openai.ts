/**
 * A local stand-in for OpenAI's Chat Completions API, for tests and local runs.
 *
 * It answers `POST /v1/chat/completions` and `GET /v1/models` the way OpenAI does (Bearer auth,
 * `chat.completion` objects with `usage`, OpenAI's error shape, strict `json_schema` checks).
 * By default it answers with the local provider's triage of the customer text it finds between
 * the `<customer_message>` tags, shaped into the requested JSON schema, so answers are realistic
 * and deterministic. It can be told to fail the next requests the ways OpenAI and the networks
 * in front of it fail, and records every request.
 */
import { triageLocal } from "../../supabase/functions/_shared/ai/local_provider.ts";
import { extractCustomerText } from "../../supabase/functions/_shared/ai/openai_prompts.ts";
import type { CustomerTier } from "../../supabase/functions/_shared/ai/types.ts";
import {
  articleSteps,
  composeAnswer,
  empathyLine,
} from "../../supabase/functions/_shared/answers/local_draft.ts";

/** Failures the fake can inject into its next chat completion requests. */
export type FakeOpenAiFailure =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "malformed"
  | "context_length_exceeded"
  | "length"
  | "invalid_label"
  | "refusal";

/** Options of `FakeOpenAi.failNext()`. */
export interface FailNextOptions {
  /** How many of the next requests fail this way (default 1). */
  count?: number;
  /** `Retry-After` seconds sent with `rate_limited` (default 1). */
  retryAfterS?: number;
  /** Also send `retry-after-ms` with `rate_limited`. */
  retryAfterMs?: number;
  /** HTTP status sent with `server_error` (default 500). */
  status?: 500 | 502 | 503 | 504;
  /** Content type of the `malformed` body (default `text/html`). */
  contentType?: "text/html" | "application/json";
}

/** A chat completion request body as received. */
export interface FakeChatRequest {
  model: string;
  messages: Array<{ role: string; content: unknown }>;
  response_format?: {
    type: string;
    json_schema?: { name?: string; strict?: boolean; schema?: JsonSchema };
  };
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
}

/** One request the fake received. */
export interface FakeOpenAiCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The parsed JSON body (null for GET or an unparsable body). */
  body: FakeChatRequest | null;
  /** The injected failure this request was answered with, if any. */
  failure?: FakeOpenAiFailure;
}

/** Options of `startFakeOpenAi()`. */
export interface FakeOpenAiOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Custom answer: the object the assistant "says"; `undefined` falls back to the default. */
  respond?: (request: FakeChatRequest) => object | undefined;
  /** Delay before each chat completion answer, so concurrent requests overlap (default 0). */
  latencyMs?: number;
  /** The only API key accepted (default: any non-empty Bearer token). */
  apiKey?: string;
  /** Path of the API root (default `/v1`; Azure OpenAI's is `/openai/v1`). */
  basePath?: string;
}

/** A running fake OpenAI API. */
export interface FakeOpenAi {
  /** Base URL ending in the base path (`/v1`), to pass as the SDK's `baseURL`. */
  url: string;
  /** Every request received under the base path, oldest first. */
  calls: FakeOpenAiCall[];
  /** Chat completion requests being answered now. */
  readonly inFlight: number;
  /** Most chat completion requests answered at the same time since start or reset. */
  readonly maxInFlight: number;
  /** Makes the next chat completion request(s) fail in the given way. */
  failNext(kind: FakeOpenAiFailure, opts?: FailNextOptions): void;
  /** Answers spam_probability p for customer text containing `match` (until reset). */
  spamFor(match: string, probability: number): void;
  /** Forgets calls, pending failures and the in-flight maximum. */
  reset(): void;
  /** Releases hanging requests and stops the server. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A JSON schema node as used by structured outputs. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  [key: string]: unknown;
}

/** Model ids listed by `GET /v1/models`. */
export const FAKE_MODELS = ["gpt-4o-mini", "gpt-4o"];

const KINDS: FakeOpenAiFailure[] = [
  "rate_limited",
  "server_error",
  "timeout",
  "malformed",
  "context_length_exceeded",
  "length",
  "invalid_label",
  "refusal",
];
const CREATED = 1_733_011_200;

type Body = Record<string, unknown>;
interface PendingFailure extends FailNextOptions {
  kind: FakeOpenAiFailure;
  left: number;
}

/** Starts the fake on 127.0.0.1 and resolves once it listens. */
export function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const basePath = `/${(options.basePath ?? "/v1").replace(/^\/+|\/+$/g, "")}`;
  const calls: FakeOpenAiCall[] = [];
  const failures: PendingFailure[] = [];
  const spamOverrides: SpamOverride[] = [];
  const hanging = new Set<() => void>();
  let inFlight = 0;
  let maxInFlight = 0;
  let seq = 0;
  let closing: Promise<void> | undefined;

  function failNext(kind: FakeOpenAiFailure, opts: FailNextOptions = {}): void {
    if (!KINDS.includes(kind)) throw new TypeError(`Cannot inject "${kind}": unknown failure`);
    const left = opts.count ?? 1;
    if (!Number.isInteger(left) || left < 1) {
      throw new RangeError(`Cannot fail the next ${left} requests: count must be ≥ 1`);
    }
    failures.push({ ...opts, kind, left });
  }

  function spamFor(match: string, probability: number): void {
    if (!match || !(probability >= 0 && probability <= 1)) {
      throw new RangeError("Cannot set a spam answer: give a non-empty match and 0 ≤ p ≤ 1");
    }
    spamOverrides.push({ match, probability });
  }

  function reset(): void {
    calls.length = 0;
    failures.length = 0;
    spamOverrides.length = 0;
    maxInFlight = inFlight;
  }

  // Lets a test in another process read the calls and inject failures.
  async function control(req: Request, action: string): Promise<Response> {
    if (action === "calls" && req.method === "GET") return Response.json(calls);
    if (action === "reset" && req.method === "POST") {
      reset();
      return Response.json({ ok: true });
    }
    if (action === "spam" && req.method === "POST") {
      try {
        const { match, probability } = await req.json() as SpamOverride;
        spamFor(match, probability);
        return Response.json({ ok: true });
      } catch (err) {
        return Response.json({ ok: false, error: String(err) }, { status: 400 });
      }
    }
    if (action === "fail" && req.method === "POST") {
      try {
        const { kind, ...opts } = await req.json() as { kind: FakeOpenAiFailure } & FailNextOptions;
        failNext(kind, opts);
        return Response.json({ ok: true });
      } catch (err) {
        return Response.json({ ok: false, error: String(err) }, { status: 400 });
      }
    }
    return new Response("Not Found", { status: 404 });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/_fake/")) return await control(req, url.pathname.slice(7));
    const text = req.method === "GET" ? "" : await req.text();
    const body = parseJson(text);
    const call: FakeOpenAiCall = {
      method: req.method,
      path: url.pathname,
      headers: Object.fromEntries(req.headers),
      body: isRecord(body) ? body as FakeChatRequest : null,
    };
    const inApi = url.pathname.startsWith(`${basePath}/`);
    if (inApi) calls.push(call);

    const token = req.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) {
      return apiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization " +
          "header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
        null,
      );
    }
    if (options.apiKey !== undefined && token !== options.apiKey) {
      return apiError(
        401,
        `Incorrect API key provided: ${token.slice(0, 3)}***. You can find your API key at ` +
          "https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        "invalid_api_key",
      );
    }

    const path = inApi ? url.pathname.slice(basePath.length).replace(/\/+$/, "") : "";
    const route = `${req.method} ${path}`;
    if (route === "GET /models") {
      return Response.json({
        object: "list",
        data: FAKE_MODELS.map((id) => ({
          id,
          object: "model",
          created: CREATED,
          owned_by: "fake",
        })),
      });
    }
    if (route === "POST /embeddings") {
      const problem = embeddingProblem(body);
      if (problem) return apiError(400, problem, "invalid_request_error");
      return Response.json(embeddingsOf(body as EmbeddingRequest));
    }
    if (route !== "POST /chat/completions") {
      return apiError(404, `Invalid URL (${req.method} ${url.pathname})`, "invalid_request_error");
    }

    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const problem = requestProblem(body);
      if (problem) return apiError(400, problem.message, "invalid_request_error", problem.code);
      const request = call.body as FakeChatRequest;
      const failure = takeFailure();
      if (failure) {
        call.failure = failure.kind;
        return await injected(failure, request);
      }
      const answer = options.respond?.(request) ?? defaultAnswer(request, spamOverrides);
      return completion(request, answer, `chatcmpl-fake${++seq}`);
    } finally {
      inFlight--;
    }
  }

  function takeFailure(): PendingFailure | undefined {
    const head = failures[0];
    if (!head) return undefined;
    if (--head.left <= 0) failures.shift();
    return head;
  }

  async function injected(failure: PendingFailure, request: FakeChatRequest): Promise<Response> {
    const id = `chatcmpl-fake${++seq}`;
    switch (failure.kind) {
      case "rate_limited": {
        const headers: Record<string, string> = {
          "retry-after": String(failure.retryAfterS ?? 1),
          "x-ratelimit-limit-requests": "500",
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": `${failure.retryAfterS ?? 1}s`,
        };
        if (failure.retryAfterMs !== undefined) {
          headers["retry-after-ms"] = String(failure.retryAfterMs);
        }
        return apiError(
          429,
          `Rate limit reached for ${request.model} on requests per min (RPM): Limit 500, ` +
            "Used 500, Requested 1. Please try again later.",
          "requests",
          "rate_limit_exceeded",
          headers,
        );
      }
      case "server_error": {
        const status = failure.status ?? 500;
        if (status === 502 || status === 504) {
          const title = status === 502 ? "502 Bad Gateway" : "504 Gateway Time-out";
          return new Response(`<html><head><title>${title}</title></head><body>${title}</body>`, {
            status,
            headers: { "content-type": "text/html" },
          });
        }
        const message = status === 503
          ? "The engine is currently overloaded, please try again later"
          : "The server had an error while processing your request. Sorry about that!";
        return apiError(status, message, "server_error");
      }
      case "timeout":
        // Hang until close(), whatever the client does: no timer is left for Deno's test
        // sanitizers, and Deno.serve does not reliably abort `request.signal` when a client
        // with a request body disconnects.
        if (!closing) await new Promise<void>((resolve) => hanging.add(resolve));
        return apiError(504, "Gateway timeout", "server_error");
      case "malformed":
        if (failure.contentType === "application/json") {
          return new Response('{"id": "chatcmpl-', {
            status: 200,
            headers: { "content-type": "application/json" },
          });
        }
        return new Response("<html><body>upstream connect error</body></html>", {
          status: 200,
          headers: { "content-type": "text/html" },
        });
      case "context_length_exceeded": {
        const limit = 128_000;
        const used = limit + promptTokens(request);
        return apiError(
          400,
          `This model's maximum context length is ${limit} tokens. However, your messages ` +
            `resulted in ${used} tokens. Please reduce the length of the messages.`,
          "invalid_request_error",
          "context_length_exceeded",
          {},
          "messages",
        );
      }
      case "length": {
        const full = contentOf(request, defaultAnswer(request));
        const cut = full.slice(0, Math.max(1, Math.floor(full.length / 2)));
        const max = request.max_completion_tokens ?? request.max_tokens;
        return completion(request, cut, id, { finish: "length", completionTokens: max });
      }
      case "invalid_label":
        return completion(request, withInvalidLabel(defaultAnswer(request)), id);
      case "refusal":
        return completion(request, null, id, {
          refusal: "I'm sorry, but I can't help with that request.",
        });
    }
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen: ({ port }) => {
        const close = () => {
          closing ??= (async () => {
            for (const release of hanging) release();
            hanging.clear();
            await server.shutdown();
          })();
          return closing;
        };
        resolve({
          url: `http://127.0.0.1:${port}${basePath}`,
          calls,
          get inFlight() {
            return inFlight;
          },
          get maxInFlight() {
            return maxInFlight;
          },
          failNext,
          spamFor,
          reset,
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, async (req) => {
      try {
        return await handle(req);
      } catch (err) {
        return apiError(500, `Fake OpenAI failed: ${err}`, "server_error");
      }
    });
  });
}

/** A spam probability the fake answers for customer text containing `match`. */
export interface SpamOverride {
  match: string;
  probability: number;
}

/**
 * The answer the fake gives by default: for an answer draft, the template answer built from the
 * first knowledge-base article in the prompt (confidence 0.95); for an answer translation, the
 * answer with its greeting and closing in the target language; otherwise local triage facts
 * shaped into the requested schema (with a configured spam probability where one matches).
 */
export function defaultAnswer(request: FakeChatRequest, spam: SpamOverride[] = []): object {
  const schemaName = request.response_format?.json_schema?.name;
  if (schemaName === "answer_draft") return fakeAnswerDraft(request);
  if (schemaName === "answer_translation") return fakeAnswerTranslation(request);
  const user = [...request.messages].reverse().find((m) => m.role === "user");
  const content = textOf(user?.content);
  const customer = extractCustomerText(content) ?? { subject: "", body: content };
  const tier = content.match(/^Customer tier: (standard|vip|enterprise)$/m)?.[1] ?? "standard";
  const local = triageLocal({
    subject: customer.subject,
    body: customer.body,
    channel: "email",
    customerTier: tier as CustomerTier,
    history: [],
  });
  const spammy = /\b(viagra|casino|crypto ?currency|seo services|click here|unsubscribe)\b/i
    .test(`${customer.subject} ${customer.body}`);
  const facts: Body = {
    category: local.category,
    sub_category: local.subCategory,
    confidence: local.confidence,
    language: local.language,
    spam_probability: spam.find((o) => `${customer.subject} ${customer.body}`.includes(o.match))
      ?.probability ?? (spammy ? 0.95 : 0.02),
    emotion: local.sentiment.emotion,
    intensity: local.sentiment.intensity,
    escalation_needed: local.sentiment.escalationNeeded,
    priority: local.priority.priority,
    urgency_score: local.priority.urgencyScore,
    reasoning: local.priority.reasoning,
    subject: customer.subject,
    body: customer.body,
  };
  const format = request.response_format;
  if (format?.type === "json_schema" && format.json_schema?.schema) {
    return shape(format.json_schema.schema, facts) as object;
  }
  return facts;
}

/** Fills a JSON schema with the facts whose names match its properties. */
function shape(schema: JsonSchema, facts: Body): unknown {
  if (schema.anyOf?.length) {
    return shape(schema.anyOf.find((s) => s.type !== "null") ?? schema.anyOf[0], facts);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object") {
    const out: Body = {};
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      const subType = Array.isArray(sub.type) ? sub.type : [sub.type];
      out[key] = subType.includes("object") ? shape(sub, facts) : fact(sub, facts[key]);
    }
    return out;
  }
  return fact(schema, undefined);
}

function fact(schema: JsonSchema, value: unknown): unknown {
  if (schema.enum) return schema.enum.includes(value) ? value : schema.enum[0];
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (value !== undefined && types.includes(jsonType(value))) return value;
  if (types.includes("null")) return null;
  if (types.includes("integer") && typeof value === "number") return Math.round(value);
  if (types.includes("string")) return "";
  if (types.includes("number") || types.includes("integer")) return schema.minimum ?? 0;
  if (types.includes("boolean")) return false;
  if (types.includes("array")) return [];
  return null;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function withInvalidLabel(answer: object): object {
  let replaced = false;
  const visit = (value: unknown): unknown => {
    if (!isRecord(value)) return value;
    const out: Body = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === "category" && typeof v === "string") [out[key], replaced] = ["shipping", true];
      else if (key === "emotion" && typeof v === "string") {
        [out[key], replaced] = ["ecstatic", true];
      } else if (key === "priority" && typeof v === "string") {
        [out[key], replaced] = ["critical", true];
      } else out[key] = visit(v);
    }
    return out;
  };
  const result = visit(answer) as Body;
  return replaced ? result : { ...result, unexpected_field: "injected" };
}

/** Checks what OpenAI checks before running a model: fields and strict schema rules. */
function requestProblem(body: unknown): { message: string; code: string | null } | undefined {
  if (!isRecord(body)) {
    return {
      message: "We could not parse the JSON body of your request. (HINT: This likely means " +
        "you aren't using your HTTP library correctly.)",
      code: null,
    };
  }
  if (typeof body.model !== "string" || !body.model) {
    return { message: "you must provide a model parameter", code: null };
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return { message: "[] is too short - 'messages'", code: "invalid_value" };
  }
  const format = body.response_format;
  if (isRecord(format) && format.type === "json_schema") {
    const js = format.json_schema;
    if (!isRecord(js) || typeof js.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) {
      return { message: "Missing or invalid 'response_format.json_schema.name'.", code: null };
    }
    if (js.strict === true) {
      const problem = strictProblem(js.schema as JsonSchema, []);
      if (problem) {
        return {
          message: `Invalid schema for response_format '${js.name}': ${problem}`,
          code: "invalid_json_schema",
        };
      }
    }
  }
  return undefined;
}

function strictProblem(schema: JsonSchema | undefined, path: string[]): string | undefined {
  const at = `In context=(${path.map((p) => `'${p}'`).join(", ")})`;
  if (!isRecord(schema)) return `${at}, schema must be an object.`;
  if (path.length === 0 && schema.type !== "object") {
    return `${at}, schema must be a JSON Schema of 'type: "object"', got 'type: "${schema.type}"'.`;
  }
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.includes("object")) {
    if (schema.additionalProperties !== false) {
      return `${at}, 'additionalProperties' is required to be supplied and to be false.`;
    }
    const keys = Object.keys(schema.properties ?? {});
    const missing = keys.filter((k) => !(schema.required ?? []).includes(k));
    if (missing.length) {
      return `${at}, 'required' is required to be supplied and to be an array including every ` +
        `key in properties. Missing '${missing[0]}'.`;
    }
    for (const [key, sub] of Object.entries(schema.properties ?? {})) {
      const problem = strictProblem(sub, [...path, "properties", key]);
      if (problem) return problem;
    }
  }
  if (schema.items) return strictProblem(schema.items, [...path, "items"]);
  for (const [i, sub] of (schema.anyOf ?? []).entries()) {
    const problem = strictProblem(sub, [...path, "anyOf", String(i)]);
    if (problem) return problem;
  }
  return undefined;
}

function completion(
  request: FakeChatRequest,
  answer: object | string | null,
  id: string,
  opts: { finish?: string; refusal?: string; completionTokens?: number } = {},
): Response {
  const content = answer === null || typeof answer === "string"
    ? answer
    : contentOf(request, answer);
  const prompt = promptTokens(request);
  const completionTokens = opts.completionTokens ??
    Math.ceil((content ?? opts.refusal ?? "").length / 4);
  return Response.json({
    id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: `${request.model}-2024-07-18`,
    system_fingerprint: "fp_fake",
    service_tier: "default",
    choices: [{
      index: 0,
      message: { role: "assistant", content, refusal: opts.refusal ?? null, annotations: [] },
      logprobs: null,
      finish_reason: opts.finish ?? "stop",
    }],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
  }, { headers: { "x-request-id": `req_${id}` } });
}

function contentOf(request: FakeChatRequest, answer: object): string {
  const type = request.response_format?.type;
  if (type === "json_schema" || type === "json_object") return JSON.stringify(answer);
  const values = Object.values(answer).filter((v) => typeof v === "string");
  return values.join("\n") || "OK";
}

/** Deterministic token count: a quarter of the characters plus 4 per message. */
function promptTokens(request: FakeChatRequest): number {
  return request.messages.reduce((n, m) => n + 4 + Math.ceil(textOf(m.content).length / 4), 0);
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content.map((p) => isRecord(p) && typeof p.text === "string" ? p.text : "").join("");
  }
  return "";
}

function apiError(
  status: number,
  message: string,
  type: string,
  code: string | null = null,
  headers: Record<string, string> = {},
  param: string | null = null,
): Response {
  return Response.json({ error: { message, type, param, code } }, { status, headers });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An embeddings request body as received. */
export interface EmbeddingRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  encoding_format?: string;
}

/** Dimensions of the fake's embeddings unless the request asks for others (text-embedding-3-small's). */
export const FAKE_EMBEDDING_DIMENSIONS = 1536;

function embeddingProblem(body: unknown): string | undefined {
  if (!isRecord(body)) return "We could not parse the JSON body of your request.";
  if (typeof body.model !== "string" || !body.model) return "you must provide a model parameter";
  const input = body.input;
  const ok = typeof input === "string" ||
    (Array.isArray(input) && input.length > 0 && input.every((i) => typeof i === "string"));
  if (!ok) return "'input' must be a string or a non-empty array of strings";
  if (body.encoding_format !== undefined && body.encoding_format !== "float") {
    return "the fake answers encoding_format float only";
  }
  return undefined;
}

/** Deterministic embeddings: hashed, roughly stemmed words, L2-normalised (similar texts are close). */
export function fakeEmbedding(text: string, dimensions = FAKE_EMBEDDING_DIMENSIONS): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const match of text.toLowerCase().matchAll(/[\p{L}\d]{3,}/gu)) {
    const word = match[0].replace(/(ing|ed|es|s)$/, "");
    let hash = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) {
      hash ^= word.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    vector[hash % dimensions] += (hash & 0x80000000) ? -1 : 1;
  }
  const norm = Math.sqrt(vector.reduce((n, x) => n + x * x, 0)) || 1;
  return vector.map((x) => Math.round((x / norm) * 1e6) / 1e6);
}

function embeddingsOf(request: EmbeddingRequest): object {
  const inputs = typeof request.input === "string" ? [request.input] : request.input;
  const tokens = inputs.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
  return {
    object: "list",
    data: inputs.map((text, index) => ({
      object: "embedding",
      index,
      embedding: fakeEmbedding(text, request.dimensions ?? FAKE_EMBEDDING_DIMENSIONS),
    })),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

/** The template answer the fake "writes" from the prompt's first knowledge-base article. */
function fakeAnswerDraft(request: FakeChatRequest): object {
  const system = textOf(request.messages.find((m) => m.role === "system")?.content);
  const user = textOf([...request.messages].reverse().find((m) => m.role === "user")?.content);
  const name = system.match(/Begin with "Hi ([^"]+),"/)?.[1] ?? null;
  const signature = system.match(/"([^"]+)" on the last line/)?.[1] ?? "Support";
  const sentiment = user.match(/^Sentiment: (\w+) \(intensity: (\d+)\/10\)$/m);
  const kb = user.slice(user.indexOf("<kb_articles>"), user.indexOf("</kb_articles>"));
  const first = kb.split(/\n(?=\[\d+\] )/).find((block) => /^\[\d+\] /.test(block.trim()));
  if (!first) {
    const answer = composeAnswer({
      name,
      empathy: empathyLine(sentiment?.[1] ?? null, Number(sentiment?.[2] ?? 0)),
      intro: "A teammate will look into your request and follow up with you here.",
      steps: [],
      url: null,
      orgName: signature,
    });
    return { answer, confidence: 0.3, cited_urls: [] };
  }
  const lines = first.trim().split("\n");
  const title = lines[0].replace(/^\[\d+\] /, "");
  const url = lines.find((l) => l.startsWith("URL: "))?.slice(5).trim() ?? "";
  const rest = lines.slice(lines.findIndex((l) => l.startsWith("URL: ")) + 1).join("\n");
  const summary = rest.split("\n")[0] ?? "";
  const answer = composeAnswer({
    name,
    empathy: empathyLine(sentiment?.[1] ?? null, Number(sentiment?.[2] ?? 0)),
    intro: `${summary} These steps are from our guide "${title}":`.trim(),
    steps: articleSteps(rest),
    url,
    orgName: signature,
  });
  return { answer, confidence: 0.95, cited_urls: url ? [url] : [] };
}

const FAKE_PHRASES: Record<string, [string, string]> = {
  de: ["Hallo", "Viele Grüße,"],
  es: ["Hola", "Saludos,"],
  fr: ["Bonjour", "Cordialement,"],
  it: ["Ciao", "Cordiali saluti,"],
  pt: ["Olá", "Cumprimentos,"],
  nl: ["Hallo", "Met vriendelijke groet,"],
};

/** The fake's "translation": the greeting and closing in the target language, the rest as is. */
function fakeAnswerTranslation(request: FakeChatRequest): object {
  const system = textOf(request.messages.find((m) => m.role === "system")?.content);
  const user = textOf([...request.messages].reverse().find((m) => m.role === "user")?.content);
  const code = system.match(/\(([a-z]{2})\)/)?.[1] ?? "en";
  const answer = user.replace(/^<answer>\n?|\n?<\/answer>$/g, "");
  const [hello, bye] = FAKE_PHRASES[code] ?? ["Hi", "Best regards,"];
  return { answer: answer.replace(/^Hi\b/, hello).replace(/Best regards,/, bye) };
}
