/**
 * POST /functions/v1/email-inbound: one e-mail from an inbound-mail service or a mail server
 * (raw RFC 822, Postmark JSON, SendGrid or Mailgun form) becomes a ticket, a reply on its
 * ticket, a recorded auto-reply/bounce, or, when it cannot be parsed, a dead letter. Answers
 * 201 (ticket created), 200 (anything else stored), 202 (kept as a dead letter); 4xx for bad
 * requests, which change nothing; 503 while the database is unavailable, so the service retries.
 *
 * The body is read as it streams (delivery.ts), so mail of any size is taken in within bounded
 * memory: a large one becomes a ticket from its first part, with the truncation noted. There
 * is no size limit of our own; the platform's 150 s request timeout is the only bound.
 */
import {
  HttpError,
  isDatabaseUnavailable,
  json,
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
import { type Delivery, type PostedForm, readDelivery } from "./delivery.ts";
import {
  fromMailgun,
  fromPostmark,
  fromSendGrid,
  ProviderMailError,
  type RebuiltMail,
} from "./providers.ts";

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
  /** Sleep between retries of transient database failures (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
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
  form: Pick<PostedForm, "get">,
  key: string,
  nowMs: number,
): Promise<boolean> {
  const timestamp = form.get("timestamp");
  const token = form.get("token");
  const signature = form.get("signature");
  if (timestamp === null || token === null || signature === null) return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) {
    return false;
  }
  return safeEqual(await hmacHex(key, timestamp + token), signature.toLowerCase());
}

/** Fields of Postmark's inbound JSON, any of which marks it (From may be missing). */
const POSTMARK_FIELDS = [
  "From",
  "FromFull",
  "FromName",
  "RawEmail",
  "TextBody",
  "HtmlBody",
  "MessageID",
  "OriginalRecipient",
  "MessageStream",
];

/** The message inside a delivery, by its shape; 4xx for a body that is no mail at all. */
function mailOf(delivery: Delivery): RebuiltMail {
  const body = delivery.body;
  if (body.kind === "raw") return { raw: body.bytes, extraAttachments: [], notes: [] };
  if (body.kind === "json") {
    const value = body.value;
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new HttpError(422, "Cannot read mail: the JSON body must be an object");
    }
    const object = value as Record<string, unknown>;
    for (const field of ["raw", "email"]) {
      if (typeof object[field] === "string" && object[field]) {
        return {
          raw: new TextEncoder().encode(object[field] as string),
          extraAttachments: [],
          notes: [],
        };
      }
    }
    if (POSTMARK_FIELDS.some((field) => field in object)) return fromPostmark(object);
    throw new HttpError(
      422,
      "Cannot read mail: send a raw message in a raw or email field, or Postmark's inbound JSON",
    );
  }
  const form = body.form;
  if (form.has("body-mime") || form.has("body-plain") || form.has("message-headers")) {
    return fromMailgun(form);
  }
  if (form.has("email") || form.has("headers")) return fromSendGrid(form);
  throw new HttpError(422, "Cannot read mail: the form is neither SendGrid's nor Mailgun's");
}

/** Builds the email-inbound handler. */
export function createEmailInboundHandler(
  deps: EmailInboundDeps,
): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  const retry = <T>(fn: () => Promise<T>) => withRetries(fn, { sleep: deps.sleep });
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
      await req.body?.cancel();
      throw new HttpError(401, "Cannot authorize: send the webhook secret");
    }
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    const delivery = await readDelivery(req);
    if (!bySecret) {
      const signed = delivery.body.kind === "form" &&
        await mailgunSignatureValid(delivery.body.form, deps.mailgunSigningKey!, now());
      if (!signed) throw new HttpError(401, "Cannot authorize: bad or missing webhook signature");
    }
    if (delivery.totalBytes === 0) throw new HttpError(400, "Cannot read mail: the body is empty");

    // An authenticated delivery is never refused once it looks like mail: what cannot become
    // a ticket is kept, with the payload as received, and acknowledged.
    const keep = async (reason: string, subject: string | null) => {
      const id = await retry(() =>
        deps.store.deadLetter("email", reason, delivery.head, {
          source: "email-inbound",
          content_type: type,
          subject,
          total_bytes: delivery.totalBytes,
          ...(delivery.head.length < delivery.totalBytes ? { raw_truncated: true } : {}),
        })
      );
      deps.log("mail kept as dead letter", { dead_letter: id, reason });
      return json({ outcome: "dead_letter", dead_letter_id: id, reason }, { status: 202 });
    };

    let mail: RebuiltMail;
    try {
      mail = mailOf(delivery);
    } catch (error) {
      if (error instanceof ProviderMailError) return await keep(error.message, null);
      throw error;
    }
    const totalBytes = delivery.body.kind === "raw" ? delivery.totalBytes : undefined;
    const notes = [...mail.notes, ...delivery.cut.map((c) => `field ${c} kept`)];
    let reason: string | null = null;
    let parsed = null;
    try {
      parsed = await parseEmail(mail.raw, deps.own, { totalBytes, notes });
      parsed.attachments.push(...mail.extraAttachments);
      reason = unusableReason(parsed);
    } catch (error) {
      if (!(error instanceof MailParseError)) throw error;
      reason = error.message;
    }
    if (reason !== null || parsed === null) {
      return await keep(reason ?? "unparsable", parsed?.subject ?? null);
    }
    const message = emailToMessage(parsed, { source: "email-inbound" });
    const key = await idempotencyKey(message);
    let result;
    try {
      result = await retry(() => deps.store.intake(key, message));
    } catch (error) {
      // Unreachable database: 503, the service delivers again. Anything else after the
      // retries: the mail is kept rather than refused.
      if (isDatabaseUnavailable(error) || error instanceof HttpError) throw error;
      const cause = error instanceof Error ? error.message : String(error);
      return await keep(`intake failed after its retries: ${cause}`, parsed.subject);
    }
    deps.log(`mail ${result.outcome}`, {
      ticket: result.ticketId,
      number: result.ticketNumber,
      message_id: parsed.messageId,
      automated: parsed.automated.kind,
      bytes: delivery.totalBytes,
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
