/** An error with an HTTP status; `withErrors()` turns it into a JSON response. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string, readonly details?: unknown) {
    super(message);
    this.name = "HttpError";
  }
}

/** Returns a JSON response. */
export function json(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { ...init, headers });
}

/** True for errors meaning the database cannot be reached right now (outage, restart). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; errno?: string; message?: string } | null;
  const code = String(e?.code ?? e?.errno ?? "");
  return [
    "ECONNREFUSED",
    "ECONNRESET",
    "CONNECT_TIMEOUT",
    "CONNECTION_CLOSED",
    "CONNECTION_ENDED",
    "CONNECTION_DESTROYED",
    "57P01",
    "57P02",
    "57P03",
    "53300",
  ].includes(code) || code.startsWith("08") ||
    /ECONNREFUSED|CONNECT_TIMEOUT|Connection refused/i.test(String(e?.message ?? ""));
}

/** Wraps a handler: HttpError becomes its status, an unreachable database a 503 with
 * Retry-After, anything else a logged 500 that does not leak its cause. */
export function withErrors(
  handler: (req: Request) => Promise<Response>,
  log: (msg: string, fields: Record<string, unknown>) => void = console.error,
): (req: Request) => Promise<Response> {
  return async (req) => {
    try {
      return await handler(req);
    } catch (error) {
      if (error instanceof HttpError) {
        const body: Record<string, unknown> = { error: error.message };
        if (error.details !== undefined) body.details = error.details;
        const headers: Record<string, string> = {};
        if (error.status === 429 && typeof error.details === "object" && error.details !== null) {
          const retry = (error.details as { retryAfterSeconds?: number }).retryAfterSeconds;
          if (retry !== undefined) headers["retry-after"] = String(retry);
        }
        if (error.status === 405 && typeof error.details === "object" && error.details !== null) {
          const allow = (error.details as { allow?: string }).allow;
          if (allow !== undefined) headers["allow"] = allow;
        }
        return json(body, { status: error.status, headers });
      }
      if (isDatabaseUnavailable(error)) {
        log("database unavailable", { url: req.url, error: String(error) });
        return json({ error: "Temporarily unavailable: try again shortly" }, {
          status: 503,
          headers: { "retry-after": "5" },
        });
      }
      log("unhandled error", {
        url: req.url,
        error: String(error),
        stack: (error as Error)?.stack,
      });
      return json({ error: "Internal error" }, { status: 500 });
    }
  };
}

/** Throws 405 (with an Allow header) unless the request uses one of the methods. */
export function requireMethod(req: Request, methods: string[]): void {
  if (!methods.includes(req.method)) {
    throw new HttpError(405, `Cannot handle method "${req.method}": use ${methods.join(" or ")}`, {
      allow: methods.join(", "),
    });
  }
}

/** Reads a JSON body, stopping as soon as it exceeds maxBytes, or throws a 4xx HttpError. */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) {
    throw new HttpError(415, "Cannot read body: send Content-Type: application/json");
  }
  const buffer = await readBytes(req, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buffer));
  } catch {
    throw new HttpError(400, "Cannot parse body: it is not valid UTF-8 JSON");
  }
}

/** Compares two strings in constant time for their length. */
export function safeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Throws 401 unless the request carries one of the accepted bearer tokens. */
export function requireBearer(req: Request, tokens: string[]): void {
  const header = req.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new HttpError(401, "Cannot authorize: missing bearer token");
  if (tokens.length === 0 || !tokens.some((token) => safeEqual(token, match[1]))) {
    throw new HttpError(401, "Cannot authorize: invalid bearer token");
  }
}

/** Reads a request body of at most maxBytes (streamed, so a larger one is never held). */
export async function readBytes(req: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new HttpError(413, `Cannot read body: larger than ${maxBytes} bytes`);
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const buffer = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    buffer.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return buffer;
}
