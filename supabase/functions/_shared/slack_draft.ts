/**
 * AI drafts in Slack: the review message the notify stage posts in the ticket's thread (the
 * draft, why it was not sent automatically, the gates that failed, Approve & send / Edit /
 * Reject), the same message once decided, and the Edit and Reject windows (modals) that
 * slack-interactions opens. The buttons and windows carry the draft's id and the assignee the
 * message showed, so a decision on a ticket that changed meanwhile is refused.
 */
import { escapeMrkdwn, UUID } from "./slack.ts";

/** What app_private.answer_draft_view() says about a draft. */
export interface AnswerDraft {
  response_id: string;
  ticket_id: string;
  ticket_number: number;
  /** The ticket's channel: where the answer goes (email, slack, api, web). */
  channel: string;
  customer_name: string | null;
  customer_email: string;
  /** agents.id of the ticket's assignee when rendered (the state the buttons act on). */
  assignee_id: string | null;
  ticket_status: string;
  /** The draft, or once edited the text sent. */
  body: string;
  /** The AI's original draft when an agent edited it. */
  draft_body: string | null;
  language: string | null;
  review_status: "pending" | "approved" | "edited" | "rejected" | "auto_sent";
  review_reasons: string[];
  quality_gates: Record<string, { pass?: boolean; detail?: string }>;
  confidence: number | string | null;
  min_confidence: number | string;
  model: string | null;
  edit_distance: number | null;
  review_note: string | null;
  /** Unix seconds. */
  reviewed_at: number | string | null;
  reviewer_name: string | null;
  reviewer_slack_user_id: string | null;
  articles: { title: string; url: string | null }[];
}

/** The draft's state its buttons were rendered for. */
export interface DraftState {
  responseId: string;
  /** agents.id of the assignee the message showed; null when the ticket was queued. */
  assignee: string | null;
}

const DRAFT_BLOCK = "draft_actions";
/** Action ids of the draft message's buttons. */
export const DRAFT_ACTIONS = {
  approve: "approve_draft",
  edit: "edit_draft",
  reject: "reject_draft",
} as const;
/** callback_id of the Edit and Reject windows. */
export const DRAFT_MODALS = { edit: "edit_draft", reject: "reject_draft" } as const;
/** block_id / action_id of the windows' inputs (and of their error messages). */
export const DRAFT_INPUTS = {
  edit: { block: "draft_text", action: "text" },
  reject: { block: "reject_reason", action: "reason" },
} as const;
/** Slack's plain_text_input holds at most this many characters. */
export const SLACK_INPUT_MAX = 3000;

/** `draft_actions:<response>:<assignee|->`. */
export function draftActionsBlockId(state: DraftState): string {
  return [DRAFT_BLOCK, state.responseId, state.assignee ?? "-"].join(":");
}

/** Reads a draft message's block_id back; null when it is not one. */
export function parseDraftActionsBlockId(blockId: string | undefined): DraftState | null {
  const parts = (blockId ?? "").split(":");
  if (parts.length !== 3 || parts[0] !== DRAFT_BLOCK) return null;
  const [, responseId, assignee] = parts;
  if (!UUID.test(responseId) || (assignee !== "-" && !UUID.test(assignee))) return null;
  return { responseId, assignee: assignee === "-" ? null : assignee };
}

const GATE_LABELS: Record<string, string> = {
  has_greeting: "Greeting",
  has_closing: "Closing",
  length_ok: "Length (150–1,000 characters)",
  no_placeholders: "No placeholders",
  mentions_name: "Customer's name",
  no_unauthorized_promises: "No unauthorised promises",
  cites_kb: "Cites the knowledge base",
  no_template_tokens: "No template tokens",
  no_echoed_instructions: "No echoed instructions",
};

const LANGUAGES: Record<string, string> = {
  de: "German",
  es: "Spanish",
  fr: "French",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  pl: "Polish",
  sv: "Swedish",
  da: "Danish",
  ja: "Japanese",
  zh: "Chinese",
};

/** A failed gate's readable name. */
export function gateLabel(gate: string): string {
  return GATE_LABELS[gate] ?? gate.replaceAll("_", " ");
}

