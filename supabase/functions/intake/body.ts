import { createHash } from "node:crypto";
import { HttpError } from "../_shared/http.ts";
import { stripControls } from "../_shared/normalise.ts";

/** What one intake request may carry. */
export interface BodyLimits {
  /** A JSON or urlencoded body, or all text fields of a multipart body together. */
  textBytes: number;
  /** One attachment. */
  fileBytes: number;
  /** All attachments of one request together. */
  totalFileBytes: number;
  /** Attachments per request. */
  files: number;
}

/** Limits of the intake function: 256 KB of text, 10 files of at most 10 MB, 25 MB in all. */
export const INTAKE_LIMITS: BodyLimits = {
  textBytes: 256 * 1024,
  fileBytes: 10 * 1024 * 1024,
  totalFileBytes: 25 * 1024 * 1024,
  files: 10,
};

/** Multipart framing allowed on top of the limits (boundaries, part headers). */
const FRAMING_BYTES = 64 * 1024;
const MAX_PART_HEADER_BYTES = 8 * 1024;
const MAX_FIELDS = 100;

/** An attachment as stored in tickets.attachments: described, not kept. */
export interface AttachmentInfo {
  name: string;
  type: string;
  size: number;
  sha256: string;
}

/** A body read within its limits. */
export type ReceivedBody =
  | { kind: "json"; value: unknown }
  | { kind: "form"; fields: [string, string][]; attachments: AttachmentInfo[] };

/** Options of readIntakeBody(). */
export interface ReadOptions {
  /** Sees every raw chunk as it arrives (request signatures are computed over the raw body). */
  onChunk?: (chunk: Uint8Array) => void;
}

const MB = 1024 * 1024;

function describeBytes(n: number): string {
  return n % MB === 0 ? `${n / MB} MB` : n % 1024 === 0 ? `${n / 1024} KB` : `${n} bytes`;
}

/**
 * Reads a JSON, application/x-www-form-urlencoded or multipart/form-data body while it
 * streams, refusing it (413) as soon as a limit is passed. Attachments are hashed and
 * measured on the fly and never held in memory.
 */
export async function readIntakeBody(
  req: Request,
  limits: BodyLimits,
  options: ReadOptions = {},
): Promise<ReceivedBody> {
  const contentType = req.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0].trim().toLowerCase();
  if (type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    const bytes = await readAll(req, limits.textBytes, options.onChunk);
    try {
      return { kind: "json", value: JSON.parse(decodeUtf8(bytes)) };
    } catch {
      throw new HttpError(400, "Cannot parse body: it is not valid UTF-8 JSON");
    }
  }
  if (type === "application/x-www-form-urlencoded") {
    const bytes = await readAll(req, limits.textBytes, options.onChunk);
    let text: string;
    try {
      text = decodeUtf8(bytes);
    } catch {
      throw new HttpError(400, "Cannot parse body: it is not valid UTF-8");
    }
    return { kind: "form", fields: [...new URLSearchParams(text)], attachments: [] };
  }
  if (type === "multipart/form-data") {
    const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
    if (!boundary) {
      throw new HttpError(400, "Cannot parse body: multipart/form-data needs a boundary");
    }
    return await readMultipart(req, boundary[1] ?? boundary[2], limits, options.onChunk);
  }
  throw new HttpError(
    415,
    "Cannot read body: send Content-Type: application/json, application/x-www-form-urlencoded or multipart/form-data",
  );
}

function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

/** Yields the raw chunks of a body, stopping (and cancelling the upload) past maxBytes. */
async function* chunks(
  req: Request,
  maxBytes: number,
  tooLarge: () => HttpError,
  onChunk?: (chunk: Uint8Array) => void,
): AsyncGenerator<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge();
  if (!req.body) return;
  const reader = req.body.getReader();
  let size = 0;
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      size += next.value.byteLength;
      if (size > maxBytes) throw tooLarge();
      onChunk?.(next.value);
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

async function readAll(
  req: Request,
  maxBytes: number,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new HttpError(413, `Cannot read body: larger than ${maxBytes} bytes`, {
      limitBytes: maxBytes,
    });
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks(req, maxBytes, tooLarge, onChunk)) {
    parts.push(chunk);
    size += chunk.byteLength;
  }
  return concat(parts, size);
}

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

interface PartSink {
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

async function readMultipart(
  req: Request,
  boundary: string,
  limits: BodyLimits,
  onChunk?: (chunk: Uint8Array) => void,
): Promise<ReceivedBody> {
  const fields: [string, string][] = [];
  const attachments: AttachmentInfo[] = [];
  let textBytes = 0;
  let fileBytes = 0;
  let files = 0;
  const textTooLarge = () =>
    new HttpError(
      413,
      `Cannot read body: form fields larger than ${describeBytes(limits.textBytes)} in all`,
      {
        limitBytes: limits.textBytes,
      },
    );
  const totalTooLarge = () =>
    new HttpError(
      413,
      `Cannot accept attachments: larger than ${describeBytes(limits.totalFileBytes)} together`,
      { limitBytes: limits.totalFileBytes },
    );

  const parser = new MultipartParser(boundary, (headers): PartSink => {
    if (headers.filename === undefined) {
      if (fields.length >= MAX_FIELDS) {
        throw new HttpError(413, `Cannot read body: more than ${MAX_FIELDS} form fields`);
      }
      const parts: Uint8Array[] = [];
      return {
        write(bytes) {
          textBytes += bytes.byteLength;
          if (textBytes > limits.textBytes) throw textTooLarge();
          parts.push(bytes.slice());
        },
        end() {
          try {
            fields.push([headers.name, decodeUtf8(concat(parts))]);
          } catch {
            throw new HttpError(
              400,
              `Cannot parse body: field "${headers.name}" is not valid UTF-8`,
            );
          }
        },
      };
    }
    const name = cleanFileName(headers.filename);
    const hash = createHash("sha256");
    let size = 0;
    let counted = false;
    return {
      write(bytes) {
        if (bytes.byteLength === 0) return;
        if (!counted) {
          counted = true;
          if (++files > limits.files) {
            throw new HttpError(413, `Cannot accept attachments: more than ${limits.files} files`, {
              limitFiles: limits.files,
            });
          }
        }
        size += bytes.byteLength;
        fileBytes += bytes.byteLength;
        if (size > limits.fileBytes) {
          throw new HttpError(
            413,
            `Cannot accept attachment "${name}": larger than ${describeBytes(limits.fileBytes)}`,
            { limitBytes: limits.fileBytes },
          );
        }
        if (fileBytes > limits.totalFileBytes) throw totalTooLarge();
        hash.update(bytes);
      },
      end() {
        // An empty file input is sent as a part with no name and no content: not a file.
        if (size === 0 && headers.filename === "") return;
        attachments.push({
          name,
          type: cleanMediaType(headers.type),
          size,
          sha256: hash.digest("hex"),
        });
      },
    };
  });

  const maxBytes = limits.textBytes + limits.totalFileBytes + FRAMING_BYTES;
  for await (const chunk of chunks(req, maxBytes, totalTooLarge, onChunk)) parser.push(chunk);
  parser.finish();
  return { kind: "form", fields, attachments };
}
