/**
 * The bodies inbound-mail services post, turned into one raw RFC 822 message so that every
 * e-mail goes through the same parser: a raw message (message/rfc822, or a `raw`/`email`/
 * `RawEmail`/`body-mime` field), Postmark's JSON, SendGrid's Inbound Parse form and Mailgun's
 * routes form. Services that already send the raw MIME are passed through unchanged.
 */
import { HttpError } from "../_shared/http.ts";

/** An attachment as a service posts it. */
export interface PostedAttachment {
  name: string;
  type: string;
  bytes: Uint8Array;
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

function fromBase64(text: string): Uint8Array {
  try {
    const binary = atob(text.replace(/\s+/g, ""));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new HttpError(422, "Cannot read attachment: its content is not base64");
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
export function fromPostmark(body: Record<string, unknown>): Uint8Array {
  if (typeof body.RawEmail === "string" && body.RawEmail.length > 0) {
    return encoder.encode(body.RawEmail);
  }
  const str = (v: unknown) => (typeof v === "string" ? v : null);
  const headers: Array<[string, string]> = [];
  const from = str(body.From);
  if (!from) throw new HttpError(422, "Cannot read Postmark mail: From is missing");
  headers.push(["From", from]);
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
  const attachments = (Array.isArray(body.Attachments) ? body.Attachments : []).map((a) => {
    if (a === null || typeof a !== "object") {
      throw new HttpError(422, "Cannot read Postmark mail: an attachment is not an object");
    }
    const item = a as Record<string, unknown>;
    return {
      name: str(item.Name) ?? "attachment",
      type: str(item.ContentType) ?? "application/octet-stream",
      bytes: fromBase64(str(item.Content) ?? ""),
    };
  });
  return buildRawMessage({
    headers,
    text: str(body.TextBody),
    html: str(body.HtmlBody),
    attachments,
  });
}

async function fileBytes(value: FormDataEntryValue): Promise<PostedAttachment | null> {
  if (typeof value === "string") return null;
  return {
    name: value.name || "attachment",
    type: value.type || "application/octet-stream",
    bytes: new Uint8Array(await value.arrayBuffer()),
  };
}

/** SendGrid Inbound Parse (raw mode: `email`; parsed mode: headers/text/html/attachmentN). */
export async function fromSendGrid(form: FormData): Promise<Uint8Array> {
  const raw = form.get("email");
  if (typeof raw === "string" && raw.length > 0) return encoder.encode(raw);
  const headerBlock = form.get("headers");
  if (typeof headerBlock !== "string") {
    throw new HttpError(422, "Cannot read SendGrid mail: neither email nor headers is present");
  }
  const attachments: PostedAttachment[] = [];
  for (const [key, value] of form.entries()) {
    if (/^attachment\d+$/.test(key)) {
      const file = await fileBytes(value);
      if (file) attachments.push(file);
    }
  }
  const text = form.get("text");
  const html = form.get("html");
  return buildRawMessage({
    headers: headerBlockToPairs(headerBlock),
    text: typeof text === "string" ? text : null,
    html: typeof html === "string" ? html : null,
    attachments,
  });
}

/** Mailgun routes (forward): body-mime when "raw MIME", else body-plain/body-html and headers. */
export async function fromMailgun(form: FormData): Promise<Uint8Array> {
  const raw = form.get("body-mime");
  if (typeof raw === "string" && raw.length > 0) return encoder.encode(raw);
  let headers: Array<[string, string]> = [];
  const json = form.get("message-headers");
  if (typeof json === "string") {
    try {
      const parsed = JSON.parse(json);
      if (Array.isArray(parsed)) {
        headers = parsed.filter((p) =>
          Array.isArray(p) && typeof p[0] === "string" && typeof p[1] === "string"
        ) as Array<[string, string]>;
      }
    } catch {
      throw new HttpError(422, "Cannot read Mailgun mail: message-headers is not JSON");
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
      if (typeof value === "string" && value) headers.push([name, value]);
    }
  }
  if (!headers.some(([n]) => n.toLowerCase() === "from")) {
    const sender = form.get("sender");
    if (typeof sender === "string" && sender) headers.push(["From", sender]);
  }
  const attachments: PostedAttachment[] = [];
  for (const [key, value] of form.entries()) {
    if (/^attachment-\d+$/.test(key)) {
      const file = await fileBytes(value);
      if (file) attachments.push(file);
    }
  }
  const text = form.get("body-plain");
  const html = form.get("body-html");
  return buildRawMessage({
    headers,
    text: typeof text === "string" ? text : null,
    html: typeof html === "string" ? html : null,
    attachments,
  });
}
