/**
 * POST /functions/v1/slack-interactions: Slack's Interactivity request URL and the /ticket
 * slash command's URL. Verifies the signing secret over the raw body (5-minute window), does
 * the action in one SQL call (app_private.slack_console) and answers within the request, well
 * inside Slack's 3 seconds. A slash command's answer is the ephemeral reply itself; a refused
 * button click (unknown user, a ticket that changed meanwhile, no capacity) is explained
 * ephemerally through the response_url. The clicked message and its other copies are updated
 * by the notify stage (chat.update, retried from the job queue), so a Slack outage never
 * undoes or loses the action.
 */
import { HttpError, json, readBytes, requireMethod, withErrors } from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import { verifySlackRequest } from "../_shared/slack_signature.ts";
import { type ConsoleCall, parseSlackRequest } from "./request.ts";

/** Slack's interaction payloads are small; anything larger is not Slack. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What app_private.slack_console() answers. */
export interface ConsoleAnswer {
  ok: boolean;
  text: string;
  ticket_id?: string | null;
  ticket_number?: number | null;
}

/** Storage port: one call of app_private.slack_console(). */
export interface ConsoleStore {
  act(slackUserId: string, call: ConsoleCall): Promise<ConsoleAnswer>;
}

/** Posts a message to a Slack response_url (an ephemeral explanation). */
export type Responder = (url: string, body: Record<string, unknown>) => Promise<void>;

/** Everything the handler needs. */
export interface SlackInteractionsDeps {
  store: ConsoleStore;
  /** The Slack app's signing secret; unset: every request is answered 503. */
  signingSecret?: string;
  respond: Responder;
  log: Log;
  now?: () => number;
}

/** Builds the handler Slack posts interactions and /ticket commands to. */
export function createSlackInteractionsHandler(
  deps: SlackInteractionsDeps,
): (req: Request) => Promise<Response> {
  const now = deps.now ?? Date.now;
  return withErrors(async (req) => {
    requireMethod(req, ["POST"]);
    if (!deps.signingSecret) {
      throw new HttpError(
        503,
        "Cannot accept Slack interactions: slack-interactions is not configured (set SLACK_SIGNING_SECRET)",
      );
    }
    const body = await readBytes(req, MAX_BODY_BYTES);
    await verifySlackRequest(req.headers, body, { secret: deps.signingSecret, nowMs: now() });
    const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/x-www-form-urlencoded") {
      throw new HttpError(
        415,
        "Cannot read request: Slack sends application/x-www-form-urlencoded",
      );
    }
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      throw new HttpError(400, "Cannot read request: the body is not UTF-8");
    }
    const request = parseSlackRequest(form);
    if (request.kind === "ignore") {
      deps.log("slack interaction ignored", { reason: request.reason });
      return new Response(null, { status: 200 });
    }
    if (request.kind === "reply") return ephemeral(request.text);

    const answer = await deps.store.act(request.slackUserId, request.call);
    deps.log("slack console action", {
      source: request.source,
      action: request.call.action,
      slack_user: request.slackUserId,
      ticket: answer.ticket_id ?? null,
      ok: answer.ok,
      text: answer.text,
    });
    if (request.source === "command") return ephemeral(answer.text);
    // A button: the message update shows what happened; a refusal is explained to the clicker.
    if (!answer.ok && request.responseUrl) {
      await deps.respond(request.responseUrl, {
        response_type: "ephemeral",
        replace_original: false,
        text: answer.text,
      }).catch((error) => deps.log("cannot answer through response_url", { error: String(error) }));
    }
    return new Response(null, { status: 200 });
  }, deps.log);
}

function ephemeral(text: string): Response {
  return json({ response_type: "ephemeral", text });
}

/** Posts to a response_url with a short timeout, so the request stays inside 3 seconds. */
export function createResponder(options: { timeoutMs?: number } = {}): Responder {
  return async (url, body) => {
    if (!/^https?:\/\//.test(url)) throw new TypeError(`Cannot post to response_url "${url}"`);
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
    });
    await res.body?.cancel();
    if (!res.ok) throw new Error(`response_url answered HTTP ${res.status}`);
  };
}
