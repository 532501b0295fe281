/**
 * Inbound e-mail to the normalised message: MIME parsed by postal-mime, every charset and
 * encoded word decoded, HTML-only and winmail.dat mails given a text body, quoted history and
 * signatures removed for analysis, attachments recorded (name, type, size, SHA-256), and
 * auto-replies, bulk mail, loops and bounces recognised. Bounded: a message larger than
 * MAX_PARSE_BYTES is parsed from its first MAX_PARSE_BYTES and marked truncated.
 */
import PostalMime, { type Address, decodeWords, type Email } from "postal-mime";
import {
  collapseWhitespace,
  isEmailAddress,
  normaliseBody,
  type NormalisedMessage,
} from "../normalise.ts";
import { type AutomatedVerdict, classifyAutomated, type OwnMail } from "./automated.ts";
import { cleanBody, decodeUndeclaredIso2022Jp, htmlToText } from "./text.ts";
import { isTnef, readTnef, rtfToText } from "./tnef.ts";

/** Bytes of a message that are parsed; the rest is counted, not read. */
export const MAX_PARSE_BYTES = 10 * 1024 * 1024;
/** Characters of the cleaned body kept for analysis (the ticket's body). */
export const MAX_ANALYSIS_CHARS = 20_000;
/** Characters of the full original text kept. */
export const MAX_ORIGINAL_CHARS = 200_000;
/** Characters of the subject kept (the line limit of RFC 5322, as intake allows). */
export const MAX_SUBJECT_CHARS = 998;

/** One attachment as recorded on the ticket. */
export interface AttachmentInfo {
  name: string;
  type: string;
  size: number;
  sha256: string;
  /** Shown inside the HTML body (e.g. a logo) rather than attached. */
  inline: boolean;
  /** Unpacked from a winmail.dat. */
  fromTnef?: boolean;
}

/** A parsed inbound e-mail. */
export interface ParsedEmail {
  messageId: string | null;
  /** In-Reply-To first, then References, newest first, without angle brackets. */
  references: string[];
  from: { name: string | null; address: string } | null;
  /** The address replies go to (Reply-To if given, else From): the customer. */
  replyTo: { name: string | null; address: string } | null;
  to: string[];
  subject: string;
  date: string | null;
  /** The full text (text part, else HTML converted, else winmail.dat's body). */
  text: string;
  /** Text for analysis: no quoted history or signature. */
  cleanText: string;
  /** Where the text came from. */
  textSource: "text" | "html" | "tnef" | "none";
  attachments: AttachmentInfo[];
  automated: AutomatedVerdict;
  /** Why the text is incomplete, if it is. */
  truncated: string | null;
  rawBytes: number;
}

/** Thrown when a message cannot be parsed at all; the caller keeps it as a dead letter. */
export class MailParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MailParseError";
  }
}

type Mailbox = { name: string | null; address: string };

/**
 * A usable address out of what a header gave: RFC 822 comments, angle brackets and a trailing
 * dot removed, lower case; null unless it is a plausible mailbox.
 */