/** Why a draft was kept for review, as a support lead reads it (gates are listed apart). */
export function reasonText(
  reason: string,
  draft: Pick<AnswerDraft, "confidence" | "min_confidence">,
): string {
  const fixed: Record<string, string> = {
    low_confidence: `Confidence ${number(draft.confidence)} is not above the auto-send threshold ${
      number(draft.min_confidence)
    }`,
    vip_customer: "VIP customer: answers are always reviewed",
    enterprise_customer: "Enterprise customer: answers are always reviewed",
    escalated: "The ticket is escalated",
    automated_message: "The message looks automated (auto-reply or bulk mail)",
    spam: "The ticket was marked as spam",
    reopened: "The ticket was reopened",
    undeliverable_address: "The customer's address bounced",
    daily_auto_reply_cap: "The customer got the most automatic answers allowed today",
    agent_already_answered: "An agent already answered this ticket",
    auto_answer_pending: "An earlier automatic answer is still waiting to be sent",
    auto_send_disabled: "Automatic sending is turned off (auto_send_enabled)",
    send_already_queued: "Another answer to this ticket was already waiting to be sent",
    needs_translation:
      "The customer wrote in another language: a teammate who speaks it should answer",
    no_kb_article: "No knowledge-base article fits the question",
  };
  if (fixed[reason]) return fixed[reason];
  let m = /^sub_category_(.+)$/.exec(reason);
  if (m) return `${m[1].replaceAll("_", " ")} tickets are always reviewed`;
  m = /^language_(.+)$/.exec(reason);
  if (m) {
    const name = LANGUAGES[m[1]] ? `${LANGUAGES[m[1]]} (${m[1]})` : m[1];
    return `Written in ${name}: automatic answers only go out in the languages of auto_send_languages`;
  }
  m = /^ticket_(.+)$/.exec(reason);
  if (m) return `The ticket was ${m[1].replaceAll("_", " ")} when the answer was drafted`;
  return reason.replaceAll("_", " ");
}

function number(value: number | string | null | undefined): string {
  const n = Number(value);
  return value === null || value === undefined || !Number.isFinite(n) ? "unknown" : n.toFixed(2);
}

const SECTION_MAX = 2900;

function clipText(text: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(text);
  if (chars.length <= max) return { text, cut: false };
  return { text: `${chars.slice(0, max - 1).join("").trimEnd()}…`, cut: true };
}

/** The draft as a Slack quote, escaped and within a section's limit. */
function quoted(text: string, max = SECTION_MAX): { text: string; cut: boolean } {
  // Escaping can lengthen the text; clip on the escaped form by trying shorter cuts.
  let limit = max;
  for (;;) {
    const clipped = clipText(text, limit);
    const body = escapeMrkdwn(clipped.text).split("\n").map((line) => `>${line}`).join("\n");
    if (body.length <= max || limit < 100) return { text: body.slice(0, max), cut: clipped.cut };
    limit = Math.floor(limit * 0.8);
  }
}

function where(draft: AnswerDraft): string {
  switch (draft.channel) {
    case "email":
      return `by e-mail to ${escapeMrkdwn(draft.customer_email)}`;
    case "slack":
      return "in the customer's Slack thread";
    default:
      return "through the answer webhook";
  }
}

function reviewerOf(draft: AnswerDraft): string {
  if (draft.reviewer_slack_user_id && /^[UW][A-Z0-9]{2,}$/.test(draft.reviewer_slack_user_id)) {
    return `<@${draft.reviewer_slack_user_id}>`;
  }
  return escapeMrkdwn(draft.reviewer_name ?? "someone");
}

function dateOf(seconds: number | string | null): string {
  const s = Number(seconds);
  if (seconds === null || !Number.isSafeInteger(s)) return "";
  return ` · <!date^${s}^{date_short_pretty} {time}|${new Date(s * 1000).toISOString()}>`;
}

