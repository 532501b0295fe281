/**
 * What Slack posts to the interactivity URL, read into the console's actions: block_actions
 * from the "New Ticket" message (Reassign, Escalate, the "Reassign to…" menu, View Ticket) and
 * from an AI draft's message (Approve & send, Edit, Reject), view_submission of the Edit and
 * Reject windows, and the /ticket slash command (also `/ticket reply 42 <answer>`).
 */
import { z } from "zod";
import { type MessageState, parseActionsBlockId, UUID } from "../_shared/slack.ts";
import {
  decodeModalMetadata,
  DRAFT_ACTIONS,
  DRAFT_INPUTS,
  DRAFT_MODALS,
  type DraftModalMetadata,
  parseDraftActionsBlockId,
} from "../_shared/slack_draft.ts";
import { slackMarkupToText } from "../_shared/slack_markup.ts";

/** Actions of app_private.slack_console(). */
export type ConsoleAction =
  | "status"
  | "reassign"
  | "assign_me"
  | "escalate"
  | "resolve"
  | "priority"
  | "availability"
  | "reply"
  | "approve_draft"
  | "edit_draft"
  | "reject_draft"
  | "review_draft";

/** One call of app_private.slack_console(). */
export interface ConsoleCall {
  action: ConsoleAction;
  args: {
    ticket_id?: string;
    ticket_number?: number;
    target_agent_id?: string;
    priority?: string;
    availability?: string;
    /** Drafts: the responses row the action decides. */
    response_id?: string;
    /** An answer (reply) or the edited draft (edit_draft). */
    text?: string;
    /** Why a draft is rejected. */
    reason?: string;
    /** review_draft: the decision whose window is about to open. */
    decision?: "edit" | "reject";
    /** reply: where the answer was written. */
    source?: { via: "slack_command" | "slack_thread"; channel?: string; ts?: string };
    /** The state the clicked message showed; the action is refused if the ticket differs. */
    expected?: { assignee: string; status?: string };
    /** The clicked message, refreshed with the ticket as it now is. */
    message?: { channel: string; ts: string };
  };
}

/** What a request asks for. */
export type SlackRequest =
  | {
    kind: "call";
    source: "button" | "command";
    slackUserId: string;
    responseUrl: string | null;
    call: ConsoleCall;
  }
  | {
    /** Edit or Reject: check the draft, then open its window with the click's trigger_id. */
    kind: "open_modal";
    modal: "edit" | "reject";
    slackUserId: string;
    responseUrl: string | null;
    triggerId: string | null;
    call: ConsoleCall;
    meta: DraftModalMetadata;
  }
  | {
    /** A submitted Edit or Reject window; a refusal is shown in it (`inputBlock`: its field). */
    kind: "submit";
    slackUserId: string;
    inputBlock: string;
    call: ConsoleCall;
  }
  | { kind: "reply"; text: string }
  | { kind: "ignore"; reason: string };

const Action = z.object({
  action_id: z.string(),
  block_id: z.string().optional(),
  value: z.string().optional(),
  selected_option: z.object({ value: z.string() }).loose().nullish(),
}).loose();

/** The block_actions payload, as far as the console reads it. */
export const BlockActions = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string().min(1) }).loose(),
  actions: z.array(Action).min(1),
  container: z.object({
    type: z.string().optional(),
    channel_id: z.string().optional(),
    message_ts: z.string().optional(),
  }).loose().optional(),
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string() }).loose().nullish(),
  message: z.object({ ts: z.string().optional() }).loose().nullish(),
  response_url: z.string().optional(),
}).loose();

/** The view_submission payload of the Edit and Reject windows, as far as the console reads it. */
export const ViewSubmission = z.object({
  type: z.literal("view_submission"),
  user: z.object({ id: z.string().min(1) }).loose(),
  view: z.object({
    callback_id: z.string().optional(),
    private_metadata: z.string().optional(),
    state: z.object({
      values: z.record(
        z.string(),
        z.record(z.string(), z.object({ value: z.string().nullish() }).loose()),
      ),
    }).loose().optional(),
  }).loose(),
}).loose();

const HELP = [
  "*/ticket* — work on ISTS tickets from Slack:",
  "• `/ticket 1234` — status of #T-1234",
  "• `/ticket reply 1234 <answer>` — send your answer to the customer (as e-mail, in their Slack thread or by webhook)",
  "• `/ticket 1234 assign me` — take it (within your capacity)",
  "• `/ticket 1234 reassign` — give it to the next best available teammate",
  "• `/ticket 1234 escalate` — raise its priority, move it to a senior, tell the lead",
  "• `/ticket 1234 resolve` — mark it resolved",
  "• `/ticket 1234 priority urgent|high|medium|low` — set its priority",
  "• `/ticket available`, `/ticket away`, `/ticket offline` — your own availability",
].join("\n");

/** The answer to `/ticket help`. */
export const COMMAND_HELP = HELP;

