import { z } from "zod";
import {
  HttpError,
  isDatabaseUnavailable,
  json,
  requireMethod,
  withErrors,
} from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import {
  collapseWhitespace,
  idempotencyKey,
  isEmailAddress,
  normaliseBody,
  type NormalisedMessage,
  stripControls,
  subjectFromBody,
  toIntakeJson,
} from "../_shared/normalise.ts";
import { withRetries } from "../_shared/retry.ts";
import { authenticate, type IntakeAuthConfig } from "./auth.ts";
import {
  type AttachmentInfo,
  type BodyLimits,
  INTAKE_LIMITS,
  readIntakeBody,
  type ReceivedBody,
} from "./body.ts";

/** Largest JSON or urlencoded body (or text fields of a multipart body) accepted, in bytes. */
export const MAX_BODY_BYTES = INTAKE_LIMITS.textBytes;

/** Deepest nesting accepted in a request body (metadata included). */
export const MAX_JSON_DEPTH = 16;

/**
 * Makes parsed JSON safe to store: strips NUL (which Postgres text and jsonb cannot hold),
 * replaces lone UTF-16 surrogates with U+FFFD, and rejects nesting deeper than MAX_JSON_DEPTH.
 */
export function sanitizeJson(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return value.replaceAll("\u0000", "").toWellFormed();
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_JSON_DEPTH) {
    throw new HttpError(
      422,
      `Cannot accept ticket: JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  if (Array.isArray(value)) return value.map((v) => sanitizeJson(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [sanitizeJson(k) as string, sanitizeJson(v, depth + 1)]),
  );
}

// Letters, digits, punctuation or symbols, not counting characters that render as blanks
// (braille blank, Hangul fillers) or zero-width ones.
const visible = /[\p{L}\p{N}\p{P}\p{S}]/u;
const blankLookalikes = /[\u115F\u1160\u2800\u3164\uFFA0\u200B-\u200D\u2060\uFEFF]/g;

/** Body accepted by `POST /functions/v1/intake`. */
export const IntakeBody = z.object({
  email: z.string().trim().toLowerCase().superRefine((email, ctx) => {
    if (!isEmailAddress(email)) {
      ctx.addIssue({ code: "custom", message: "must be an email address" });
    } else if (email.length > 255) {
      ctx.addIssue({ code: "custom", message: "must be at most 255 characters" });
    }
  }),
  name: z.string().transform(collapseWhitespace).pipe(z.string().max(255)).optional().nullable(),
  subject: z.string().transform(collapseWhitespace).pipe(z.string().max(998)).optional().nullable(),
  body: z.string().superRefine((body, ctx) => {
    const text = stripControls(body).trim();
    if (text.length === 0) ctx.addIssue({ code: "custom", message: "must not be empty" });
    else if (!visible.test(text.replace(blankLookalikes, ""))) {
      ctx.addIssue({ code: "custom", message: "must contain visible text" });
    } else if (body.length > 100_000) {
      ctx.addIssue({ code: "custom", message: "must be at most 100000 characters" });
    }
  }),
  channel: z.enum(["email", "slack", "api", "web"]).default("api"),
  metadata: z.record(z.string(), z.unknown()).optional()
    .refine(
      (m) => m === undefined || new TextEncoder().encode(JSON.stringify(m)).length <= 16_384,
      "must be at most 16 KB",
    ),
}).strict();
export type IntakeBody = z.infer<typeof IntakeBody>;

/** What intake did: a new ticket, a repeat of one, or a reply on an existing ticket. */
export type IntakeOutcome = "created" | "duplicate" | "reply" | "reopened";

/** Result of storing a message. */
export interface IntakeResult {
  ticketId: string;
  ticketNumber: number;
  duplicate: boolean;
  /** Absent from older stores: then created or duplicate, by the flag. */
  outcome?: IntakeOutcome;
}

/** A request refused by a rate limit kept in the database. */
export interface RateLimited {
  limitedBy: "ip" | "sender";
  retryAfterSeconds: number;
}

/** Options of TicketIntakeStore.intake(). */
export interface IntakeOptions {
  /** Counts the request against this client IP's limit; null for authenticated callers. */
  clientIp?: string | null;
}

/** Storage port; the real one calls `app_private.submit_intake(...)`. */
export interface TicketIntakeStore {
  /** Stores a message (or finds its duplicate) unless a rate limit refuses it. */
  intake(
    key: string,
    message: NormalisedMessage,
    options?: IntakeOptions,
  ): Promise<IntakeResult | RateLimited>;
  /** Logs a post whose honeypot was filled; returns a decoy ticket number or the limit hit. */
  recordHoneypot(
    options: { clientIp: string | null; context: Record<string, unknown> },
  ): Promise<{ ticketNumber: number } | RateLimited>;
  /** Keeps an accepted message that intake could not store; returns the dead letter's id. */
  deadLetter?(
    channel: NormalisedMessage["channel"],
    reason: string,
    raw: Uint8Array,
    details: Record<string, unknown>,
  ): Promise<number>;
}

/** Everything the intake handler needs. */
export interface IntakeDeps {
  store: TicketIntakeStore;
  /** When non-empty, requests must carry one of these keys (x-api-key or bearer). */
  apiKeys: string[];
  /** Secrets for `x-ists-signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
  hmacSecrets?: string[];
  /** With keys or secrets set, still accept unauthenticated posts from allowed origins. */
  publicForm?: boolean;
  /** Browser origins allowed to post (CORS); "*" allows any. */
  corsOrigins?: string[];
  /** Size limits of the body and its attachments (default INTAKE_LIMITS). */
  limits?: BodyLimits;
  log: Log;
  /** Current time in unix seconds (tests). */
  now?: () => number;
  /** Sleep between retries of transient database failures (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

/** Name of the form field humans leave empty; bots that fill it get a decoy answer. */
export const HONEYPOT_FIELD = "website";

const LOG_LINES: Record<IntakeOutcome, string> = {
  created: "ticket created",
  duplicate: "duplicate received",
  reply: "reply added to its ticket",
  reopened: "reply reopened its ticket",
};

/** Turns a validated body into the normalised message. */
export function normaliseIntake(
  body: IntakeBody,
  attachments: AttachmentInfo[] = [],
): NormalisedMessage {
  const text = normaliseBody(body.body);
  const subject = collapseWhitespace(body.subject ?? "");
  return {
    channel: body.channel,
    email: body.email,
    name: body.name ? collapseWhitespace(body.name) : null,
    subject: subject || subjectFromBody(text),
    body: text,
    attachments,
    metadata: body.metadata ?? {},
  };
}

/** The client address as the gateway reports it: the first X-Forwarded-For entry, if an IP. */
export function clientIp(req: Request): string | null {
  const first = (req.headers.get("x-forwarded-for") ?? "").split(",")[0].trim();
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(first);
  if (v4) return v4.slice(1).every((n) => Number(n) <= 255) ? first : null;
  return /^[0-9a-f:.]{2,45}$/i.test(first) && first.includes(":") ? first.toLowerCase() : null;
}

/** The deduplication key: the message's, extended by the hashes of its attachments. */
export async function intakeKey(message: NormalisedMessage): Promise<string> {
  const key = await idempotencyKey(message);
  const files = message.attachments as AttachmentInfo[];
  if (files.length === 0) return key;
  const text = [key, ...files.map((f) => f.sha256)].join("\n");
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Turns form fields into the JSON shape: `metadata.<key>` fields fill metadata. */
export function formToObject(fields: [string, string][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const metadata: Record<string, string> = {};
  const repeated = new Set<string>();
  for (const [name, value] of fields) {
    const meta = /^metadata\.(.+)$/.exec(name);
    const target: Record<string, unknown> = meta ? metadata : out;
    const key = meta ? meta[1] : name;
    if (Object.hasOwn(target, key)) repeated.add(name);
    target[key] = value;
  }
  if (repeated.size > 0) {
    const details = [...repeated].map((field) => ({ field, problem: "must be given once" }));
    const summary = details.map((d) => `${d.field} ${d.problem}`).join("; ");
    throw new HttpError(422, `Cannot accept ticket: ${summary}`, details);
  }
  if (Object.keys(metadata).length > 0) out.metadata = metadata;
  return out;
}

function rateLimitError(limit: RateLimited): HttpError {
  const who = limit.limitedBy === "ip" ? "this network address" : "this sender";
  return new HttpError(
    429,
    `Cannot accept ticket: too many messages from ${who}; try again in ${limit.retryAfterSeconds} seconds`,
    { limit: limit.limitedBy, retryAfterSeconds: limit.retryAfterSeconds },
  );
}

function validate(raw: unknown): IntakeBody {
  const parsed = IntakeBody.safeParse(raw);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.flatMap((i) =>
    i.code === "unrecognized_keys"
      ? i.keys.map((key) => ({
        field: [...i.path, key].join("."),
        problem: "is not a known field",
      }))
      : [{ field: i.path.join(".") || "(body)", problem: i.message }]
  );
  const summary = details.map((d) => `${d.field} ${d.problem}`).join("; ");
  throw new HttpError(422, `Cannot accept ticket: ${summary}`, details);
}

/** Builds the intake handler: authenticate, read, drop honeypot posts, validate, store. */
export function createIntakeHandler(
  deps: IntakeDeps,
): (req: Request) => Promise<Response> {
  const auth: IntakeAuthConfig = {
    apiKeys: deps.apiKeys,
    hmacSecrets: deps.hmacSecrets ?? [],
    publicForm: deps.publicForm ?? false,
    corsOrigins: deps.corsOrigins ?? [],
  };
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const handle = withErrors(async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204 });
    requireMethod(req, ["POST", "OPTIONS"]);
    const caller = authenticate(req, auth, now());
    const signature = caller.kind === "signature" ? caller.signature : undefined;
    const received = await readIntakeBody(req, deps.limits ?? INTAKE_LIMITS, {
      onChunk: signature ? (chunk) => signature.update(chunk) : undefined,
    });
    signature?.verify();
    const ip = caller.kind === "public" ? clientIp(req) : null;

    const object = received.kind === "json" ? received.value : formToObject(received.fields);
    const raw = sanitizeJson(object);
    // Cleaning must never turn one address into another: reject instead.
    const email = (object as { email?: unknown } | null)?.email;
    if (typeof email === "string" && email !== (raw as { email?: unknown }).email) {
      throw new HttpError(422, "Cannot accept ticket: email contains invalid characters", [
        { field: "email", problem: "contains invalid characters" },
      ]);
    }
    let fields = raw;
    if (raw !== null && typeof raw === "object" && !Array.isArray(raw) && HONEYPOT_FIELD in raw) {
      const { [HONEYPOT_FIELD]: trap, ...rest } = raw as Record<string, unknown>;
      if (trap !== null && !(typeof trap === "string" && trap.trim() === "")) {
        return await answerHoneypot(req, ip, rest, received);
      }
      fields = rest;
    }
    if (received.kind === "form") {
      const form = fields as Record<string, unknown>;
      form.channel ??= "web";
    }
    const body = validate(fields);
    // Unauthenticated posts next to configured keys come from a public web form.
    if (caller.kind === "public" && !caller.open) body.channel = "web";
    const message = normaliseIntake(body, received.kind === "form" ? received.attachments : []);
    // Nobody vouches for a public post's sender: a [#T-n] subject must not reach that ticket.
    if (caller.kind === "public") message.threadBySubject = false;
    const key = await intakeKey(message);
    let result: IntakeResult | RateLimited;
    try {
      result = await withRetries(() => deps.store.intake(key, message, { clientIp: ip }), {
        sleep: deps.sleep,
      });
    } catch (error) {
      if (!deps.store.deadLetter || isDatabaseUnavailable(error)) throw error;
      return await keepAsDeadLetter(message, key, error, deps.store.deadLetter);
    }
    if ("limitedBy" in result) {
      deps.log("rate limited", { limit: result.limitedBy, retry_after: result.retryAfterSeconds });
      throw rateLimitError(result);
    }
    const outcome = result.outcome ?? (result.duplicate ? "duplicate" : "created");
    deps.log(LOG_LINES[outcome], {
      ticket: result.ticketId,
      number: result.ticketNumber,
      channel: message.channel,
      caller: caller.kind,
      attachments: message.attachments.length,
    });
    return json({
      ticket_id: result.ticketId,
      ticket_number: result.ticketNumber,
      duplicate: result.duplicate,
      outcome,
      idempotency_key: key,
    }, { status: outcome === "created" ? 201 : 200 });
  }, deps.log);

  /** A message intake failed to store after its retries (not an outage): kept, answered 202. */
  async function keepAsDeadLetter(
    message: NormalisedMessage,
    key: string,
    error: unknown,
    deadLetter: NonNullable<TicketIntakeStore["deadLetter"]>,
  ): Promise<Response> {
    const cause = error instanceof Error ? error.message : String(error);
    const raw = new TextEncoder().encode(
      JSON.stringify({ idempotency_key: key, message: toIntakeJson(message) }),
    );
    const id = await withRetries(
      () =>
        deadLetter(message.channel, `intake failed after its retries: ${cause}`, raw, {
          source: "intake",
          subject: message.subject.slice(0, 200),
          email: message.email,
        }),
      { sleep: deps.sleep },
    );
    deps.log("intake failed: message kept as a dead letter", { dead_letter: id, error: cause });
    return json({ outcome: "dead_letter", dead_letter_id: id }, { status: 202 });
  }

  /** A decoy 201 for a filled honeypot: logged and rate-limited, nothing stored. */
  async function answerHoneypot(
    req: Request,
    ip: string | null,
    fields: Record<string, unknown>,
    received: ReceivedBody,
  ): Promise<Response> {
    const context = {
      email: typeof fields.email === "string" ? fields.email.slice(0, 255) : null,
      subject: typeof fields.subject === "string" ? fields.subject.slice(0, 200) : null,
      origin: req.headers.get("origin"),
      user_agent: req.headers.get("user-agent")?.slice(0, 300) ?? null,
      attachments: received.kind === "form" ? received.attachments.length : 0,
    };
    const result = await withRetries(() => deps.store.recordHoneypot({ clientIp: ip, context }), {
      sleep: deps.sleep,
    });
    if ("limitedBy" in result) throw rateLimitError(result);
    deps.log("honeypot filled: post dropped", { origin: context.origin });
    const decoy = await intakeKey({
      channel: "web",
      email: String(context.email ?? ""),
      name: null,
      subject: String(context.subject ?? ""),
      body: crypto.randomUUID(),
      attachments: [],
      metadata: {},
    });
    return json({
      ticket_id: crypto.randomUUID(),
      ticket_number: result.ticketNumber,
      duplicate: false,
      outcome: "created",
      idempotency_key: decoy,
    }, { status: 201 });
  }

  return async (req) => {
    const res = await handle(req);
    for (const [name, value] of Object.entries(corsHeaders(req, deps.corsOrigins ?? []))) {
      res.headers.set(name, value);
    }
    return res;
  };
}

/** CORS headers for a browser form on an allowed origin ("*" allows any); none otherwise. */
export function corsHeaders(req: Request, origins: string[]): Record<string, string> {
  const origin = req.headers.get("origin");
  if (origins.length === 0) return {};
  if (!origin || !(origins.includes("*") || origins.includes(origin))) return { "vary": "Origin" };
  return {
    "access-control-allow-origin": origins.includes("*") ? "*" : origin,
    "access-control-allow-methods": "POST, OPTIONS",
    "access-control-allow-headers":
      "content-type, x-api-key, authorization, x-ists-timestamp, x-ists-signature",
    "access-control-expose-headers": "retry-after",
    "access-control-max-age": "86400",
    "vary": "Origin",
  };
}
