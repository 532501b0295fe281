/**
 * multipart/form-data (RFC 7578) read as it streams: a push parser that hands each part's
 * content to a sink, so files are hashed or measured on the fly and never held whole. Used by
 * the intake form and by the inbound-mail webhook (SendGrid, Mailgun).
 */
import { HttpError } from "./http.ts";
import { stripControls } from "./normalise.ts";

const MAX_PART_HEADER_BYTES = 8 * 1024;

function concat(parts: Uint8Array[], size = parts.reduce((n, p) => n + p.byteLength, 0)) {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** First index of needle in haystack at or after `from`, or -1. */
function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0];
  const last = haystack.length - needle.length;
  outer: for (
    let i = haystack.indexOf(first, from);
    i !== -1 && i <= last;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) {
      if (haystack[i + j] !== needle[j]) continue outer;
    }
    return i;
  }
  return -1;
}

/** The headers of one multipart part that matter here. */
export interface PartHeaders {
  name: string;
  filename?: string;
  type?: string;
}

/** Parses the header block of a multipart part (Content-Disposition and Content-Type). */
export function parsePartHeaders(block: string): PartHeaders {
  let disposition = "";
  let type: string | undefined;
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "content-disposition") disposition = value;
    if (name === "content-type") type = value;
  }
  if (!/^form-data\s*(;|$)/i.test(disposition)) {
    throw new HttpError(
      400,
      "Cannot parse body: a multipart part has no Content-Disposition: form-data",
    );
  }
  const param = (key: string) => {
    const m = new RegExp(`;\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i")
      .exec(disposition);
    return m ? (m[1] ?? m[2]).replaceAll(`\\"`, `"`) : undefined;
  };
  const name = param("name");
  if (name === undefined) {
    throw new HttpError(400, "Cannot parse body: a multipart part has no field name");
  }
  let filename = param("filename");
  const extended = param("filename\\*");
  if (extended !== undefined) {
    const m = /^utf-8'[^']*'(.*)$/i.exec(extended);
    if (m) {
      try {
        filename = decodeURIComponent(m[1]);
      } catch { /* keep the plain filename */ }
    }
  }
  return { name, filename, type };
}

/** A safe display name for an uploaded file: no path, no control characters, at most 255. */
export function cleanFileName(name: string): string {
  const base = stripControls(name.normalize("NFC").toWellFormed()).split(/[\\/]/).pop() ?? "";
  const trimmed = base.trim();
  return trimmed === "" ? "attachment" : Array.from(trimmed).slice(0, 255).join("");
}

/** A media type as the client declared it, or application/octet-stream when malformed. */
export function cleanMediaType(type: string | undefined): string {
  const bare = (type ?? "").split(";")[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(bare)
    ? bare
    : "application/octet-stream";
}

/** Receives one part's content. */
export interface PartSink {
  write(bytes: Uint8Array): void;
  end(): void;
}

/**
 * A push parser for multipart/form-data (RFC 7578): feed it chunks, it calls startPart for
 * each part and streams the part's content into the returned sink.
 */
export class MultipartParser {
  #delimiter: Uint8Array;
  #buffer: Uint8Array;
  #state: "preamble" | "delimiter" | "headers" | "body" | "done" = "preamble";
  #sink: PartSink | undefined;

  constructor(boundary: string, private startPart: (headers: PartHeaders) => PartSink) {
    this.#delimiter = new TextEncoder().encode(`\r\n--${boundary}`);
    // A leading CRLF lets the first boundary line match the same delimiter as the others.
    this.#buffer = new TextEncoder().encode("\r\n");
  }

  /** Consumes the next chunk of the body. */
  push(chunk: Uint8Array): void {
    if (this.#state === "done") return; // the epilogue is ignored
    this.#buffer = concat([this.#buffer, chunk]);
    this.#process();
  }

  /** Checks that the body ended with its closing boundary. */
  finish(): void {
    if (this.#state !== "done") {
      throw new HttpError(
        400,
        "Cannot parse body: the multipart form ends before its closing boundary",
      );
    }
  }

  #process(): void {
    const crlf = new Uint8Array([13, 10]);
    while (true) {
      if (this.#state === "preamble" || this.#state === "body") {
        const at = indexOf(this.#buffer, this.#delimiter);
        if (at < 0) {
          // Keep what could be the start of a delimiter split across chunks.
          const keep = Math.min(this.#buffer.length, this.#delimiter.length - 1);
          const ready = this.#buffer.length - keep;
          if (ready > 0) {
            this.#sink?.write(this.#buffer.subarray(0, ready));
            this.#buffer = this.#buffer.slice(ready);
          }
          return;
        }
        this.#sink?.write(this.#buffer.subarray(0, at));
        this.#sink?.end();
        this.#sink = undefined;
        this.#buffer = this.#buffer.slice(at + this.#delimiter.length);
        this.#state = "delimiter";
      }
      if (this.#state === "delimiter") {
        if (this.#buffer.length < 2) return;
        if (this.#buffer[0] === 45 && this.#buffer[1] === 45) {
          this.#state = "done";
          this.#buffer = new Uint8Array(0);
          return;
        }
        const eol = indexOf(this.#buffer, crlf);
        if (eol < 0) {
          if (this.#buffer.length > 256) throw malformed();
          return;
        }
        // Only transport padding (spaces, tabs) may follow a boundary on its line.
        if (this.#buffer.subarray(0, eol).some((b) => b !== 32 && b !== 9)) throw malformed();
        this.#buffer = this.#buffer.slice(eol + 2);
        this.#state = "headers";
      }
      if (this.#state === "headers") {
        const end = this.#buffer[0] === 13 && this.#buffer[1] === 10
          ? 0
          : indexOf(this.#buffer, new Uint8Array([13, 10, 13, 10]));
        if (end < 0) {
          if (this.#buffer.length > MAX_PART_HEADER_BYTES) {
            throw new HttpError(
              413,
              `Cannot read body: part headers larger than ${MAX_PART_HEADER_BYTES} bytes`,
            );
          }
          return;
        }
        const block = new TextDecoder().decode(this.#buffer.subarray(0, end));
        this.#buffer = this.#buffer.slice(end === 0 ? 2 : end + 4);
        this.#sink = this.startPart(parsePartHeaders(block));
        this.#state = "body";
      }
    }
  }
}

function malformed(): HttpError {
  return new HttpError(400, "Cannot parse body: malformed multipart boundary line");
}