const PRIORITIES = new Set(["urgent", "high", "medium", "low"]);
const AVAILABILITY = new Set(["available", "away", "offline"]);

/** Reads a ticket reference: 1234, #1234, T-1234, #T-1234 or the ticket's UUID. */
export function parseTicketRef(
  text: string,
): Pick<ConsoleCall["args"], "ticket_id" | "ticket_number"> | null {
  const ref = text.trim().toLowerCase();
  if (UUID.test(ref)) return { ticket_id: ref };
  const m = /^#?(?:t-?)?(\d{1,15})$/.exec(ref);
  if (!m) return null;
  const number = Number(m[1]);
  return Number.isSafeInteger(number) && number > 0 ? { ticket_number: number } : null;
}

/**
 * Reads `/ticket reply 1234 <answer>` (or `/ticket 1234 reply <answer>`), keeping the answer's
 * case and lines; null when the command is something else.
 */
export function parseReplyCommand(text: string): ConsoleCall | { reply: string } | null {
  const m = /^\s*(?:reply\s+(\S+)|(\S+)\s+reply)(?:\s+([\s\S]*))?$/i.exec(text) ??
    /^\s*reply\s*$/i.exec(text);
  if (!m) return null;
  const refText = m[1] ?? m[2];
  if (!refText) {
    return { reply: "Say which ticket to answer: `/ticket reply 1234 Thanks for waiting, …`." };
  }
  const ref = parseTicketRef(refText);
  if (!ref) {
    return {
      reply: `I cannot read "${refText}" as a ticket number (try \`/ticket reply 1234 …\`).`,
    };
  }
  const answer = slackMarkupToText(m[3] ?? "").replace(/\r\n?/g, "\n").trim();
  if (!answer) {
    return {
      reply:
        `Write the answer after the ticket number: \`/ticket reply ${refText} Thanks for waiting, …\`.`,
    };
  }
  return { action: "reply", args: { ...ref, text: answer, source: { via: "slack_command" } } };
}

/** Reads the text of a /ticket command into a console call, or the answer to give instead. */
export function parseCommand(text: string): ConsoleCall | { reply: string } {
  const reply = parseReplyCommand(text);
  if (reply) return reply;
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words[0] === "help") return { reply: HELP };
  if (words.length === 1 && AVAILABILITY.has(words[0])) {
    return { action: "availability", args: { availability: words[0] } };
  }
  if (words[0] === "available" || words[0] === "away" || words[0] === "offline") {
    return { reply: `Say just \`/ticket ${words[0]}\` to set your availability.` };
  }
  const ref = parseTicketRef(words[0]);
  if (!ref) {
    return {
      reply: `I cannot read "${words[0]}" as a ticket number (try \`/ticket 1234\`).\n\n${HELP}`,
    };
  }
  const rest = words.slice(1).join(" ");
  if (rest === "" || rest === "status") return { action: "status", args: ref };
  if (["assign me", "assign to me", "take", "mine"].includes(rest)) {
    return { action: "assign_me", args: ref };
  }
  if (rest === "reassign") return { action: "reassign", args: ref };
  if (rest === "escalate") return { action: "escalate", args: ref };
  if (rest === "resolve" || rest === "resolved") return { action: "resolve", args: ref };
  const priority = /^(?:priority|prio|p)\s+(\S+)$/.exec(rest);
  if (priority) {
    if (!PRIORITIES.has(priority[1])) {
      return { reply: `"${priority[1]}" is not a priority: use urgent, high, medium or low.` };
    }
    return { action: "priority", args: { ...ref, priority: priority[1] } };
  }
  return { reply: `I do not know "${rest}".\n\n${HELP}` };
}

function expectedOf(state: MessageState | null): ConsoleCall["args"]["expected"] {
  return state ? { assignee: state.assignee ?? "", status: state.status } : undefined;
}

/** Reads a click on an AI draft's message: Approve & send, or opening Edit or Reject. */
function parseDraftAction(
  payload: z.infer<typeof BlockActions>,
  message: { channel: string; ts: string } | undefined,
): SlackRequest {
  const action = payload.actions[0];
  const state = parseDraftActionsBlockId(action.block_id);
  if (!state || action.value !== state.responseId) {
    return { kind: "ignore", reason: `${action.action_id} without a draft, or naming another one` };
  }
  const expected = { assignee: state.assignee ?? "" };
  const slackUserId = payload.user.id;
  const responseUrl = payload.response_url ?? null;
  if (action.action_id === DRAFT_ACTIONS.approve) {
    return {
      kind: "call",
      source: "button",
      slackUserId,
      responseUrl,
      call: { action: "approve_draft", args: { response_id: state.responseId, expected, message } },
    };
  }
  const modal = action.action_id === DRAFT_ACTIONS.edit ? "edit" : "reject";
  return {
    kind: "open_modal",
    modal,
    slackUserId,
    responseUrl,
    triggerId: payload.trigger_id ?? null,
    call: {
      action: "review_draft",
      args: { response_id: state.responseId, decision: modal, expected, message },
    },
    meta: {
      responseId: state.responseId,
      assignee: state.assignee,
      channel: message?.channel ?? null,
      ts: message?.ts ?? null,
    },
  };
}

