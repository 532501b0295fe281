/**
 * One webhook delivery read as it streams, in bounded memory, whatever its size: a raw
 * message keeps its first KEEP_RAW_BYTES (what the parser reads) and counts the rest; a
 * provider's JSON or form keeps its text fields and attachments within a budget, and an
 * attachment beyond the budget is only measured and hashed (SHA-256) while it passes. The
 * delivery's first KEEP_RAW_BYTES are kept as received, for a dead letter.
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { HttpError } from "../_shared/http.ts";
import { MAX_PARSE_BYTES } from "../_shared/mail/parse.ts";
import { cleanFileName, cleanMediaType, MultipartParser } from "../_shared/multipart.ts";
import {
  type JsonPath,
  JsonStreamError,
  JsonStreamParser,
  type StringSink,
} from "./json_stream.ts";

/** Bytes of a raw message (or raw field) kept: as much as the parser reads. */
export const KEEP_RAW_BYTES = MAX_PARSE_BYTES;
/**
 * Bytes of texts and attachments kept to rebuild a provider's parsed mail; its MIME (base64)
 * still fits in MAX_PARSE_BYTES.
 */
export const KEEP_PARTS_BYTES = 6 * 1024 * 1024;
/** Characters of any one field kept outside the budget (headers, addresses, subjects). */
const FREE_FIELD_BYTES = 64 * 1024;
/** Form fields and files accepted in one delivery. */
const MAX_FORM_PARTS = 500;
/** Raw-message fields: kept up to KEEP_RAW_BYTES. */
const RAW_FIELDS = new Set(["raw", "email", "RawEmail", "body-mime"]);

/** A posted file, measured and hashed while it streamed; its bytes only within the budget. */
export class StreamedFile {
  constructor(
    readonly size: number,
    readonly sha256: string,
    /** Null when it did not fit the budget (or its content was unreadable). */
    readonly bytes: Uint8Array | null,
    /** Why the content could not be read (e.g. not base64), or null. */
    readonly error: string | null = null,
    readonly name: string = "attachment",
    readonly type: string = "application/octet-stream",
  ) {}
}

/** The form fields of a delivery. */
export interface PostedForm {
  /** A text field's (first) value, decoded as UTF-8; null when absent. */
  get(name: string): string | null;
  /** A text field's kept bytes. */
  bytes(name: string): Uint8Array | null;
  has(name: string): boolean;
  /** File parts in order, with their field names. */
  files: Array<{ field: string; file: StreamedFile }>;
}

/** What was read. */
export type DeliveryBody =
  | { kind: "raw"; bytes: Uint8Array }
  | { kind: "json"; value: unknown }
  | { kind: "form"; form: PostedForm };

/** One delivery, read. */
export interface Delivery {
  body: DeliveryBody;
  /** The first KEEP_RAW_BYTES of the body as received. */
  head: Uint8Array;
  /** Bytes of the whole body. */
  totalBytes: number;
  /** Fields kept only in part: "TextBody: 6291456 of 9000000 bytes", … */
  cut: string[];
}

/** Shared allowance of kept bytes. */
class Budget {
  constructor(public left: number) {}
  take(n: number): boolean {
    if (n > this.left) return false;
    this.left -= n;
    return true;
  }
  give(n: number): void {
    this.left += n;
  }
}

