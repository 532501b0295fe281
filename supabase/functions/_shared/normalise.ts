import { z } from "zod";

/** A message from any channel in the one shape intake stores. */
export interface NormalisedMessage {
  channel: "email" | "slack" | "api" | "web";
  email: string;
  name: string | null;
  subject: string;
  /** The text analysed and shown first: quoted history, signature and HTML removed. */
  body: string;
  /** The full original text when it differs from body. */
  bodyOriginal?: string | null;
  attachments: unknown[];
  metadata: Record<string, unknown>;
  /** The channel's own id of this message (e-mail Message-ID, Slack "channel:ts"). */
  messageId?: string | null;
  /** More ids of the same delivery (a Slack event id), for deduplication. */
  extraIds?: string[];
  /** Ids of the messages this one answers (In-Reply-To/References, the Slack thread). */
  references?: string[];
  /** Set when a machine sent it (strong signals) or may have (weak cues: a flagged ticket). */
  automated?:
    | "auto_reply"
    | "possible_auto_reply"
    | "bulk"
    | "loop"
    | "bounce"
    | "feedback_report"
    | null;
  automatedReason?: string | null;
  bounce?: { recipients: string[]; permanent: boolean; status: string | null } | null;
  /**
   * False when the sender is not authenticated in any way (a public web form): a [#T-n]
   * subject reference then never threads the message onto that ticket. Default true.
   */
  threadBySubject?: boolean;
}

/** The JSON app_private.intake_message reads (snake_case keys). */
export function toIntakeJson(message: NormalisedMessage): Record<string, unknown> {
  return {
    channel: message.channel,
    email: message.email,
    name: message.name,
    subject: message.subject,
    body: message.body,
    body_original: message.bodyOriginal ?? null,
    attachments: message.attachments,
    metadata: message.metadata,
    message_id: message.messageId ?? null,
    extra_ids: message.extraIds ?? [],
    references: message.references ?? [],
    automated: message.automated ?? null,
    automated_reason: message.automatedReason ?? null,
    bounce: message.bounce ?? null,
    thread_by_subject: message.threadBySubject ?? true,
  };
}

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

/** Removes characters Postgres text cannot hold (NUL) and other C0 controls but tab and newlines. */
export function stripControls(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, "");
}

/** Collapses runs of whitespace and trims. */
export function collapseWhitespace(text: string): string {
  return stripControls(text).replace(/\s+/g, " ").trim();
}

/** Normalises body text: NFC, LF line endings, no trailing spaces, at most one blank line in a row. */
export function normaliseBody(text: string): string {
  return stripControls(text.normalize("NFC")).replace(/\r\n?/g, "\n").replace(
    /[ \t]+$/gm,
    "",
  )
    .replace(/\n{3,}/g, "\n\n").trim();
}

/** A subject for messages that have none: the body's first words. */
export function subjectFromBody(body: string): string {
  const text = collapseWhitespace(body);
  if (text.length <= 80) return text;
  const first = text.slice(0, 80);
  return `${text[80] === " " ? first : first.replace(/\s\S*$/, "")}…`;
}

/** SHA-256 hex of the normalised sender, subject and body: the deduplication key. */
export async function idempotencyKey(
  message: Pick<NormalisedMessage, "email" | "subject" | "body">,
): Promise<string> {
  const canonical = [
    message.email.trim().toLowerCase(),
    collapseWhitespace(message.subject).toLowerCase(),
    collapseWhitespace(message.body).toLowerCase(),
  ].join("\n");
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(canonical),
  );
  return Array.from(
    new Uint8Array(digest),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}