/** Renders the review message of a draft: pending with its buttons, or decided. */
export function renderAnswerDraft(draft: AnswerDraft): { text: string; blocks: unknown[] } {
  const label = `#T-${draft.ticket_number}`;
  const customer = escapeMrkdwn(draft.customer_name ?? draft.customer_email);
  const blocks: unknown[] = [];
  const pending = draft.review_status === "pending";
  const title = pending
    ? `AI draft for ${label}: waiting for review`
    : draft.review_status === "rejected"
    ? `AI draft for ${label}: rejected`
    : draft.review_status === "edited"
    ? `AI draft for ${label}: edited and sent`
    : draft.review_status === "approved"
    ? `AI draft for ${label}: approved and sent`
    : `AI answer for ${label}: sent automatically`;
  blocks.push({ type: "header", text: { type: "plain_text", text: title, emoji: true } });
  blocks.push({
    type: "section",
    text: {
      type: "mrkdwn",
      text: `${
        pending ? "*Draft answer*" : draft.review_status === "rejected" ? "*Draft*" : "*Sent*"
      } to ${customer}, ${where(draft)}:`,
    },
  });
  const shown = quoted(draft.body);
  blocks.push({ type: "section", text: { type: "mrkdwn", text: shown.text || ">" } });

  if (pending) {
    const failed = Object.entries(draft.quality_gates ?? {})
      .filter(([, g]) => g?.pass !== true)
      .map(([name, g]) =>
        `• *${escapeMrkdwn(gateLabel(name))}*${
          g?.detail ? `: ${escapeMrkdwn(clipText(String(g.detail), 300).text)}` : ""
        }`
      );
    const reasons = (draft.review_reasons ?? [])
      .filter((r) => !r.startsWith("gate_"))
      .map((r) => `• ${escapeMrkdwn(reasonText(r, draft))}`);
    const why = [
      failed.length ? `*Quality gates failed:*\n${failed.join("\n")}` : "",
      reasons.length ? `*Not sent automatically because:*\n${reasons.join("\n")}` : "",
    ].filter(Boolean).join("\n");
    if (why) {
      blocks.push({
        type: "section",
        text: { type: "mrkdwn", text: clipText(why, SECTION_MAX).text },
      });
    }
  }

  const facts = [
    `Confidence ${number(draft.confidence)}`,
    draft.model ? escapeMrkdwn(draft.model) : null,
    draft.language && draft.language !== "en" ? `language ${escapeMrkdwn(draft.language)}` : null,
    ...(draft.articles ?? []).slice(0, 3).map((a) =>
      a.url && /^https?:\/\//.test(a.url)
        ? `<${escapeMrkdwn(a.url)}|${escapeMrkdwn(clipText(a.title, 80).text)}>`
        : escapeMrkdwn(clipText(a.title, 80).text)
    ),
    shown.cut ? "the message shows the draft's start; Edit shows all of it" : null,
  ].filter((f): f is string => Boolean(f));
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: facts.join(" · ") }] });

  if (pending) {
    const elements: unknown[] = [
      {
        type: "button",
        text: { type: "plain_text", text: "Approve & send", emoji: true },
        style: "primary",
        action_id: DRAFT_ACTIONS.approve,
        value: draft.response_id,
      },
    ];
    if (Array.from(draft.body).length <= SLACK_INPUT_MAX) {
      elements.push({
        type: "button",
        text: { type: "plain_text", text: "Edit", emoji: true },
        action_id: DRAFT_ACTIONS.edit,
        value: draft.response_id,
      });
    }
    elements.push({
      type: "button",
      text: { type: "plain_text", text: "Reject", emoji: true },
      style: "danger",
      action_id: DRAFT_ACTIONS.reject,
      value: draft.response_id,
    });
    blocks.push({
      type: "actions",
      block_id: draftActionsBlockId({
        responseId: draft.response_id,
        assignee: draft.assignee_id && UUID.test(draft.assignee_id) ? draft.assignee_id : null,
      }),
      elements,
    });
  } else {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: decisionLine(draft) }] });
  }
  const fallback = pending
    ? `${title}. Draft to ${draft.customer_name ?? draft.customer_email}: ${
      clipText(draft.body.replace(/\s+/g, " "), 300).text
    }`
    : `${title}. ${decisionLine(draft).replace(/<[^>]*\|([^>]*)>/g, "$1")}`;
  return { text: clipText(fallback, 3000).text, blocks };
}

/** Who decided a draft, and what: the line a decided draft message ends with. */
export function decisionLine(draft: AnswerDraft): string {
  const who = reviewerOf(draft);
  const at = dateOf(draft.reviewed_at);
  switch (draft.review_status) {
    case "approved":
      return `:white_check_mark: Approved as written by ${who}${at}`;
    case "edited": {
      const n = Number(draft.edit_distance ?? 0);
      return `:pencil2: Edited by ${who} (${n} character${
        n === 1 ? "" : "s"
      } changed; the AI's draft is kept)${at}`;
    }
    case "rejected":
      return `:x: Rejected by ${who}${at}: ${
        escapeMrkdwn(clipText(draft.review_note ?? "", 1500).text)
      }\nAnswer the customer with \`>> your answer\` in this thread or \`/ticket reply ${draft.ticket_number} …\`.`;
    default:
      return ":robot_face: Sent automatically";
  }
}