export function cleanAddress(value: string | undefined | null): string | null {
  const address = (value ?? "").replace(/\([^()]*\)/g, "").replace(/^[\s<"']+|[\s>"'.]+$/g, "")
    .toLowerCase();
  return address.length <= 255 && isEmailAddress(address) ? address : null;
}

function displayName(text: string): string | null {
  return collapseWhitespace(decodeUndeclaredIso2022Jp(text)).replace(/^["']|["']$/g, "") || null;
}

function mailbox(address: Address | undefined): Mailbox | null {
  if (!address) return null;
  const box = address.address !== undefined ? address : address.group?.[0];
  const email = cleanAddress(box?.address);
  if (!box || !email) return null;
  return { name: displayName(box.name ?? ""), address: email };
}

/**
 * Reads "Name <address>" from a raw header when the address parser gave nothing usable
 * (e.g. an encoded-word display name that contains a comma).
 */
function mailboxFromHeader(value: string | undefined): Mailbox | null {
  if (!value) return null;
  const text = value.trim();
  const angle = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  // An address in angle brackets that is not a mailbox ("<power quadrant system@example.com>")
  // has no usable part: a fragment of it would be somebody else's address.
  if (!angle && /<[^<>]*@[^<>]*>/.test(text)) return null;
  const address = cleanAddress(angle?.[1] ?? /[^\s<>,;:"]+@[^\s<>,;:"]+/.exec(text)?.[0]);
  if (!address) return null;
  const display = angle ? text.slice(0, text.lastIndexOf("<")) : "";
  return { name: displayName(decodeWords(display)), address };
}

function firstOf<T>(values: Array<T | null>): T | null {
  return values.find((v) => v !== null) ?? null;
}

function messageIds(value: string | undefined): string[] {
  return [...(value ?? "").matchAll(/<([^<>\s]+)>/g)].map((m) => m[1]).concat(
    /</.test(value ?? "") ? [] : (value ?? "").split(/\s+/).filter((v) => v.includes("@")),
  );
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function bytesOf(content: ArrayBuffer | Uint8Array | string): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  return content instanceof Uint8Array ? content : new Uint8Array(content);
}

/** Cuts a raw message to MAX_PARSE_BYTES at a line end. */
function bounded(raw: Uint8Array): { bytes: Uint8Array; truncated: boolean } {
  if (raw.length <= MAX_PARSE_BYTES) return { bytes: raw, truncated: false };
  let end = MAX_PARSE_BYTES;
  while (end > MAX_PARSE_BYTES - 4096 && raw[end - 1] !== 0x0a) end--;
  return { bytes: raw.subarray(0, end), truncated: true };
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * Undeclared 8-bit text that is neither UTF-8 nor likely Shift_JIS (old mailers write Latin-1
 * raw) read as windows-1252: the header block, and a text body (not multipart) that declares no charset.
 */
function undeclared8bitToUtf8(raw: Uint8Array): Uint8Array {
  if (isUtf8(raw)) return raw;
  let end = 0;
  while (
    end < raw.length && !(raw[end] === 0x0a && (raw[end + 1] === 0x0a ||
      (raw[end + 1] === 0x0d && raw[end + 2] === 0x0a)))
  ) end++;
  const head = raw.subarray(0, end);
  const headText = new TextDecoder("windows-1252").decode(head);
  const body = raw.subarray(end);
  const undeclaredText = !/^content-type:\s*(?!text\/)/im.test(headText) &&
    !/charset\s*=/i.test(headText);
  const encoder = new TextEncoder();
  // Bytes 0x80-0x9F are rare in Latin-1 text and common in Shift_JIS: those are left alone.
  const latin1 = (bytes: Uint8Array) => !isUtf8(bytes) && !bytes.some((b) => b >= 0x80 && b < 0xa0);
  return bytesConcat(
    latin1(head) ? encoder.encode(headText) : head,
    undeclaredText && latin1(body)
      ? encoder.encode(new TextDecoder("windows-1252").decode(body))
      : body,
  );
}

function bytesConcat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** What the caller knows about a message it could only read in part. */
export interface PartialRead {
  /** The size of the whole message when raw is only its first part. */
  totalBytes?: number;
  /** Other parts left out (e.g. attachments recorded by hash only). */
  notes?: string[];
}

/** Parses one raw RFC 822 message (or its first part, see PartialRead). */
export async function parseEmail(
  raw: Uint8Array | string,
  own: OwnMail = { domains: [], addresses: [] },
  partial: PartialRead = {},
): Promise<ParsedEmail> {
  const input = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
  if (input.length === 0) throw new MailParseError("the message is empty");
  const { bytes, truncated: cut } = bounded(input);
  let email: Email;
  try {
    email = await PostalMime.parse(undeclared8bitToUtf8(bytes), {
      attachmentEncoding: "arraybuffer",
    });
  } catch (error) {
    throw new MailParseError(`cannot parse MIME: ${(error as Error).message}`);
  }
  if (email.headers.length === 0) throw new MailParseError("the message has no headers");

  const headers = new Map<string, string>();
  for (const { key, value } of email.headers) if (!headers.has(key)) headers.set(key, value);
  const all = (name: string) => email.headers.filter((h) => h.key === name).map((h) => h.value);

  // Text: the plain part, else the HTML converted, else winmail.dat.
  let text = decodeUndeclaredIso2022Jp(email.text ?? "");
  let textSource: ParsedEmail["textSource"] = text.trim() ? "text" : "none";
  if (!text.trim() && email.html?.trim()) {
    text = htmlToText(email.html);
    textSource = text.trim() ? "html" : "none";
  }

  const attachments: AttachmentInfo[] = [];
  let deliveryStatus: string | null = null;
  let feedbackReport = false;
  for (const part of email.attachments) {
    const content = bytesOf(part.content);
    const type = part.mimeType.toLowerCase();
    if (type === "message/delivery-status" || type === "message/global-delivery-status") {
      deliveryStatus = new TextDecoder().decode(content);
      continue;
    }
    if (type === "message/feedback-report") {
      feedbackReport = true;
      continue;
    }
    if (isTnef(content) || type === "application/ms-tnef" || part.filename === "winmail.dat") {
      const tnef = readTnef(content);
      const tnefText = tnef.text ?? (tnef.html ? htmlToText(tnef.html) : null) ??
        (tnef.rtf ? rtfToText(tnef.rtf) : null);
      if (!text.trim() && tnefText?.trim()) {
        text = tnefText;
        textSource = "tnef";
      }
      for (const inner of tnef.attachments) {
        attachments.push({
          name: inner.name,
          type: inner.type ?? "application/octet-stream",
          size: inner.bytes.length,
          sha256: await sha256(inner.bytes),
          inline: false,
          fromTnef: true,
        });
      }
      if (tnef.attachments.length > 0 || tnefText) continue;
    }
    attachments.push({
      name: part.filename ?? `attachment-${attachments.length + 1}`,
      type,
      size: content.length,
      sha256: await sha256(content),
      inline: part.disposition === "inline" || part.related === true,
    });
  }

  // A spam tool may write two From lines, the first unusable: take the first usable one.
  // A delivery report whose delivery-status part is missing or broken (no MIME boundaries):
  // its fields are still in the raw text.
  if (
    deliveryStatus === null &&
    /report-type="?delivery-status/i.test(headers.get("content-type") ?? "")
  ) {
    const rawText = new TextDecoder("latin1").decode(bytes.subarray(0, 256 * 1024));
    const at = rawText.search(/^(Reporting-MTA|Final-Recipient|Original-Recipient):/im);
    if (at >= 0) deliveryStatus = rawText.slice(at);
  }

  const from = mailbox(email.from) ?? firstOf(all("from").map(mailboxFromHeader)) ??
    mailbox(email.sender) ?? mailboxFromHeader(headers.get("sender"));
  const replyTo = mailbox(email.replyTo?.[0]) ?? mailboxFromHeader(headers.get("reply-to")) ?? from;
  const fullSubject = collapseWhitespace(decodeUndeclaredIso2022Jp(email.subject ?? ""));
  const subject = fullSubject.slice(0, MAX_SUBJECT_CHARS);
  const messageId = messageIds(email.messageId)[0] ?? null;
  const references = [
    ...messageIds(email.inReplyTo),
    ...messageIds(email.references).reverse(),
  ].filter((id, i, all) => all.indexOf(id) === i);

  const full = normaliseBody(text);
  const reasons: string[] = [];
  const totalBytes = Math.max(input.length, partial.totalBytes ?? 0);
  if (cut || totalBytes > input.length) {
    reasons.push(
      `message of ${totalBytes} bytes: only its first ${bytes.length} bytes were read for analysis`,
    );
  }
  reasons.push(...(partial.notes ?? []));
  if (fullSubject.length > MAX_SUBJECT_CHARS) {
    reasons.push(`subject longer than ${MAX_SUBJECT_CHARS} characters`);
  }
  let original = full;
  if (original.length > MAX_ORIGINAL_CHARS) {
    original = original.slice(0, MAX_ORIGINAL_CHARS);
    reasons.push(`text longer than ${MAX_ORIGINAL_CHARS} characters`);
  }
  let clean = cleanBody(original);
  if (clean.length > MAX_ANALYSIS_CHARS) {
    clean = clean.slice(0, MAX_ANALYSIS_CHARS);
    reasons.push(`analysed text cut to ${MAX_ANALYSIS_CHARS} characters`);
  }

  const to = (email.to ?? []).map(mailbox).filter((m) => m !== null).map((m) => m.address);
  const automated = classifyAutomated({
    headers,
    fromAddress: from?.address ?? null,
    subject,
    messageId,
    deliveryStatus,
    feedbackReport,
    text: clean,
    toAddresses: to,
  }, own);
  // A bounce names the message that failed in its returned copy: that Message-ID is what
  // ties the bounce to mail we sent (intake marks an address undeliverable only then).
  if (automated.kind === "bounce") {
    for (const id of returnedMessageIds(bytes, messageId)) {
      if (!references.includes(id)) references.unshift(id);
    }
  }

  return {
    messageId,
    references,
    from,
    replyTo,
    to,
    subject,
    date: email.date ?? null,
    text: original,
    cleanText: clean,
    textSource,
    attachments,
    automated,
    truncated: reasons.length > 0 ? reasons.join("; ") : null,
    rawBytes: totalBytes,
  };
}

/**
 * Message-IDs in a bounce other than its own: the returned original's headers (in a
 * message/rfc822 or text/rfc822-headers part, or quoted in the text), at most five.
 */
function returnedMessageIds(raw: Uint8Array, own: string | null): string[] {
  const text = new TextDecoder("latin1").decode(raw.subarray(0, 2 * 1024 * 1024));
  const ids = [...text.matchAll(/^\s*Message-ID:\s*<([^<>\s]+)>/gim)].map((m) => m[1])
    .filter((id) => id !== own);
  return [...new Set(ids)].slice(0, 5);
}

/** Why a parsed e-mail cannot be taken in, or null when it can. Reports (bounces, abuse
 * reports) and our own mail coming back need no sender: they never become tickets. */
export function unusableReason(mail: ParsedEmail): string | null {
  const kind = mail.automated.kind;
  if (!mail.replyTo && kind !== "bounce" && kind !== "feedback_report" && kind !== "loop") {
    return "the message has no usable sender address (From/Reply-To)";
  }
  return null;
}

/**
 * The normalised message of a parsed e-mail. A mail without any text gets a placeholder
 * naming its attachments, so that it still becomes a ticket.
 */
export function emailToMessage(
  mail: ParsedEmail,
  channelMeta: Record<string, unknown> = {},
): NormalisedMessage {
  const sender = mail.replyTo ?? { name: null, address: "" };
  const names = mail.attachments.filter((a) => !a.inline).map((a) => a.name);
  const placeholder = names.length > 0
    ? `(no text; attachments: ${names.join(", ")})`
    : "(no text)";
  const body = mail.cleanText.trim() ? mail.cleanText : placeholder;
  const name = sender.name ?? (sender.address === mail.from?.address ? mail.from?.name : null) ??
    null;
  return {
    channel: "email",
    email: sender.address,
    name,
    subject: mail.subject || "(no subject)",
    body,
    bodyOriginal: mail.text.trim() && mail.text !== body ? mail.text : null,
    attachments: mail.attachments,
    metadata: {
      ...channelMeta,
      message_id: mail.messageId,
      from: mail.from?.address ?? null,
      to: mail.to,
      date: mail.date,
      text_source: mail.textSource,
      ...(mail.truncated ? { truncated: mail.truncated } : {}),
      ...(mail.automated.kind
        ? { automated: mail.automated.kind, automated_reason: mail.automated.reason }
        : {}),
    },
    messageId: mail.messageId,
    references: mail.references,
    automated: mail.automated.kind,
    automatedReason: mail.automated.reason,
    bounce: mail.automated.bounce,
  };
}
