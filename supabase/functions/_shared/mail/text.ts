/**
 * Text helpers for inbound mail: HTML to text, undeclared ISO-2022-JP, and the clean body for
 * analysis (quoted history and signatures removed).
 */
import { convert } from "html-to-text";

// The few parts of html-to-text's formatter interface used here (the package has no types).
interface Builder {
  openBlock(options: { leadingLineBreaks: number }): void;
  closeBlock(options: { trailingLineBreaks: number }): void;
  addInline(text: string): void;
}
type FormatCallback = (
  elem: { children: unknown[] },
  walk: (nodes: unknown[], builder: Builder) => void,
  builder: Builder,
) => void;

// Table rows become lines and cells stay apart by a space (html-to-text's default runs the
// cells of a layout table together: "Von:Martin <m@example.com>AnEike…").
const tableRow: FormatCallback = (elem, walk, builder) => {
  builder.openBlock({ leadingLineBreaks: 1 });
  walk(elem.children, builder);
  builder.closeBlock({ trailingLineBreaks: 1 });
};
const tableCell: FormatCallback = (elem, walk, builder) => {
  walk(elem.children, builder);
  builder.addInline(" ");
};

/**
 * Plain text of an HTML body: links kept as "text [url]", images and scripts dropped, table
 * rows on their own lines.
 */
export function htmlToText(html: string): string {
  // Text after "</html>" (two messages glued together) is shown by mail clients; keep it.
  return convert(html.replace(/<\/(body|html)\s*>/gi, ""), {
    wordwrap: false,
    preserveNewlines: false,
    formatters: { tableRow, tableCell },
    selectors: [
      {
        selector: "table",
        format: "block",
        options: { leadingLineBreaks: 1, trailingLineBreaks: 1 },
      },
      { selector: "tr", format: "tableRow" },
      { selector: "td", format: "tableCell" },
      { selector: "th", format: "tableCell" },
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
    // Thunderbird in German: "Am 07.05.2012 08:10, schrieb Martin Edenhofer:".
    String.raw`^(am|on)\b.{0,120},\s*(schrieb|wrote)\b.{0,200}:\s*$`,
    String
      .raw`^-{2,}\s*(original message|ursprüngliche nachricht|original nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|forwarded message|weitergeleitete nachricht)\s*-{2,}\s*$`,
    String.raw`^_{10,}\s*$`,
    // Lotus Notes: "Martin Edenhofer via Znuny Team --- Installation [Ticket#11392] ---".
    String.raw`^\S.{0,120}\s-{3}\s.{1,200}\s-{3}\s*$`,
  ].join("|"),
  "i",
);
// An Outlook header block: "From: …" followed within a few lines by "Sent:"/"Date:" and "To:"/"Subject:".
const outlookFrom = /^\*?(from|von|de|da|van)\s*:\*?\s+\S/i;
const outlookNext =
  /^\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|to|an|à|para|a|subject|betreff|objet|asunto|oggetto|onderwerp)\s*:/i;
// Lotus Notes writes some header names without a colon ("An eike@example.com").
const notesNext = /^(an|betreff|kopie|cc)\s+\S/i;
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
  const dropped = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const twoLines = i + 1 < lines.length ? `${line} ${lines[i + 1].trim()}` : line;
    const attribution = attributionLine.test(line);
    if (attribution || (/^(on|am|le|el)\b/i.test(line) && attributionLine.test(twoLines))) {
      // Bottom-posting: "On … wrote:", the quote, then the answer below it. Drop the
      // attribution (the quote goes line by line below) and keep reading.
      const rest = lines.slice(i + (attribution ? 1 : 2));
      const firstText = rest.findIndex((l) => l.trim() !== "");
      const afterQuote = rest.findIndex((l, j) =>
        j > firstText && l.trim() !== "" && !l.trimStart().startsWith(">")
      );
      if (firstText >= 0 && rest[firstText].trimStart().startsWith(">") && afterQuote >= 0) {
        dropped.add(i);
        if (!attribution) dropped.add(i + 1);
        continue;
      }
      end = i;
      break;
    }
    if (outlookFrom.test(line)) {
      const next = lines.slice(i + 1, i + 5).filter((l) =>
        outlookNext.test(l.trim()) || notesNext.test(l.trim())
      );
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
    .filter((l, i) => !dropped.has(i) && !l.trimStart().startsWith(">"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  return kept.length > 0 ? kept : text.trim();
}
