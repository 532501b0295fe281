/**
 * The signature of ISTS's signed requests, both ways: intake's signed posts and the outbound
 * webhooks. `x-ists-timestamp: <unix seconds>` and `x-ists-signature: v1=<hex HMAC-SHA256 of
 * "<timestamp>.<raw body>">`, like Stripe's and Slack's schemes; several `v1=` values
 * (comma-separated) may be sent during a secret rotation.
 */
import { createHmac } from "node:crypto";
import { safeEqual } from "./http.ts";

/** How far a signature's timestamp may be from the receiver's clock, in seconds. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of "<timestamp>.<raw body>": the v1 signature of a request. */
export function signBody(secret: string, timestamp: string, body: Uint8Array | string): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The headers that sign `body` at `nowSeconds`. */
export function signatureHeaders(
  secret: string,
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): { "x-ists-timestamp": string; "x-ists-signature": string } {
  const timestamp = String(nowSeconds);
  return {
    "x-ists-timestamp": timestamp,
    "x-ists-signature": `v1=${signBody(secret, timestamp, body)}`,
  };
}

/** Why a signature was refused, or null when it is valid (what a webhook receiver checks). */
export function signatureProblem(
  secret: string,
  headers: { timestamp: string | null; signature: string | null },
  body: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): string | null {
  const timestamp = headers.timestamp?.trim() ?? "";
  if (!/^\d{1,12}$/.test(timestamp)) return "x-ists-timestamp must be unix seconds";
  if (Math.abs(nowSeconds - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) {
    return `x-ists-timestamp is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds from now`;
  }
  const given = (headers.signature ?? "").split(",").map((p) =>
    /^\s*v1=([0-9a-f]{64})\s*$/i.exec(p)
  )
    .filter((m) => m !== null).map((m) => m![1].toLowerCase());
  if (given.length === 0) return "x-ists-signature must be v1=<hex HMAC-SHA256>";
  const expected = signBody(secret, timestamp, body);
  let match = false;
  for (const s of given) match = safeEqual(expected, s) || match;
  return match ? null : "x-ists-signature does not match the body";
}
