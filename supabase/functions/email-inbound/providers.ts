/**
 * The bodies inbound-mail services post, turned into one raw RFC 822 message so that every
 * e-mail goes through the same parser: a raw message (message/rfc822, or a `raw`/`email`/
 * `RawEmail`/`body-mime` field), Postmark's JSON, SendGrid's Inbound Parse form and Mailgun's
 * routes form. Services that already send the raw MIME are passed through unchanged.
 * Attachments too large to keep (see delivery.ts) are left out of the rebuilt message and
 * recorded beside it by size and SHA-256. A delivery that cannot be turned into a message
 * throws ProviderMailError: the caller keeps it as a dead letter.
 */
import type { AttachmentInfo } from "../_shared/mail/parse.ts";
import { type PostedForm, StreamedFile } from "./delivery.ts";

/** A provider's delivery that cannot become a message (kept as a dead letter). */
export class ProviderMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProviderMailError";
  }
}

/** An attachment as a service posts it. */
export interface PostedAttachment {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** A raw message rebuilt from a delivery, with the attachments it could not hold. */
export interface RebuiltMail {
  raw: Uint8Array;
  /** Attachments recorded by size and hash only (too large to keep). */
  extraAttachments: AttachmentInfo[];
  /** What was left out, for the ticket's truncation note. */
  notes: string[];
}

/** Splits streamed files into those rebuilt into the message and those only recorded. */
function placeFiles(
  files: Array<{ name: string; type: string; file: StreamedFile }>,
  provider: string,
): { attachments: PostedAttachment[]; extra: AttachmentInfo[]; notes: string[] } {
  const attachments: PostedAttachment[] = [];
  const extra: AttachmentInfo[] = [];
  const notes: string[] = [];
  for (const { name, type, file } of files) {
    if (file.error) {
      throw new ProviderMailError(
        `Cannot read ${provider} mail: attachment "${name}": ${file.error}`,
      );
    }
    if (file.bytes) attachments.push({ name, type, bytes: file.bytes });
    else {
      extra.push({ name, type, size: file.size, sha256: file.sha256, inline: false });
      notes.push(`attachment "${name}" of ${file.size} bytes recorded by size and SHA-256 only`);
    }
  }
  return { attachments, extra, notes };
}

function raw(bytes: Uint8Array): RebuiltMail {
  return { raw: bytes, extraAttachments: [], notes: [] };
}

/** The fields of an already-parsed mail, as services post them. */
export interface PostedMail {
  /** Header lines "Name: value" (raw, may be folded). */
  headers: Array<[string, string]>;
  text: string | null;
  html: string | null;
  attachments: PostedAttachment[];
}

const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/.{76}/g, "$&\r\n");
}

function fromBase64(text: string, name: string): Uint8Array {
  try {
    const binary = atob(text.replace(/\s+/g, ""));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new ProviderMailError(
      `Cannot read Postmark mail: attachment "${name}": its content is not base64`,
    );
  }
}

const structural = new Set([
  "content-type",
  "content-transfer-encoding",
  "mime-version",
  "content-disposition",
]);

