import { createHash } from "node:crypto";
import { HttpError } from "../_shared/http.ts";
import {
  cleanFileName,
  cleanMediaType,
  MultipartParser,
  type PartSink,
} from "../_shared/multipart.ts";

export {
  cleanFileName,
  cleanMediaType,
  MultipartParser,
  parsePartHeaders,
  type PartHeaders,
} from "../_shared/multipart.ts";

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
