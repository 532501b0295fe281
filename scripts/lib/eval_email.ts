/**
 * A light raw-email reader for evaluation only: header/body split, RFC 2047 subjects,
 * multipart walking, quoted-printable and base64 decoding, and HTML reduced to text.
 * The product's real parser lives elsewhere; this is just enough to feed subject + body text.
 */

/** Subject and body text of a raw RFC 822 message. */
export interface EmailText {
  subject: string;
  body: string;
}

interface Part {
  headers: Map<string, string>;
  body: string;
}

function splitPart(raw: string): Part {
  const text = raw.replace(/\r\n/g, "\n");
  const cut = text.search(/\n\n/);
  const head = cut < 0 ? text : text.slice(0, cut);
  const body = cut < 0 ? "" : text.slice(cut + 2);
  const headers = new Map<string, string>();
  // Unfold continuation lines, then read "Name: value".
  for (const line of head.replace(/\n[ \t]+/g, " ").split("\n")) {
    const m = line.match(/^([!-9;-~]+):\s*(.*)$/);
    if (m && !headers.has(m[1].toLowerCase())) headers.set(m[1].toLowerCase(), m[2].trim());
  }
  return { headers, body };
}

function bytesToText(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset || "utf-8").decode(bytes);
  } catch {
    return new TextDecoder("latin1").decode(bytes);
  }
}

/** Decodes quoted-printable text into bytes. */
export function decodeQuotedPrintable(s: string): Uint8Array {
  const joined = s.replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i];
    if (c === "=" && /^[0-9A-Fa-f]{2}$/.test(joined.slice(i + 1, i + 3))) {
      out.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = joined.charCodeAt(i);
      if (code < 0x80) out.push(code);
      else out.push(...new TextEncoder().encode(c));
    }
  }
  return Uint8Array.from(out);
}

/** Decodes base64 (ignoring whitespace and junk) into bytes. */
export function decodeBase64(s: string): Uint8Array {
  const clean = s.replace(/[^A-Za-z0-9+/]/g, "");
  const whole = clean.length % 4 === 1 ? clean.slice(0, -1) : clean;
  const padded = whole + "=".repeat((4 - (whole.length % 4)) % 4);
  try {
    const bin = atob(padded);
    return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** Decodes RFC 2047 encoded words (`=?utf-8?B?...?=`, `=?iso-8859-1?Q?...?=`). */
export function decodeHeader(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, enc: string, data) => {
      const bytes = enc.toUpperCase() === "B"
        ? decodeBase64(data)
        : decodeQuotedPrintable(data.replace(/_/g, " "));
      return bytesToText(bytes, charset.toLowerCase());
    });
}

/** Reduces HTML to readable text (tags dropped, common entities decoded). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, " ")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, "\n")
    .replace(/<a\s[^>]*href=["']?([^"' >]+)[^>]*>/gi, " $1 ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/&amp;/gi, "&")
    .replace(/&lt;/gi, "<")
    .replace(/&gt;/gi, ">")
    .replace(/&quot;/gi, '"')
    .replace(/&reg;/gi, "®")
    .replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d)))
    .replace(/[ \t]+/g, " ")
    .replace(/\n\s*\n+/g, "\n\n")
    .trim();
}

function param(header: string, name: string): string {
  const m = header.match(new RegExp(`${name}\\s*=\\s*("([^"]*)"|[^;\\s]+)`, "i"));
  return m ? (m[2] ?? m[1]) : "";
}

function decodeBody(part: Part): { text: string; html: boolean } {
  const type = (part.headers.get("content-type") ?? "text/plain").toLowerCase();
  const enc = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const charset = param(type, "charset").toLowerCase();
  let text = part.body;
  if (enc.includes("base64")) text = bytesToText(decodeBase64(text), charset);
  else if (enc.includes("quoted-printable")) {
    text = bytesToText(decodeQuotedPrintable(text), charset);
  }
  return { text, html: type.startsWith("text/html") };
}

function textOf(part: Part, depth: number): string {
  const type = part.headers.get("content-type") ?? "text/plain";
  if (/^multipart\//i.test(type) && depth < 5) {
    const boundary = param(type, "boundary");
    if (!boundary) return part.body;
    // Delimiters are whole lines: a nested boundary may start with the outer one.
    const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const body = part.body.replace(/\r\n/g, "\n").split(new RegExp(`^--${escaped}--`, "m"))[0];
    const pieces = body.split(new RegExp(`^--${escaped}[ \t]*$`, "m")).slice(1)
      .map((p) => splitPart(p.replace(/^\n/, "")));
    const plain = pieces.find((p) => /^text\/plain/i.test(p.headers.get("content-type") ?? ""));
    if (plain && /alternative/i.test(type)) {
      const text = decodeBody(plain).text;
      if (text.trim()) return text;
    }
    const texts = pieces
      .filter((p) => /^(text|multipart)\//i.test(p.headers.get("content-type") ?? "text/plain"))
      .map((p) => textOf(p, depth + 1))
      .filter((t) => t.trim());
    return texts.join("\n\n");
  }
  if (!/^text\//i.test(type) && part.headers.has("content-type")) return "";
  const { text, html } = decodeBody(part);
  // Some senders omit the content type of HTML bodies: sniff them.
  return html || /^\s*(<!doctype html|<html|<body|<head|<table|<p>|<div)/i.test(text)
    ? htmlToText(text)
    : text;
}

/** Extracts the decoded subject and body text of a raw email (mbox "From " line allowed). */
export function emailText(raw: string): EmailText {
  const msg = splitPart(raw.replace(/^From [^\n]*\n/, ""));
  return {
    subject: decodeHeader(msg.headers.get("subject") ?? ""),
    body: textOf(msg, 0).trim(),
  };
}
