/** A message from any channel in the one shape intake stores. */
export interface NormalisedMessage {
  channel: "email" | "slack" | "api" | "web";
  email: string;
  name: string | null;
  subject: string;
  body: string;
  attachments: unknown[];
  metadata: Record<string, unknown>;
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
