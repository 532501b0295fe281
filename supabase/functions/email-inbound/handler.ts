/**
 * POST /functions/v1/email-inbound: one e-mail from an inbound-mail service or a mail server
 * (raw RFC 822, Postmark JSON, SendGrid or Mailgun form) becomes a ticket, a reply on its
 * ticket, a recorded auto-reply/bounce, or, when it cannot be parsed, a dead letter. Answers
 * 201 (ticket created), 200 (anything else stored), 202 (kept as a dead letter); 4xx for bad
 * requests, which change nothing; 503 while the database is unavailable, so the service retries.
 */
import {
  HttpError,
  json,
  readBytes,
  requireMethod,
  safeEqual,
  withErrors,
} from "../_shared/http.ts";
import type { TicketIntakeStore } from "../_shared/intake_store.ts";
import type { Log } from "../_shared/log.ts";
import type { OwnMail } from "../_shared/mail/automated.ts";
import {
  emailToMessage,
  MailParseError,
  parseEmail,
  unusableReason,
} from "../_shared/mail/parse.ts";
import { idempotencyKey } from "../_shared/normalise.ts";
import { withRetries } from "../_shared/retry.ts";
import { fromMailgun, fromPostmark, fromSendGrid } from "./providers.ts";

/** Largest request accepted (services post at most about 35 MB). */
export const MAX_REQUEST_BYTES = 40 * 1024 * 1024;
/** Mailgun signatures older than this are replays. */
const SIGNATURE_WINDOW_S = 300;

/** Everything the handler needs. */
export interface EmailInboundDeps {
  store: Required<TicketIntakeStore>;
  /** Shared secrets; one must come as bearer, basic-auth password, x-ists-webhook-secret or ?secret=. */
  secrets: string[];
  /** Mailgun's HTTP webhook signing key, when Mailgun posts here. */
  mailgunSigningKey?: string;
  own: OwnMail;
  log: Log;
  now?: () => number;
}

function givenSecret(req: Request): string | null {
  const auth = req.headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)$/i.exec(auth)?.[1];
  if (basic) {
    try {
      const decoded = atob(basic);
      return decoded.slice(decoded.indexOf(":") + 1);
    } catch {
      return null;
    }
  }
  return req.headers.get("x-ists-webhook-secret") ?? new URL(req.url).searchParams.get("secret");
}

async function hmacHex(key: string, data: string): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(data));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Checks Mailgun's timestamp/token/signature form fields. */
export async function mailgunSignatureValid(
  form: FormData,
  key: string,
  nowMs: number,
): Promise<boolean> {
  const timestamp = form.get("timestamp");
  const token = form.get("token");
  const signature = form.get("signature");
  if (typeof timestamp !== "string" || typeof token !== "string" || typeof signature !== "string") {
    return false;
  }
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) {
    return false;
  }
  return safeEqual(await hmacHex(key, timestamp + token), signature.toLowerCase());
}

function mediaType(req: Request): string {
  return (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

async function readForm(req: Request, body: Uint8Array): Promise<FormData> {
  try {
    return await new Request("http://local/", {
      method: "POST",
      headers: { "content-type": req.headers.get("content-type") ?? "" },
      body: body as Uint8Array<ArrayBuffer>,
    }).formData();
  } catch {
    throw new HttpError(400, "Cannot read body: it is not a valid form");
  }
}

/** The raw message inside a request, by content type and shape. */
async function rawMessageOf(
  req: Request,
  body: Uint8Array,
  form: FormData | null,
): Promise<Uint8Array> {
  const type = mediaType(req);
  if (["message/rfc822", "application/octet-stream", "text/plain"].includes(type)) return body;
  if (type === "application/json") {
    let value: unknown;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      throw new HttpError(400, "Cannot parse body: it is not valid UTF-8 JSON");
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new HttpError(422, "Cannot read mail: the JSON body must be an object");
    }
    const object = value as Record<string, unknown>;
    for (const field of ["raw", "email"]) {
      if (typeof object[field] === "string" && object[field]) {
        return new TextEncoder().encode(object[field] as string);
      }
    }
    if ("From" in object || "FromFull" in object || "RawEmail" in object) {
      return fromPostmark(object);
    }
    throw new HttpError(
      422,
      "Cannot read mail: send a raw message in a raw or email field, or Postmark's inbound JSON",
    );
  }
  if (form) {
    if (form.has("body-mime") || form.has("body-plain") || form.has("message-headers")) {
      return await fromMailgun(form);
    }
    if (form.has("email") || form.has("headers")) return await fromSendGrid(form);
    throw new HttpError(422, "Cannot read mail: the form is neither SendGrid's nor Mailgun's");
  }
  throw new HttpError(
    415,
    "Cannot read mail: send message/rfc822, application/json or a multipart/form-data form",
  );
}

/** Builds the email-inbound handler. */
export function createEmailInboundHandler(
  deps: EmailInboundDeps,
): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return withErrors(async (req) => {
    requireMethod(req, ["POST"]);
    if (deps.secrets.length === 0 && !deps.mailgunSigningKey) {
      throw new HttpError(
        503,
        "Cannot accept mail: email-inbound is not configured (set ISTS_EMAIL_WEBHOOK_SECRETS)",
      );
    }
    const given = givenSecret(req);
    const bySecret = given !== null && deps.secrets.some((s) => safeEqual(s, given));
    if (!bySecret && !deps.mailgunSigningKey) {
      throw new HttpError(401, "Cannot authorize: send the webhook secret");
    }
    const body = await readBytes(req, MAX_REQUEST_BYTES);
    const type = mediaType(req);
    const form = type === "multipart/form-data" || type === "application/x-www-form-urlencoded"
      ? await readForm(req, body)
      : null;
    if (!bySecret) {
      const signed = form !== null &&
        await mailgunSignatureValid(form, deps.mailgunSigningKey!, now());
      if (!signed) throw new HttpError(401, "Cannot authorize: bad or missing webhook signature");
    }
    if (body.length === 0) throw new HttpError(400, "Cannot read mail: the body is empty");
    const raw = await rawMessageOf(req, body, form);

    let reason: string | null = null;
    let parsed = null;
    try {
      parsed = await parseEmail(raw, deps.own);
      reason = unusableReason(parsed);
    } catch (error) {
      if (!(error instanceof MailParseError)) throw error;
      reason = error.message;
    }
    if (reason !== null || parsed === null) {
      const id = await withRetries(() =>
        deps.store.deadLetter("email", reason ?? "unparsable", raw, {
          source: "email-inbound",
          content_type: type,
          subject: parsed?.subject ?? null,
        })
      );
      deps.log("mail kept as dead letter", { dead_letter: id, reason });
      return json({ outcome: "dead_letter", dead_letter_id: id, reason }, { status: 202 });
    }
    const message = emailToMessage(parsed, { source: "email-inbound" });
    const key = await idempotencyKey(message);
    const result = await withRetries(() => deps.store.intake(key, message));
    deps.log(`mail ${result.outcome}`, {
      ticket: result.ticketId,
      number: result.ticketNumber,
      message_id: parsed.messageId,
      automated: parsed.automated.kind,
    });
    return json({
      outcome: result.outcome,
      ticket_id: result.ticketId,
      ticket_number: result.ticketNumber,
      duplicate: result.duplicate,
      automated: parsed.automated.kind,
      ...(parsed.truncated ? { truncated: parsed.truncated } : {}),
    }, { status: result.outcome === "created" ? 201 : 200 });
  }, deps.log);
}
