import { z } from "zod";
import {
  HttpError,
  json,
  readJson,
  requireMethod,
  safeEqual,
  withErrors,
} from "../_shared/http.ts";
import type { TicketIntakeStore } from "../_shared/intake_store.ts";
import type { Log } from "../_shared/log.ts";
import {
  collapseWhitespace,
  idempotencyKey,
  normaliseBody,
  type NormalisedMessage,
  stripControls,
  subjectFromBody,
} from "../_shared/normalise.ts";

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 256 * 1024;

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

/** A plausible mailbox: one @, no leading/trailing/double dots, dotted domain, no label edges "-". */
export function isEmailAddress(email: string): boolean {
  if (!z.regexes.unicodeEmail.test(email)) return false;
  const [local, domain] = email.split("@");
  if (!local || !domain || local.startsWith(".") || local.endsWith(".") || local.includes("..")) {
    return false;
  }
  const labels = domain.split(".");
  return labels.length >= 2 && labels.every((l) => l.length > 0 && !/^-|-$/.test(l));
}

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

export type { IntakeResult, TicketIntakeStore } from "../_shared/intake_store.ts";

/** Everything the intake handler needs. */
export interface IntakeDeps {
  store: TicketIntakeStore;
  /** When non-empty, requests must carry one of these keys (x-api-key or bearer). */
  apiKeys: string[];
  /** Browser origins allowed to post (CORS); "*" allows any. */
  corsOrigins?: string[];
  log: Log;
}

/** Turns a validated body into the normalised message. */
export function normaliseIntake(body: IntakeBody): NormalisedMessage {
  const text = normaliseBody(body.body);
  const subject = collapseWhitespace(body.subject ?? "");
  return {
    channel: body.channel,
    email: body.email,
    name: body.name ? collapseWhitespace(body.name) : null,
    subject: subject || subjectFromBody(text),
    body: text,
    attachments: [],
    metadata: body.metadata ?? {},
  };
}

function requireApiKey(req: Request, keys: string[]): void {
  if (keys.length === 0) return;
  const bearer = /^Bearer\s+(\S+)$/i.exec(
    req.headers.get("authorization") ?? "",
  )?.[1];
  const given = req.headers.get("x-api-key") ?? bearer;
  if (!given) {
    throw new HttpError(401, "Cannot authorize: send an API key in x-api-key");
  }
  if (!keys.some((key) => safeEqual(key, given))) {
    throw new HttpError(401, "Cannot authorize: unknown API key");
  }
}

/** Builds the intake handler: validate, normalise, deduplicate, store. */
export function createIntakeHandler(
  deps: IntakeDeps,
): (req: Request) => Promise<Response> {
  const handle = withErrors(async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204 });
    requireMethod(req, ["POST", "OPTIONS"]);
    requireApiKey(req, deps.apiKeys);
    const received = await readJson(req, MAX_BODY_BYTES);
    const raw = sanitizeJson(received);
    // Cleaning must never turn one address into another: reject instead.
    const email = (received as { email?: unknown } | null)?.email;
    if (typeof email === "string" && email !== (raw as { email?: unknown }).email) {
      throw new HttpError(422, "Cannot accept ticket: email contains invalid characters", [
        { field: "email", problem: "contains invalid characters" },
      ]);
    }
    const parsed = IntakeBody.safeParse(raw);
    if (!parsed.success) {
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
    const message = normaliseIntake(parsed.data);
    const key = await idempotencyKey(message);
    const result = await deps.store.intake(key, message);
    deps.log(result.duplicate ? "duplicate received" : "ticket created", {
      ticket: result.ticketId,
      number: result.ticketNumber,
      channel: message.channel,
    });
    return json({
      ticket_id: result.ticketId,
      ticket_number: result.ticketNumber,
      duplicate: result.duplicate,
      idempotency_key: key,
    }, { status: result.duplicate ? 200 : 201 });
  }, deps.log);
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
    "access-control-allow-headers": "content-type, x-api-key, authorization",
    "access-control-max-age": "86400",
    "vary": "Origin",
  };
}
