import { z } from "zod";
import { HttpError, json, readJson, safeEqual, withErrors } from "../_shared/http.ts";
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

/** True when a string anywhere in the value (keys included) holds a NUL character. */
function containsNul(value: unknown): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (Array.isArray(value)) return value.some(containsNul);
  if (value !== null && typeof value === "object") {
    return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v));
  }
  return false;
}

/** Body accepted by `POST /functions/v1/intake`. */
export const IntakeBody = z.object({
  email: z.string().trim().toLowerCase().pipe(
    z.email({ message: "must be an email address" }),
  )
    .refine((e) => e.length <= 255, "must be at most 255 characters"),
  name: z.string().trim().max(255).optional().nullable(),
  subject: z.string().max(998).optional().nullable(),
  body: z.string().refine(
    (b) => stripControls(b).trim().length > 0,
    "must not be empty",
  ).refine(
    (b) => b.length <= 100_000,
    "must be at most 100000 characters",
  ),
  channel: z.enum(["email", "slack", "api", "web"]).default("api"),
  metadata: z.record(z.string(), z.unknown()).optional()
    .refine(
      (m) => m === undefined || new TextEncoder().encode(JSON.stringify(m)).length <= 16_384,
      "must be at most 16 KB",
    )
    .refine((m) => m === undefined || !containsNul(m), "must not contain NUL characters"),
}).strict();
export type IntakeBody = z.infer<typeof IntakeBody>;

/** Result of storing a message. */
export interface IntakeResult {
  ticketId: string;
  ticketNumber: number;
  duplicate: boolean;
}

/** Storage port; the real one calls `app_private.intake_ticket(...)`. */
export interface TicketIntakeStore {
  intake(key: string, message: NormalisedMessage): Promise<IntakeResult>;
}

/** Everything the intake handler needs. */
export interface IntakeDeps {
  store: TicketIntakeStore;
  /** When non-empty, requests must carry one of these keys (x-api-key or bearer). */
  apiKeys: string[];
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
  return withErrors(async (req) => {
    if (req.method !== "POST") {
      throw new HttpError(
        405,
        `Cannot handle method "${req.method}": use POST`,
      );
    }
    requireApiKey(req, deps.apiKeys);
    const raw = await readJson(req, MAX_BODY_BYTES);
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
}
