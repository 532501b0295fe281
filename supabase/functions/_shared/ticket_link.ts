/**
 * Signed, expiring links to the read-only ticket page (the ticket-view function): the View
 * Ticket button's default target. A link carries the ticket id, its expiry (Unix seconds) and
 * an HMAC-SHA256 of both; the page shows the ticket only for a valid, unexpired signature.
 */
import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import { type Env, listOf } from "./env.ts";
import { UUID } from "./slack.ts";

/** The longest validity a link may claim (a year), whatever its expiry says. */
export const MAX_LINK_SECONDS = 366 * 24 * 3600;

/**
 * The secrets that sign and verify links: ISTS_TICKET_LINK_SECRETS (the first signs, all
 * verify, for rotation), else one derived from the service-role key; empty when neither is set.
 */
export function ticketLinkSecrets(env: Env): string[] {
  const configured = listOf(env.ISTS_TICKET_LINK_SECRETS);
  if (configured.length > 0) return configured;
  if (!env.SUPABASE_SERVICE_ROLE_KEY) return [];
  return [
    createHmac("sha256", env.SUPABASE_SERVICE_ROLE_KEY).update("ists-ticket-link").digest("hex"),
  ];
}

/** The signature of a link to the ticket valid until expiresAtS. */
export function signTicketLink(secret: string, ticketId: string, expiresAtS: number): string {
  return createHmac("sha256", secret).update(`${ticketId}.${expiresAtS}`).digest("hex");
}

/** The signed URL of the ticket's page under base (…/functions/v1/ticket-view). */
export function ticketViewUrl(
  base: string,
  ticketId: string,
  options: { secret: string; expiresAtS: number },
): string {
  const url = new URL(`${base.replace(/\/+$/, "")}/functions/v1/ticket-view`);
  url.searchParams.set("ticket", ticketId);
  url.searchParams.set("expires", String(options.expiresAtS));
  url.searchParams.set("sig", signTicketLink(options.secret, ticketId, options.expiresAtS));
  return url.toString();
}

/** Why a link is refused, or the ticket it opens. */
export type LinkCheck =
  | { ok: true; ticketId: string; expiresAtS: number }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

/** Checks a link's parameters against the secrets at nowS (constant-time comparison). */
export function verifyTicketLink(
  secrets: string[],
  params: URLSearchParams,
  nowS: number,
): LinkCheck {
  const ticketId = params.get("ticket") ?? "";
  const expires = params.get("expires") ?? "";
  const sig = params.get("sig") ?? "";
  if (!UUID.test(ticketId) || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) {
    return { ok: false, reason: "malformed" };
  }
  const expiresAtS = Number(expires);
  const given = Buffer.from(sig, "hex");
  const valid = secrets.some((secret) =>
    timingSafeEqual(Buffer.from(signTicketLink(secret, ticketId, expiresAtS), "hex"), given)
  );
  if (!valid) return { ok: false, reason: "bad_signature" };
  if (expiresAtS < nowS || expiresAtS > nowS + MAX_LINK_SECONDS) {
    return { ok: false, reason: "expired" };
  }
  return { ok: true, ticketId, expiresAtS };
}
