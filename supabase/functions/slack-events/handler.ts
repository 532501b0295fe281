/**
 * POST /functions/v1/slack-events: Slack's Events API request URL. Verifies the signing secret
 * over the raw body (5-minute replay window), answers url_verification, and stores each
 * event_callback in one insert before answering 200, well inside Slack's 3 seconds; the work
 * happens later from the job queue (process.ts). A retry of a stored event_id is answered 200
 * and stored once. The same URL, called with the service-role bearer, is the queue's stage.
 */
import { HttpError, json, readBytes, requireMethod, withErrors } from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import { withRetries } from "../_shared/retry.ts";
import { verifySlackRequest } from "../_shared/slack_signature.ts";
import { arrivalIgnoreReason, SlackEnvelope } from "./event.ts";

export {
  SIGNATURE_WINDOW_S,
  slackSignature,
  verifySlackRequest,
} from "../_shared/slack_signature.ts";

/** Slack's requests are small; anything larger is not Slack. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** What storing an event did. */
export interface ReceivedEvent {
  slackEventId: number;
  duplicate: boolean;
  status: string;
}

/** Storage port of the acknowledging path (app_private.receive_slack_event). */
export interface SlackEventInbox {
  receive(
    eventId: string,
    envelope: Record<string, unknown>,
    options: { ignoreReason: string | null; retryNum: number | null; retryReason: string | null },
  ): Promise<ReceivedEvent>;
}

/** Everything the acknowledging handler needs. */
export interface SlackEventsDeps {
  inbox: SlackEventInbox;
  /** The Slack app's signing secret; unset: every request is answered 503. */
  signingSecret?: string;
  /** Channel ids whose messages become tickets. */
  supportChannels: string[];
  log: Log;
  now?: () => number;
}

/** Parses JSON, dropping what Postgres text cannot hold (NUL, unpaired surrogates). */
function parseBody(body: Uint8Array): unknown {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(body);
    return JSON.parse(
      text,
      (_key, value) =>
        typeof value === "string" ? value.replaceAll("\u0000", "").toWellFormed() : value,
    );
  } catch {
    throw new HttpError(400, "Cannot parse body: it is not valid UTF-8 JSON");
  }
}

function retryNumber(headers: Headers): number | null {
  const value = headers.get("x-slack-retry-num");
  return value !== null && /^\d{1,6}$/.test(value) ? Number(value) : null;
}

/** Builds the handler Slack posts events to. */
export function createSlackEventsHandler(
  deps: SlackEventsDeps,
): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return withErrors(async (req) => {
    requireMethod(req, ["POST"]);
    if (!deps.signingSecret) {
      throw new HttpError(
        503,
        "Cannot accept Slack events: slack-events is not configured (set SLACK_SIGNING_SECRET)",
      );
    }
    const body = await readBytes(req, MAX_EVENT_BYTES);
    await verifySlackRequest(req.headers, body, { secret: deps.signingSecret, nowMs: now() });
    const value = parseBody(body);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new HttpError(422, "Cannot read event: the body must be a JSON object");
    }
    const object = value as Record<string, unknown>;
    if (object.type === "url_verification") {
      if (typeof object.challenge !== "string" || object.challenge === "") {
        throw new HttpError(422, "Cannot answer url_verification: challenge is missing");
      }
      return json({ challenge: object.challenge });
    }
    if (object.type === "app_rate_limited") {
      deps.log("slack rate-limited our event subscriptions", {
        minute: object.minute_rate_limited,
      });
      return json({ ok: true });
    }
    if (object.type !== "event_callback") {
      deps.log("slack request of an unknown type ignored", { type: String(object.type) });
      return json({ ok: true, ignored: `type ${String(object.type)}` });
    }
    const parsed = SlackEnvelope.safeParse(object);
    if (!parsed.success) {
      throw new HttpError(
        422,
        "Cannot read event: not a valid event_callback",
        parsed.error.issues.map((i) => ({ field: i.path.join("."), problem: i.message })),
      );
    }
    if (deps.supportChannels.length === 0) {
      throw new HttpError(
        503,
        "Cannot accept Slack events: no support channel is configured (set ISTS_SLACK_SUPPORT_CHANNEL)",
      );
    }
    const envelope = parsed.data;
    const reason = arrivalIgnoreReason(envelope, deps.supportChannels);
    // 3 retries after 50, 200 and 800 ms: the answer still reaches Slack within its 3 s.
    const received = await withRetries(
      () =>
        deps.inbox.receive(envelope.event_id, object, {
          ignoreReason: reason,
          retryNum: retryNumber(req.headers),
          retryReason: req.headers.get("x-slack-retry-reason"),
        }),
      { baseMs: 50 },
    );
    deps.log(received.duplicate ? "slack event repeated" : "slack event stored", {
      event_id: envelope.event_id,
      slack_event: received.slackEventId,
      status: received.status,
      reason,
      retry: retryNumber(req.headers),
    });
    return json({
      ok: true,
      slack_event_id: received.slackEventId,
      duplicate: received.duplicate,
      status: received.status,
    });
  }, deps.log);
}

/**
 * One URL for both callers: Slack (signed, no Authorization header) and the job queue's ring
 * (service-role bearer, no Slack signature).
 */
export function routeSlackEventsRequest(handlers: {
  events: (req: Request) => Promise<Response>;
  stage: (req: Request) => Promise<Response>;
}): (req: Request) => Promise<Response> {
  return (req) =>
    req.headers.has("authorization") && !req.headers.has("x-slack-signature")
      ? handlers.stage(req)
      : handlers.events(req);
}
