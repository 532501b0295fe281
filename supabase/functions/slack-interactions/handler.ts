/**
 * POST /functions/v1/slack-interactions: Slack's Interactivity request URL and the /ticket
 * slash command's URL. Verifies the signing secret over the raw body (5-minute window), does
 * the action in one SQL call (app_private.slack_console) and answers within the request, well
 * inside Slack's 3 seconds. A slash command's answer is the ephemeral reply itself; a refused
 * button click (unknown user, a ticket that changed meanwhile, no capacity) is explained
 * ephemerally through the response_url. The clicked message and its other copies are updated
 * by the notify stage (chat.update, retried from the job queue), so a Slack outage never
 * undoes or loses the action. An AI draft's Edit and Reject open a window (views.open with the
 * click's trigger_id, after checking the draft may still be decided); its submission decides
 * the draft, or shows why not in the window itself.
 */
import { HttpError, json, readBytes, requireMethod, withErrors } from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import type { SlackModals } from "../_shared/slack.ts";
import {
  type DraftForModal,
  editDraftModal,
  noticeModal,
  rejectDraftModal,
} from "../_shared/slack_draft.ts";
import { verifySlackRequest } from "../_shared/slack_signature.ts";
import { type ConsoleCall, parseSlackRequest, type SlackRequest } from "./request.ts";

/** Slack's interaction payloads are small; anything larger is not Slack. */
export const MAX_BODY_BYTES = 256 * 1024;

/** What app_private.slack_console() answers. */
export interface ConsoleAnswer {
  ok: boolean;
  text: string;
  ticket_id?: string | null;
  ticket_number?: number | null;
  /** review_draft: the draft the Edit or Reject window shows. */
  draft?: DraftForModal;
  /** A draft decision refused for its input: the window's field to show the text at. */
  field?: string;
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
  /** Opens the Edit and Reject windows; null without SLACK_BOT_TOKEN. */
  modals: SlackModals | null;
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
    if (request.kind === "open_modal") return await openModal(deps, request);
    if (request.kind === "submit") return await submitModal(deps, request);

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
    if (!answer.ok) await explain(deps, request.responseUrl, answer.text);
    return new Response(null, { status: 200 });
  }, deps.log);
}

/** Explains a refused click to the person who clicked, through the click's response_url. */
async function explain(deps: SlackInteractionsDeps, url: string | null, text: string) {
  if (!url) return;
  await deps.respond(url, { response_type: "ephemeral", replace_original: false, text })
    .catch((error) => deps.log("cannot answer through response_url", { error: String(error) }));
}

/** Edit or Reject: checks the draft can still be decided, then opens its window. */
async function openModal(
  deps: SlackInteractionsDeps,
  request: Extract<SlackRequest, { kind: "open_modal" }>,
): Promise<Response> {
  const answer = await deps.store.act(request.slackUserId, request.call);
  deps.log("slack console action", {
    source: "button",
    action: `${request.call.action}:${request.modal}`,
    slack_user: request.slackUserId,
    ticket: answer.ticket_id ?? null,
    ok: answer.ok,
    text: answer.text,
  });
  if (!answer.ok || !answer.draft) {
    await explain(deps, request.responseUrl, answer.text || "That draft cannot be reviewed now.");
    return new Response(null, { status: 200 });
  }
  if (!deps.modals || !request.triggerId) {
    await explain(
      deps,
      request.responseUrl,
      !deps.modals
        ? "The Edit and Reject windows need the bot token (SLACK_BOT_TOKEN); nothing was changed."
        : "Slack sent no trigger to open the window with; click again. Nothing was changed.",
    );
    return new Response(null, { status: 200 });
  }
  const view = request.modal === "edit"
    ? editDraftModal(answer.draft, request.meta)
    : rejectDraftModal(answer.draft, request.meta);
  try {
    await deps.modals.open(request.triggerId, view);
  } catch (error) {
    deps.log("cannot open the draft window", { error: String(error) });
    await explain(
      deps,
      request.responseUrl,
      `Slack did not open the window (${
        (error as Error).message
      }); click again. Nothing was changed.`,
    );
  }
  return new Response(null, { status: 200 });
}

/** A submitted Edit or Reject window: closes on success, shows a refusal inside it. */
async function submitModal(
  deps: SlackInteractionsDeps,
  request: Extract<SlackRequest, { kind: "submit" }>,
): Promise<Response> {
  const answer = await deps.store.act(request.slackUserId, request.call);
  deps.log("slack console action", {
    source: "modal",
    action: request.call.action,
    slack_user: request.slackUserId,
    ticket: answer.ticket_id ?? null,
    ok: answer.ok,
    text: answer.text,
  });
  // An empty 200 closes the window; the draft's message is updated by the notify stage.
  if (answer.ok) return new Response(null, { status: 200 });
  if (answer.field) {
    return json({ response_action: "errors", errors: { [request.inputBlock]: answer.text } });
  }
  return json({ response_action: "update", view: noticeModal("Nothing was sent", answer.text) });
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