/** What the Edit and Reject windows carry back in private_metadata. */
export interface DraftModalMetadata {
  responseId: string;
  /** The assignee the draft message showed ("" when queued): the expected state. */
  assignee: string | null;
  /** The draft message the window was opened from. */
  channel: string | null;
  ts: string | null;
}

/** Encodes the window's metadata (well under Slack's 3,000 characters). */
export function encodeModalMetadata(meta: DraftModalMetadata): string {
  return JSON.stringify({
    r: meta.responseId,
    a: meta.assignee ?? "",
    c: meta.channel,
    t: meta.ts,
  });
}

/** Decodes a window's metadata; null when it is not ours. */
export function decodeModalMetadata(raw: string | undefined): DraftModalMetadata | null {
  try {
    const v = JSON.parse(raw ?? "") as Record<string, unknown>;
    if (typeof v.r !== "string" || !UUID.test(v.r)) return null;
    const assignee = typeof v.a === "string" && UUID.test(v.a) ? v.a : null;
    return {
      responseId: v.r,
      assignee,
      channel: typeof v.c === "string" && v.c ? v.c : null,
      ts: typeof v.t === "string" && v.t ? v.t : null,
    };
  } catch {
    return null;
  }
}

/** The draft as the windows show it (app_private.slack_review_draft 'review'). */
export interface DraftForModal {
  response_id: string;
  body: string;
  ticket_number: number;
  channel: string;
  customer: string;
}

function plain(text: string, max: number) {
  return { type: "plain_text", text: clipText(text, max).text, emoji: true };
}

function whereTo(draft: DraftForModal): string {
  return draft.channel === "email"
    ? "by e-mail"
    : draft.channel === "slack"
    ? "in their Slack thread"
    : "through the answer webhook";
}

/** The Edit window: the draft in a text box; submitting sends the edited text. */
export function editDraftModal(draft: DraftForModal, meta: DraftModalMetadata): unknown {
  return {
    type: "modal",
    callback_id: DRAFT_MODALS.edit,
    private_metadata: encodeModalMetadata(meta),
    title: plain(`Edit #T-${draft.ticket_number}`, 24),
    submit: plain("Send", 24),
    close: plain("Cancel", 24),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Your answer to *${escapeMrkdwn(clipText(draft.customer, 200).text)}* goes out ${
            whereTo(draft)
          } when you press Send. The AI's draft is kept for the metrics.`,
        },
      },
      {
        type: "input",
        block_id: DRAFT_INPUTS.edit.block,
        label: plain("Answer", 2000),
        element: {
          type: "plain_text_input",
          action_id: DRAFT_INPUTS.edit.action,
          multiline: true,
          min_length: 1,
          max_length: SLACK_INPUT_MAX,
          initial_value: clipText(draft.body, SLACK_INPUT_MAX).text,
        },
      },
    ],
  };
}

/** The Reject window: asks why; submitting rejects the draft and sends nothing. */
export function rejectDraftModal(draft: DraftForModal, meta: DraftModalMetadata): unknown {
  return {
    type: "modal",
    callback_id: DRAFT_MODALS.reject,
    private_metadata: encodeModalMetadata(meta),
    title: plain(`Reject #T-${draft.ticket_number}`, 24),
    submit: plain("Reject", 24),
    close: plain("Cancel", 24),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Nothing is sent to *${
            escapeMrkdwn(clipText(draft.customer, 200).text)
          }*. Then answer with \`>> your answer\` in the thread or \`/ticket reply ${draft.ticket_number} …\`.`,
        },
      },
      {
        type: "input",
        block_id: DRAFT_INPUTS.reject.block,
        label: plain("Why is the draft wrong?", 2000),
        hint: plain("Kept with the draft; it shows the team what the AI gets wrong.", 2000),
        element: {
          type: "plain_text_input",
          action_id: DRAFT_INPUTS.reject.action,
          multiline: true,
          min_length: 1,
          max_length: 2000,
        },
      },
    ],
  };
}

/** A window that only explains (the decision was refused), replacing the one submitted. */
export function noticeModal(title: string, text: string): unknown {
  return {
    type: "modal",
    title: plain(title, 24),
    close: plain("Close", 24),
    blocks: [{ type: "section", text: { type: "mrkdwn", text: clipText(text, SECTION_MAX).text } }],
  };
}
