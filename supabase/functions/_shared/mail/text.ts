/**
 * Text helpers for inbound mail: HTML to text, undeclared ISO-2022-JP, and the clean body for
 * analysis (quoted history and signatures removed).
 */
import { convert } from "html-to-text";

/** Plain text of an HTML body: links kept as "text [url]", images and scripts dropped. */
export function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    preserveNewlines: false,
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "style", format: "skip" },
      { selector: "script", format: "skip" },
      { selector: "head", format: "skip" },
      { selector: "a", options: { hideLinkHrefIfSameAsText: true, ignoreHref: false } },
      { selector: "h1", options: { uppercase: false } },
      { selector: "h2", options: { uppercase: false } },
      { selector: "h3", options: { uppercase: false } },
    ],
  }).replace(/\n{3,}/g, "\n\n").trim();
}

// deno-lint-ignore no-control-regex
const iso2022Escape = /\x1b[$(][@BJ]/;

/**
 * Decodes ISO-2022-JP text that arrived undecoded (a part or header without a declared
 * charset): its escape sequences survive as characters, so re-read the 7-bit bytes.
 */
export function decodeUndeclaredIso2022Jp(text: string): string {
  if (!iso2022Escape.test(text)) return text;
  // deno-lint-ignore no-control-regex
  if (/[^\x00-\x7f]/.test(text)) return text;
  try {
    return new TextDecoder("iso-2022-jp").decode(new TextEncoder().encode(text));
  } catch {
    return text;
  }
}

// "On Mon, 3 Dec 2026 at 10:00, Jane <jane@example.com> wrote:" in the common mail clients'
// languages, possibly wrapped over two lines.
const attributionLine = new RegExp(
  [
    String
      .raw`^(on|am|le|el|il|op|em|den|på|w dniu)\b.{0,200}\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev|napisał)\s*:?\s*$`,
    String
      .raw`^.{0,120}\b(wrote|schrieb|a écrit|escribió|ha scritto|schreef|escreveu|skrev)\s*:\s*$`,
    String
      .raw`^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht)\s*-{2,}\s*$`,
    String.raw`^_{10,}\s*$`,
  ].join("|"),
  "i",
);
// An Outlook header block: "From: …" followed within a few lines by "Sent:"/"Date:" and "To:"/"Subject:".
const outlookFrom = /^\*?(from|von|de|da|van)\s*:\*?\s+\S/i;
const outlookNext =
  /^\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|to|an|à|para|a|subject|betreff|objet|asunto|oggetto|onderwerp)\s*:/i;
const signatureStart = [
  /^-- ?$/, // RFC 3676 signature delimiter
  /^(sent from my|gesendet von meinem|envoyé de mon|enviado desde mi|inviato da)\b/i,
  /^get outlook for (ios|android)/i,
];

/**
 * The part of a message body worth analysing: the text above the quoted history (">" lines,
 * "On … wrote:", Outlook header blocks, "Original Message" separators) and above the
 * signature. Returns the full text when cleaning would leave nothing.
 */
export function cleanBody(text: string): string {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const twoLines = i + 1 < lines.length ? `${line} ${lines[i + 1].trim()}` : line;
    if (
      attributionLine.test(line) ||
      (/^(on|am|le|el)\b/i.test(line) && attributionLine.test(twoLines))
    ) {
      end = i;
      break;
    }
    if (outlookFrom.test(line)) {
      const next = lines.slice(i + 1, i + 5).filter((l) => outlookNext.test(l.trim()));
      if (next.length >= 2) {
        end = i;
        break;
      }
    }
    if (signatureStart.some((re) => re.test(line)) && i > 0) {
      end = i;
      break;
    }
    // A run of quoted lines that lasts to the end (top-posting with the quote below).
    if (
      line.startsWith(">") &&
      lines.slice(i).every((l) => l.trim() === "" || l.trim().startsWith(">"))
    ) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end)
    // Interleaved quotes (inline replies) are dropped line by line.
    .filter((l) => !l.trimStart().startsWith(">"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return kept.length > 0 ? kept : text.trim();
}
