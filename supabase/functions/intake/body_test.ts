import assert from "node:assert/strict";
import { HttpError } from "../_shared/http.ts";
import {
  type BodyLimits,
  cleanFileName,
  cleanMediaType,
  INTAKE_LIMITS,
  MultipartParser,
  parsePartHeaders,
  readIntakeBody,
} from "./body.ts";

const encoder = new TextEncoder();

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A request whose body arrives in chunks of `chunkSize` bytes (no content-length). */
function streamed(bytes: Uint8Array, contentType: string, chunkSize = 7): Request & {
  sent: () => number;
} {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + chunkSize));
      offset += chunkSize;
    },
  });
  const req = new Request("http://local/functions/v1/intake", {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  return Object.assign(req, { sent: () => offset });
}

/** A multipart/form-data body built by hand, so tests control every byte. */
function multipart(
  parts: { name: string; value?: string; filename?: string; type?: string; bytes?: Uint8Array }[],
  boundary = "----istsBoundary7MA4YWxk",
): { bytes: Uint8Array; contentType: string } {
  const chunks: Uint8Array[] = [];
  for (const p of parts) {
    const file = p.filename !== undefined ? `; filename="${p.filename}"` : "";
    const type = p.type ? `\r\nContent-Type: ${p.type}` : "";
    chunks.push(
      encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}${type}\r\n\r\n`,
      ),
    );
    chunks.push(p.bytes ?? encoder.encode(p.value ?? ""));
    chunks.push(encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${boundary}--\r\n`));
  const size = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, contentType: `multipart/form-data; boundary=${boundary}` };
}

async function rejects(promise: Promise<unknown>, status: number, message: RegExp) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, status);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("readIntakeBody() reads text fields and describes files of a multipart body", async () => {
  const file = crypto.getRandomValues(new Uint8Array(5000));
  // The file contains the boundary's dashes and CRLFs, so a naive split would break it.
  file.set(encoder.encode("\r\n------istsBoundary"), 100);
  const { bytes, contentType } = multipart([
    { name: "email", value: "jane@example.com" },
    { name: "body", value: "Zweite Zeile\r\nmit Umlauten: äöü" },
    {
      name: "attachments",
      filename: "C:\\fakepath\\screen shot.png",
      type: "image/png",
      bytes: file,
    },
  ]);
  for (const chunkSize of [1, 3, 64, 100_000]) {
    const received = await readIntakeBody(streamed(bytes, contentType, chunkSize), INTAKE_LIMITS);
    assert.equal(received.kind, "form");
    if (received.kind !== "form") return;
    assert.deepEqual(received.fields, [
      ["email", "jane@example.com"],
      ["body", "Zweite Zeile\r\nmit Umlauten: äöü"],
    ]);
    assert.deepEqual(received.attachments, [
      { name: "screen shot.png", type: "image/png", size: 5000, sha256: await sha256(file) },
    ]);
  }
});

Deno.test("readIntakeBody() skips the empty part of a file input left empty", async () => {
  const { bytes, contentType } = multipart([
    { name: "email", value: "a@example.com" },
    { name: "attachments", filename: "", type: "application/octet-stream", value: "" },
  ]);
  const received = await readIntakeBody(streamed(bytes, contentType), INTAKE_LIMITS);
  assert.deepEqual(received, {
    kind: "form",
    fields: [["email", "a@example.com"]],
    attachments: [],
  });
});

Deno.test("readIntakeBody() reads an urlencoded body", async () => {
  const body = "email=jane%40example.com&body=Hello+there%21&website=";
  const received = await readIntakeBody(
    streamed(encoder.encode(body), "application/x-www-form-urlencoded; charset=UTF-8"),
    INTAKE_LIMITS,
  );
  assert.deepEqual(received, {
    kind: "form",
    fields: [["email", "jane@example.com"], ["body", "Hello there!"], ["website", ""]],
    attachments: [],
  });
});

const SMALL: BodyLimits = { textBytes: 100, fileBytes: 1000, totalFileBytes: 1500, files: 2 };

Deno.test("readIntakeBody() refuses a file over the per-file limit while it streams", async () => {
  const { bytes, contentType } = multipart([
    { name: "a", filename: "big.bin", bytes: new Uint8Array(50_000) },
  ]);
  const req = streamed(bytes, contentType, 100);
  await rejects(readIntakeBody(req, SMALL), 413, /attachment "big\.bin": larger than 1000 bytes/);
  assert.ok(req.sent() < 2000, `read ${req.sent()} bytes`);
});

