/**
 * Slack's request signing (api.slack.com/authentication/verifying-requests-from-slack): the v0
 * HMAC-SHA256 of "v0:<timestamp>:<raw body>" with the app's signing secret, compared in
 * constant time, refused outside a 5-minute window. Shared by slack-events and
 * slack-interactions.
 */
import { HttpError, safeEqual } from "./http.ts";

/** Requests signed longer ago (or further ahead) than this are refused as replays. */
export const SIGNATURE_WINDOW_S = 300;

async function hmacHex(key: string, data: Uint8Array): Promise<string> {
  const k = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", k, data as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The v0 signature Slack sends for a body signed at timestamp (seconds). */
export async function slackSignature(
  secret: string,
  timestamp: string,
  body: Uint8Array,
): Promise<string> {
  const prefix = new TextEncoder().encode(`v0:${timestamp}:`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix);
  data.set(body, prefix.length);
  return `v0=${await hmacHex(secret, data)}`;
}

/** Throws 401 unless X-Slack-Signature is the v0 HMAC of the raw body, signed within 5 minutes. */
export async function verifySlackRequest(
  headers: Headers,
  body: Uint8Array,
  options: { secret: string; nowMs: number },
): Promise<void> {
  const timestamp = headers.get("x-slack-request-timestamp");
  const signature = headers.get("x-slack-signature");
  if (!timestamp || !signature) {
    throw new HttpError(
      401,
      "Cannot verify request: X-Slack-Request-Timestamp and X-Slack-Signature are required",
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new HttpError(401, "Cannot verify request: X-Slack-Request-Timestamp is not a number");
  }
  if (Math.abs(options.nowMs / 1000 - Number(timestamp)) > SIGNATURE_WINDOW_S) {
    throw new HttpError(
      401,
      "Cannot verify request: its timestamp is more than 5 minutes from now (replay?)",
    );
  }
  const expected = await slackSignature(options.secret, timestamp, body);
  if (!safeEqual(expected, signature.trim().toLowerCase())) {
    throw new HttpError(401, "Cannot verify request: the signature does not match");
  }
}
