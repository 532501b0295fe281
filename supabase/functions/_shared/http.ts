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

/** Wraps a handler: HttpError becomes its status, anything else a logged 500. */
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
        return json(body, { status: error.status, headers });
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

/** Reads a JSON body with a size limit, or throws a 4xx HttpError. */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new HttpError(415, "Cannot read body: send Content-Type: application/json");
  }
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    throw new HttpError(413, `Cannot read body: larger than ${maxBytes} bytes`);
  }
  const buffer = new Uint8Array(await req.arrayBuffer());
  if (buffer.byteLength > maxBytes) {
    throw new HttpError(413, `Cannot read body: larger than ${maxBytes} bytes`);
  }
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