Deno.test("readIntakeBody() refuses attachments over the total limit", async () => {
  const { bytes, contentType } = multipart([
    { name: "a", filename: "one.bin", bytes: new Uint8Array(900) },
    { name: "a", filename: "two.bin", bytes: new Uint8Array(900) },
  ]);
  await rejects(
    readIntakeBody(streamed(bytes, contentType), SMALL),
    413,
    /larger than 1500 bytes together/,
  );
});

Deno.test("readIntakeBody() refuses more files than the count limit", async () => {
  const { bytes, contentType } = multipart(
    ["1", "2", "3"].map((n) => ({ name: "a", filename: `${n}.txt`, value: n })),
  );
  await rejects(readIntakeBody(streamed(bytes, contentType), SMALL), 413, /more than 2 files/);
});

Deno.test("readIntakeBody() refuses text fields over the text limit in a multipart body", async () => {
  const { bytes, contentType } = multipart([{ name: "body", value: "x".repeat(101) }]);
  await rejects(
    readIntakeBody(streamed(bytes, contentType), SMALL),
    413,
    /form fields larger than 100 bytes/,
  );
});

Deno.test("readIntakeBody() refuses a declared content-length over the limits before reading", async () => {
  const req = new Request("http://local/", {
    method: "POST",
    headers: { "content-type": "multipart/form-data; boundary=x", "content-length": "99999999" },
    body: "--x--",
  });
  await rejects(readIntakeBody(req, SMALL), 413, /larger than/);
});

Deno.test("readIntakeBody() answers 400 for a multipart body without its closing boundary", async () => {
  const { bytes, contentType } = multipart([{ name: "body", value: "hello" }]);
  const cut = bytes.slice(0, bytes.length - 10);
  await rejects(readIntakeBody(streamed(cut, contentType), INTAKE_LIMITS), 400, /closing boundary/);
});

Deno.test("readIntakeBody() answers 400 for multipart without a boundary and 415 for other types", async () => {
  await rejects(
    readIntakeBody(streamed(encoder.encode("x"), "multipart/form-data"), SMALL),
    400,
    /boundary/,
  );
  await rejects(
    readIntakeBody(streamed(encoder.encode("x"), "text/plain"), SMALL),
    415,
    /Content-Type/,
  );
});

Deno.test("readIntakeBody() passes every raw byte to onChunk", async () => {
  const { bytes, contentType } = multipart([{ name: "body", value: "hello" }]);
  const seen: Uint8Array[] = [];
  await readIntakeBody(streamed(bytes, contentType, 5), INTAKE_LIMITS, {
    onChunk: (c) => seen.push(c),
  });
  assert.equal(seen.reduce((n, c) => n + c.length, 0), bytes.length);
});

Deno.test("MultipartParser ignores a preamble and an epilogue", () => {
  const fields: string[] = [];
  const parser = new MultipartParser(
    "b",
    (h) => ({ write: () => {}, end: () => fields.push(h.name) }),
  );
  parser.push(
    encoder.encode('preamble text\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1'),
  );
  parser.push(encoder.encode("\r\n--b--\r\nepilogue"));
  parser.finish();
  assert.deepEqual(fields, ["x"]);
});

Deno.test("parsePartHeaders() reads quoted, escaped and RFC 5987 file names", () => {
  assert.deepEqual(
    parsePartHeaders(
      'Content-Disposition: form-data; name="f"; filename="a \\"b\\".pdf"\r\nContent-Type: application/pdf',
    ),
    { name: "f", filename: 'a "b".pdf', type: "application/pdf" },
  );
  assert.equal(
    parsePartHeaders("content-disposition: form-data; name=f; filename*=UTF-8''%E2%82%AC.txt")
      .filename,
    "€.txt",
  );
  assert.throws(() => parsePartHeaders("Content-Type: text/plain"), /Content-Disposition/);
});

Deno.test("cleanFileName() and cleanMediaType() keep only safe values", () => {
  assert.equal(cleanFileName("../../etc/passwd"), "passwd");
  assert.equal(cleanFileName("a\u0000b.txt"), "ab.txt");
  assert.equal(cleanFileName("   "), "attachment");
  assert.equal(cleanFileName("x".repeat(300)).length, 255);
  assert.equal(cleanMediaType("Image/PNG; charset=binary"), "image/png");
  assert.equal(cleanMediaType("not a type"), "application/octet-stream");
  assert.equal(cleanMediaType(undefined), "application/octet-stream");
});
