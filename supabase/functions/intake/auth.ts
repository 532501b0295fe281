import { createHmac } from "node:crypto";
import { HttpError, safeEqual } from "../_shared/http.ts";
import { SIGNATURE_TOLERANCE_SECONDS } from "../_shared/webhook_signature.ts";

export { signBody } from "../_shared/webhook_signature.ts";
export { SIGNATURE_TOLERANCE_SECONDS };

/** Who may post to intake. */
export interface IntakeAuthConfig {
  /** Keys accepted in x-api-key or as a bearer token. */
  apiKeys: string[];
  /** Secrets accepted for x-ists-signature (several during a rotation). */
  hmacSecrets: string[];
  /** With keys or secrets configured: still accept unauthenticated posts from allowed origins. */
  publicForm: boolean;
  /** Browser origins allowed to post (CORS); "*" allows any. */
  corsOrigins: string[];
}

/** A request signature whose body part is checked once the body has been read. */
export interface PendingSignature {
  /** Feeds the next raw body chunk. */
  update(chunk: Uint8Array): void;
  /** Throws 401 unless the signature matches the body it was fed. */
  verify(): void;
}

/** The outcome of authenticate(): "public" callers are rate-limited by IP, the others not. */
export type Caller =
  | { kind: "api_key" }
  | { kind: "signature"; signature: PendingSignature }
  | { kind: "public"; open: boolean };

function requireSignature(
  config: IntakeAuthConfig,
  timestamp: string | null,
  header: string | null,
  nowSeconds: number,
): PendingSignature {
  if (timestamp === null || !/^\d{1,12}$/.test(timestamp.trim())) {
    throw new HttpError(401, "Cannot authorize: x-ists-timestamp must be unix seconds");
  }
  const skew = Math.abs(nowSeconds - Number(timestamp.trim()));
  if (skew > SIGNATURE_TOLERANCE_SECONDS) {
    throw new HttpError(
      401,
      `Cannot authorize: x-ists-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from the server's clock`,
    );
  }
  const given = (header ?? "").split(",").map((part) => part.trim()).filter(Boolean);
  const signatures = given.map((part) => /^v1=([0-9a-f]{64})$/i.exec(part)?.[1]?.toLowerCase());
  if (signatures.length === 0 || signatures.some((s) => s === undefined)) {
    throw new HttpError(
      401,
      "Cannot authorize: x-ists-signature must be v1=<hex HMAC-SHA256 of timestamp.body>",
    );
  }
  const macs = config.hmacSecrets.map((secret) =>
    createHmac("sha256", secret).update(`${timestamp.trim()}.`)
  );
  return {
    update(chunk) {
      for (const mac of macs) mac.update(chunk);
    },
    verify() {
      const expected = macs.map((mac) => mac.digest("hex"));
      // Every pair is compared so the time taken does not depend on which one matches.
      let match = false;
      for (const e of expected) for (const s of signatures) match = safeEqual(e, s!) || match;
      if (!match) {
        throw new HttpError(401, "Cannot authorize: x-ists-signature does not match the body");
      }
    },
  };
}

/** True when the request's Origin is one of the configured browser origins. */
export function isAllowedOrigin(req: Request, origins: string[]): boolean {
  const origin = req.headers.get("origin");
  if (!origin || origin === "null") return false;
  return origins.includes("*") || origins.includes(origin);
}

/**
 * Decides who is calling before the body is read. A configured API key or a signature
 * authenticates (a wrong one is refused, never downgraded to public); without either the
 * request is public when nothing is configured, or when ISTS_INTAKE_PUBLIC_FORM is on and
 * it comes from an allowed browser origin. Throws 401 otherwise.
 */
export function authenticate(
  req: Request,
  config: IntakeAuthConfig,
  nowSeconds = Math.floor(Date.now() / 1000),
): Caller {
  const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "")?.[1];
  const key = req.headers.get("x-api-key") ?? bearer;
  if (key && config.apiKeys.length > 0) {
    if (!config.apiKeys.some((k) => safeEqual(k, key))) {
      throw new HttpError(401, "Cannot authorize: unknown API key");
    }
    return { kind: "api_key" };
  }
  const signature = req.headers.get("x-ists-signature");
  if (signature !== null && config.hmacSecrets.length > 0) {
    return {
      kind: "signature",
      signature: requireSignature(
        config,
        req.headers.get("x-ists-timestamp"),
        signature,
        nowSeconds,
      ),
    };
  }
  if (config.apiKeys.length === 0 && config.hmacSecrets.length === 0) {
    return { kind: "public", open: true };
  }
  if (config.publicForm && isAllowedOrigin(req, config.corsOrigins)) {
    return { kind: "public", open: false };
  }
  const ways = [
    config.apiKeys.length > 0 ? "send an API key in x-api-key" : "",
    config.hmacSecrets.length > 0 ? "sign the request (x-ists-timestamp, x-ists-signature)" : "",
  ].filter(Boolean).join(" or ");
  throw new HttpError(401, `Cannot authorize: ${ways}`);
}