/** Collects bytes up to a limit (free bytes first, then from the budget); counts the rest. */
class Kept {
  #parts: Uint8Array[] = [];
  kept = 0;
  total = 0;
  #full = false;
  constructor(private free: number, private budget: Budget | null) {}
  write(bytes: Uint8Array): void {
    this.total += bytes.length;
    if (this.#full || bytes.length === 0) return;
    let take = bytes.length;
    const freeLeft = Math.max(0, this.free - this.kept);
    if (take > freeLeft) {
      const fromBudget = take - freeLeft;
      const granted = this.budget ? Math.min(fromBudget, this.budget.left) : 0;
      this.budget?.take(granted);
      take = freeLeft + granted;
      if (take < bytes.length) this.#full = true;
    }
    if (take > 0) this.#parts.push(bytes.slice(0, take));
    this.kept += take;
  }
  value(): Uint8Array {
    return Buffer.concat(this.#parts, this.kept);
  }
}

/** Hashes and measures bytes, keeping them while the budget allows. */
class FileBytes {
  #hash = createHash("sha256");
  #parts: Uint8Array[] | null = [];
  size = 0;
  constructor(private budget: Budget) {}
  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    this.#hash.update(bytes);
    if (this.#parts === null) return;
    if (this.budget.take(bytes.length)) this.#parts.push(bytes.slice());
    else {
      // Over budget: give back what it held; from now on it is only measured.
      this.budget.give(this.size - bytes.length);
      this.#parts = null;
    }
  }
  end(error: string | null = null, name?: string, type?: string): StreamedFile {
    const bytes = this.#parts === null || error ? null : Buffer.concat(this.#parts, this.size);
    return new StreamedFile(this.size, this.#hash.digest("hex"), bytes, error, name, type);
  }
}

/** A string sink decoding base64 as it arrives (JSON attachments). */
function base64FileSink(budget: Budget): StringSink {
  const file = new FileBytes(budget);
  let carry = "";
  let error: string | null = null;
  let ended = false;
  const decode = (text: string) => {
    try {
      file.write(Buffer.from(atob(text), "latin1"));
    } catch {
      error = "its content is not base64";
    }
  };
  return {
    write(piece) {
      if (error) return;
      const clean = carry + piece.replace(/\s+/g, "");
      const whole = clean.length - (clean.length % 4);
      carry = clean.slice(whole);
      if (whole === 0) return;
      if (ended) {
        error = "its content is not base64";
        return;
      }
      const chunk = clean.slice(0, whole);
      if (chunk.includes("=")) ended = true; // padding ends the content
      decode(chunk);
    },
    end() {
      if (!error && carry) {
        if (ended) error = "its content is not base64";
        else decode(carry);
      }
      return file.end(error);
    },
  };
}

/** A string sink keeping a prefix (free bytes, then the budget); reports its cut. */
function keptStringSink(
  label: string,
  free: number,
  budget: Budget | null,
  cut: string[],
): StringSink {
  const encoder = new TextEncoder();
  const kept = new Kept(free, budget);
  return {
    write: (piece) => kept.write(encoder.encode(piece)),
    end: () => {
      if (kept.total > kept.kept) cut.push(`${label}: ${kept.kept} of ${kept.total} bytes`);
      return new TextDecoder().decode(kept.value());
    },
  };
}

/** Yields the body's chunks, keeping its first KEEP_RAW_BYTES as they pass. */
async function* chunksOf(
  req: Request,
  head: Kept,
): AsyncGenerator<Uint8Array> {
  if (!req.body) return;
  const reader = req.body.getReader();
  let done = false;
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) {
        done = true;
        return;
      }
      head.write(next.value);
      yield next.value;
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {});
  }
}

/** Media types that carry one raw RFC 822 message. */
export const RAW_TYPES = new Set(["message/rfc822", "application/octet-stream", "text/plain"]);

/** Reads a delivery of the given media type; 4xx HttpError for a body that cannot be read. */
export async function readDelivery(req: Request): Promise<Delivery> {
  const contentType = req.headers.get("content-type") ?? "";
  const type = contentType.split(";")[0].trim().toLowerCase();
  const head = new Kept(KEEP_RAW_BYTES, null);
  const cut: string[] = [];
  const budget = new Budget(KEEP_PARTS_BYTES);
  const chunks = chunksOf(req, head);
  let body: DeliveryBody;
  if (RAW_TYPES.has(type)) {
    for await (const _ of chunks) { /* head keeps the prefix */ }
    body = { kind: "raw", bytes: head.value() };
  } else if (type === "application/json") {
    body = { kind: "json", value: await readJson(chunks, budget, cut) };
  } else if (type === "multipart/form-data") {
    const boundary = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
    if (!boundary) {
      throw new HttpError(400, "Cannot parse body: multipart/form-data needs a boundary");
    }
    body = {
      kind: "form",
      form: await readMultipart(chunks, boundary[1] ?? boundary[2], budget, cut),
    };
  } else if (type === "application/x-www-form-urlencoded") {
    body = { kind: "form", form: await readUrlEncoded(chunks, budget, cut) };
  } else {
    await req.body?.cancel();
    throw new HttpError(
      415,
      "Cannot read mail: send message/rfc822, application/json or a multipart/form-data form",
    );
  }
  return { body, head: head.value(), totalBytes: head.total, cut };
}

async function readJson(
  chunks: AsyncIterable<Uint8Array>,
  budget: Budget,
  cut: string[],
): Promise<unknown> {
  const parser = new JsonStreamParser({
    sinkFor: (path: JsonPath) => {
      if (path.length === 3 && path[0] === "Attachments" && path[2] === "Content") {
        return base64FileSink(budget);
      }
      const label = path.join(".");
      if (path.length === 1 && RAW_FIELDS.has(String(path[0]))) {
        return keptStringSink(label, KEEP_RAW_BYTES, null, cut);
      }
      return keptStringSink(label, FREE_FIELD_BYTES, budget, cut);
    },
  });
  try {
    for await (const chunk of chunks) parser.pushBytes(chunk);
    return parser.finish();
  } catch (error) {
    if (error instanceof JsonStreamError) {
      throw new HttpError(400, `Cannot parse body: it is not valid UTF-8 JSON (${error.message})`);
    }
    throw error;
  }
}

