/**
 * GET /functions/v1/ticket-view?ticket=<id>&expires=<unix>&sig=<hmac>: the read-only page of
 * one ticket that the View Ticket button opens (ticket, AI analysis, routing decision, events,
 * messages). Only a link signed by ISTS and not expired opens it: a tampered link is 403, an
 * expired one 410, a malformed one 400, and nothing is ever changed. HTML by default, JSON for
 * `Accept: application/json` (or `?format=json`). Hosted Supabase serves text/html only on a
 * custom domain (ticket_view_base_url); on the default domain the page arrives as plain text,
 * and the JSON works everywhere.
 */
import { HttpError, json, requireMethod, withErrors } from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import { verifyTicketLink } from "../_shared/ticket_link.ts";
import { renderErrorPage, renderTicketPage } from "./page.ts";

/** What app_private.ticket_view() returns. */
export interface TicketView {
  ticket: {
    id: string;
    number: number;
    label: string;
    subject: string;
    body: string;
    channel: string;
    status: string;
    priority: string;
    category: string | null;
    sub_category: string | null;
    language: string | null;
    tags: string[];
    is_escalated: boolean;
    escalation_reasons: string[];
    is_spam: boolean;
    is_auto_resolved: boolean;
    reopened_count: number;
    created_at: string;
    routed_at: string | null;
    assigned_at: string | null;
    first_response_at: string | null;
    resolved_at: string | null;
  };
  customer: { name: string | null; email: string; tier: string };
  team: string | null;
  agent: string | null;
  sla: {
    first_response_deadline: string | null;
    first_response_status: string;
    resolution_deadline: string | null;
    resolution_status: string;
    paused: boolean;
  } | null;
  analysis: Record<string, unknown> | null;
  routing: Record<string, unknown> | null;
  events: { at: string; type: string; actor_type: string; actor: string | null; data: unknown }[];
  messages: {
    at: string;
    direction: string;
    channel: string;
    sender_type: string | null;
    sender_email: string | null;
    body: string;
    ai: boolean;
    review_status: string | null;
    sent_at: string | null;
  }[];
}

/** Storage port: one call of app_private.ticket_view(). */
export interface TicketViewStore {
  view(ticketId: string): Promise<TicketView | null>;
}

/** Everything the handler needs. */
export interface TicketViewDeps {
  store: TicketViewStore;
  /** Secrets that verify links (the first also signs them in notify); empty: 503. */
  secrets: string[];
  log: Log;
  now?: () => number;
}

const REFUSAL = {
  malformed: [400, "Cannot open this link: it is not a complete ticket link"],
  bad_signature: [403, "Cannot open this link: its signature is not valid"],
  expired: [410, "Cannot open this link: it has expired; use View Ticket on a newer message"],
} as const;

/** Headers of every answer: never cached, indexed or sent on as a referrer. */
const PRIVATE = {
  "cache-control": "private, no-store",
  "x-robots-tag": "noindex, nofollow",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
};

/** Builds the handler behind View Ticket links. */
export function createTicketViewHandler(deps: TicketViewDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return withErrors(async (req) => {
    const url = new URL(req.url);
    const asJson = url.searchParams.get("format") === "json" ||
      /application\/json/i.test(req.headers.get("accept") ?? "");
    try {
      requireMethod(req, ["GET"]);
      if (deps.secrets.length === 0) {
        throw new HttpError(
          503,
          "Cannot show tickets: no link secret is configured (set ISTS_TICKET_LINK_SECRETS)",
        );
      }
      const check = verifyTicketLink(deps.secrets, url.searchParams, Math.floor(now() / 1000));
      if (!check.ok) {
        const [status, message] = REFUSAL[check.reason];
        deps.log("ticket link refused", { reason: check.reason });
        throw new HttpError(status, message);
      }
      const view = await deps.store.view(check.ticketId);
      if (!view) throw new HttpError(404, "Cannot find the ticket: it no longer exists");
      if (asJson) return json({ ...view, link_expires_at: check.expiresAtS }, { headers: PRIVATE });
      return new Response(renderTicketPage(view, { expiresAtS: check.expiresAtS }), {
        headers: { ...PRIVATE, ...HTML_HEADERS },
      });
    } catch (error) {
      if (asJson || !(error instanceof HttpError)) throw error;
      return new Response(renderErrorPage(error.status, error.message), {
        status: error.status,
        headers: { ...PRIVATE, ...HTML_HEADERS },
      });
    }
  }, deps.log);
}

const HTML_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  // Inline styles only: no script, no outside resource, no framing.
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
};