/** Builds a raw MIME message from posted fields (headers kept, body re-encoded as UTF-8). */
export function buildRawMessage(mail: PostedMail): Uint8Array {
  const boundary = (n: number) => `=_ists_${n}_${crypto.randomUUID()}`;
  const lines: string[] = [];
  for (const [name, value] of mail.headers) {
    if (!/^[!-9;-~]+$/.test(name) || structural.has(name.toLowerCase())) continue;
    lines.push(`${name}: ${value.replace(/\r?\n(?![ \t])/g, "\r\n ")}`);
  }
  lines.push("MIME-Version: 1.0");
  const textPart = (type: string, body: string) =>
    [
      `Content-Type: ${type}; charset=utf-8`,
      "Content-Transfer-Encoding: base64",
      "",
      base64(encoder.encode(body)),
    ].join("\r\n");
  const bodies: string[] = [];
  if (mail.text !== null && mail.text !== "") bodies.push(textPart("text/plain", mail.text));
  if (mail.html !== null && mail.html !== "") bodies.push(textPart("text/html", mail.html));
  if (bodies.length === 0) bodies.push(textPart("text/plain", ""));
  const alternative = boundary(1);
  const body = bodies.length === 1 ? bodies[0] : [
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    "",
    ...bodies.map((b) => `--${alternative}\r\n${b}`),
    `--${alternative}--`,
  ].join("\r\n");
  if (mail.attachments.length === 0) {
    return encoder.encode(`${lines.join("\r\n")}\r\n${body}\r\n`);
  }
  const mixed = boundary(2);
  const parts = mail.attachments.map((a) => {
    const name = a.name.replace(/["\\\r\n]/g, "_");
    return [
      `Content-Type: ${a.type || "application/octet-stream"}; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      "Content-Transfer-Encoding: base64",
      "",
      base64(a.bytes),
    ].join("\r\n");
  });
  return encoder.encode(
    [
      ...lines,
      `Content-Type: multipart/mixed; boundary="${mixed}"`,
      "",
      `--${mixed}`,
      body,
      ...parts.map((p) => `--${mixed}\r\n${p}`),
      `--${mixed}--`,
      "",
    ].join("\r\n"),
  );
}

/** Header lines of a raw header block ("Name: value" lines, folded lines joined). */
export function headerBlockToPairs(block: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const line of block.replace(/\r\n?/g, "\n").replace(/\n[ \t]+/g, " ").split("\n")) {
    const m = /^([!-9;-~]+):\s*(.*)$/.exec(line);
    if (m) pairs.push([m[1], m[2]]);
  }
  return pairs;
}

/** Postmark's inbound JSON (RawEmail when "include raw email content" is on). */
export function fromPostmark(body: Record<string, unknown>): RebuiltMail {
  if (typeof body.RawEmail === "string" && body.RawEmail.length > 0) {
    return raw(encoder.encode(body.RawEmail));
  }
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const headers: Array<[string, string]> = [];
  // Without From the message still gets built: the parser finds no sender and it becomes a
  // dead letter with its payload, like any raw mail without one.
  const from = str(body.From);
  if (from) headers.push(["From", from]);
  for (
    const [field, name] of [["To", "To"], ["Cc", "Cc"], ["ReplyTo", "Reply-To"], [
      "Subject",
      "Subject",
    ], ["Date", "Date"]] as const
  ) {
    const value = str(body[field]);
    if (value) headers.push([name, value]);
  }
  const known = new Set(headers.map(([n]) => n.toLowerCase()));
  for (const h of Array.isArray(body.Headers) ? body.Headers : []) {
    const name = str((h as Record<string, unknown>)?.Name);
    const value = str((h as Record<string, unknown>)?.Value);
    if (name && value !== null && !known.has(name.toLowerCase())) headers.push([name, value]);
  }
  const messageId = str(body.MessageID);
  if (messageId && !headers.some(([n]) => n.toLowerCase() === "message-id")) {
    headers.push(["Message-ID", messageId.startsWith("<") ? messageId : `<${messageId}>`]);
  }
  const files = (Array.isArray(body.Attachments) ? body.Attachments : []).map((a, i) => {
    if (a === null || typeof a !== "object" || Array.isArray(a)) {
      throw new ProviderMailError(
        `Cannot read Postmark mail: attachment ${i + 1} is not an object`,
      );
    }
    const item = a as Record<string, unknown>;
    const name = str(item.Name) ?? "attachment";
    const type = str(item.ContentType) ?? "application/octet-stream";
    const content = item.Content;
    if (content instanceof StreamedFile) return { name, type, file: content };
    const bytes = fromBase64(str(content) ?? "", name);
    return { name, type, file: new StreamedFile(bytes.length, "", bytes) };
  });
  const { attachments, extra, notes } = placeFiles(files, "Postmark");
  return {
    raw: buildRawMessage({
      headers,
      text: str(body.TextBody),
      html: str(body.HtmlBody),
      attachments,
    }),
    extraAttachments: extra,
    notes,
  };
}

function formFiles(
  form: PostedForm,
  field: RegExp,
): Array<{ name: string; type: string; file: StreamedFile }> {
  return form.files.filter((f) => field.test(f.field)).map(({ file }) => ({
    name: file.name,
    type: file.type,
    file,
  }));
}

/** SendGrid Inbound Parse (raw mode: `email`; parsed mode: headers/text/html/attachmentN). */
export function fromSendGrid(form: PostedForm): RebuiltMail {
  const rawField = form.bytes("email");
  if (rawField && rawField.length > 0) return raw(rawField);
  const headerBlock = form.get("headers");
  if (headerBlock === null) {
    throw new ProviderMailError("Cannot read SendGrid mail: neither email nor headers is present");
  }
  const { attachments, extra, notes } = placeFiles(formFiles(form, /^attachment\d+$/), "SendGrid");
  return {
    raw: buildRawMessage({
      headers: headerBlockToPairs(headerBlock),
      text: form.get("text"),
      html: form.get("html"),
      attachments,
    }),
    extraAttachments: extra,
    notes,
  };
}

/** Mailgun routes (forward): body-mime when "raw MIME", else body-plain/body-html and headers. */
export function fromMailgun(form: PostedForm): RebuiltMail {
  const rawField = form.bytes("body-mime");
  if (rawField && rawField.length > 0) return raw(rawField);
  let headers: Array<[string, string]> = [];
  const json = form.get("message-headers");
  if (json !== null) {
    try {
      const parsed = JSON.parse(json);
      if (Array.isArray(parsed)) {
        headers = parsed.filter((p) =>
          Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "string"
        ) as Array<[string, string]>;
      }
    } catch {
      throw new ProviderMailError("Cannot read Mailgun mail: message-headers is not JSON");
    }
  }
  if (headers.length === 0) {
    for (
      const [field, name] of [
        ["from", "From"],
        ["To", "To"],
        ["subject", "Subject"],
        [
          "Message-Id",
          "Message-ID",
        ],
        ["In-Reply-To", "In-Reply-To"],
        ["References", "References"],
      ] as const
    ) {
      const value = form.get(field);
      if (value) headers.push([name, value]);
    }
  }
  if (!headers.some(([n]) => n.toLowerCase() === "from")) {
    const sender = form.get("sender");
    if (sender) headers.push(["From", sender]);
  }
  const { attachments, extra, notes } = placeFiles(formFiles(form, /^attachment-\d+$/), "Mailgun");
  return {
    raw: buildRawMessage({
      headers,
      text: form.get("body-plain"),
      html: form.get("body-html"),
      attachments,
    }),
    extraAttachments: extra,
    notes,
  };
}