/** Fields and files of a form as they were kept. */
class FormCollector implements PostedForm {
  #fields = new Map<string, Uint8Array>();
  files: Array<{ field: string; file: StreamedFile }> = [];
  #parts = 0;
  constructor(private budget: Budget, private cut: string[]) {}
  count(): void {
    if (++this.#parts > MAX_FORM_PARTS) {
      throw new HttpError(413, `Cannot read body: more than ${MAX_FORM_PARTS} form fields`);
    }
  }
  field(name: string): Kept {
    return new Kept(
      RAW_FIELDS.has(name) ? KEEP_RAW_BYTES : FREE_FIELD_BYTES,
      RAW_FIELDS.has(name) ? null : this.budget,
    );
  }
  endField(name: string, bytes: Uint8Array, kept: number, total: number): void {
    if (total > kept) this.cut.push(`${name}: ${kept} of ${total} bytes`);
    if (!this.#fields.has(name)) this.#fields.set(name, bytes);
  }
  get(name: string): string | null {
    const bytes = this.#fields.get(name);
    return bytes === undefined ? null : new TextDecoder().decode(bytes);
  }
  bytes(name: string): Uint8Array | null {
    return this.#fields.get(name) ?? null;
  }
  has(name: string): boolean {
    return this.#fields.has(name) || this.files.some((f) => f.field === name);
  }
}

async function readMultipart(
  chunks: AsyncIterable<Uint8Array>,
  boundary: string,
  budget: Budget,
  cut: string[],
): Promise<PostedForm> {
  const form = new FormCollector(budget, cut);
  const parser = new MultipartParser(boundary, (headers) => {
    form.count();
    if (headers.filename === undefined) {
      const kept = form.field(headers.name);
      return {
        write: (bytes) => kept.write(bytes),
        end: () => form.endField(headers.name, kept.value(), kept.kept, kept.total),
      };
    }
    const file = new FileBytes(budget);
    return {
      write: (bytes) => file.write(bytes),
      end: () => {
        if (file.size === 0 && headers.filename === "") return;
        form.files.push({
          field: headers.name,
          file: file.end(null, cleanFileName(headers.filename!), cleanMediaType(headers.type)),
        });
      },
    };
  });
  for await (const chunk of chunks) parser.push(chunk);
  parser.finish();
  return form;
}

/** application/x-www-form-urlencoded, split on & and = as it streams; values kept in part. */
async function readUrlEncoded(
  chunks: AsyncIterable<Uint8Array>,
  budget: Budget,
  cut: string[],
): Promise<PostedForm> {
  const form = new FormCollector(budget, cut);
  let name: number[] = [];
  let value: Kept | null = null;
  const decode = (bytes: Uint8Array) => {
    // A value cut inside a %XX escape loses the broken escape, not the whole value.
    const text = new TextDecoder().decode(bytes).replace(/\+/g, " ").replace(/%[0-9a-f]?$/i, "");
    try {
      return decodeURIComponent(text);
    } catch {
      return text.replace(/%([0-9a-f]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16)));
    }
  };
  const endPair = () => {
    if (name.length === 0 && value === null) return;
    form.count();
    const key = decode(new Uint8Array(name));
    const kept = value ?? form.field(key);
    // Kept percent-encoded as it streamed: decoded now, stored as UTF-8.
    form.endField(key, new TextEncoder().encode(decode(kept.value())), kept.kept, kept.total);
    name = [];
    value = null;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b !== 0x26 && !(b === 0x3d && value === null)) continue;
      if (value === null) {
        for (let j = start; j < i; j++) name.push(chunk[j]);
      } else value.write(chunk.subarray(start, i));
      if (b === 0x3d) value = form.field(decode(new Uint8Array(name)));
      else endPair();
      start = i + 1;
      if (name.length > 1024) {
        throw new HttpError(400, "Cannot parse body: a field name is too long");
      }
    }
    if (value === null) { for (let j = start; j < chunk.length; j++) name.push(chunk[j]); }
    else value.write(chunk.subarray(start));
    if (name.length > 1024) throw new HttpError(400, "Cannot parse body: a field name is too long");
  }
  endPair();
  return form;
}