/** Reads a submitted Edit or Reject window into its decision. */
export function parseViewSubmission(payload: z.infer<typeof ViewSubmission>): SlackRequest {
  const callback = payload.view.callback_id;
  if (callback !== DRAFT_MODALS.edit && callback !== DRAFT_MODALS.reject) {
    return { kind: "ignore", reason: `view_submission of ${String(callback)} is not ours` };
  }
  const meta = decodeModalMetadata(payload.view.private_metadata);
  if (!meta) return { kind: "ignore", reason: "view_submission without our metadata" };
  const input = callback === DRAFT_MODALS.edit ? DRAFT_INPUTS.edit : DRAFT_INPUTS.reject;
  const value = payload.view.state?.values?.[input.block]?.[input.action]?.value ?? "";
  const message = meta.channel && meta.ts ? { channel: meta.channel, ts: meta.ts } : undefined;
  const args: ConsoleCall["args"] = {
    response_id: meta.responseId,
    expected: { assignee: meta.assignee ?? "" },
    message,
    ...(callback === DRAFT_MODALS.edit ? { text: value } : { reason: value }),
  };
  return {
    kind: "submit",
    slackUserId: payload.user.id,
    inputBlock: input.block,
    call: { action: callback === DRAFT_MODALS.edit ? "edit_draft" : "reject_draft", args },
  };
}

/** Reads a block_actions payload (the first action; Slack sends one per click). */
export function parseBlockActions(payload: z.infer<typeof BlockActions>): SlackRequest {
  const action = payload.actions[0];
  const state = parseActionsBlockId(action.block_id);
  const channel = payload.container?.channel_id ?? payload.channel?.id;
  const ts = payload.container?.message_ts ?? payload.message?.ts;
  const message = channel && ts ? { channel, ts } : undefined;
  const base = {
    kind: "call" as const,
    source: "button" as const,
    slackUserId: payload.user.id,
    responseUrl: payload.response_url ?? null,
  };
  if (
    action.action_id === DRAFT_ACTIONS.approve || action.action_id === DRAFT_ACTIONS.edit ||
    action.action_id === DRAFT_ACTIONS.reject
  ) {
    return parseDraftAction(payload, message);
  }
  const ticketId = action.value && UUID.test(action.value) ? action.value : state?.ticketId;
  if (state && ticketId && state.ticketId !== ticketId) {
    return { kind: "ignore", reason: "the button and its block name different tickets" };
  }
  switch (action.action_id) {
    case "view_ticket":
      return { kind: "ignore", reason: "View Ticket is a link" };
    case "reassign_ticket":
    case "escalate_ticket":
      if (!ticketId) return { kind: "ignore", reason: `${action.action_id} without a ticket id` };
      return {
        ...base,
        call: {
          action: action.action_id === "reassign_ticket" ? "reassign" : "escalate",
          args: { ticket_id: ticketId, expected: expectedOf(state), message },
        },
      };
    case "reassign_to": {
      const target = action.selected_option?.value;
      if (!state || !target || !UUID.test(target)) {
        return { kind: "ignore", reason: "reassign_to without a ticket or a chosen agent" };
      }
      return {
        ...base,
        call: {
          action: "reassign",
          args: {
            ticket_id: state.ticketId,
            target_agent_id: target,
            expected: expectedOf(state),
            message,
          },
        },
      };
    }
    default:
      return { kind: "ignore", reason: `action ${action.action_id} is not ours` };
  }
}

/** Reads a form body Slack posted: an interaction (`payload=<json>`) or a slash command. */
export function parseSlackRequest(form: URLSearchParams): SlackRequest {
  const raw = form.get("payload");
  if (raw !== null) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return { kind: "ignore", reason: "payload is not JSON" };
    }
    const type = (value as { type?: unknown } | null)?.type;
    if (type === "view_submission") {
      const submitted = ViewSubmission.safeParse(value);
      if (!submitted.success) return { kind: "ignore", reason: "malformed view_submission" };
      return parseViewSubmission(submitted.data);
    }
    if (type !== "block_actions") return { kind: "ignore", reason: `interaction ${String(type)}` };
    const parsed = BlockActions.safeParse(value);
    if (!parsed.success) return { kind: "ignore", reason: "malformed block_actions" };
    return parseBlockActions(parsed.data);
  }
  const command = form.get("command");
  const userId = form.get("user_id");
  if (command !== null && userId) {
    const parsed = parseCommand(form.get("text") ?? "");
    if ("reply" in parsed) return { kind: "reply", text: parsed.reply };
    return {
      kind: "call",
      source: "command",
      slackUserId: userId,
      responseUrl: form.get("response_url"),
      call: parsed,
    };
  }
  return { kind: "ignore", reason: "neither an interaction payload nor a slash command" };
}
