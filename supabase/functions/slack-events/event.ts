/**
 * Slack events as ISTS reads them: the envelope's shape, which events are customer messages
 * (and why the others are not), Slack's markup turned into plain text, and the normalised
 * message intake stores.
 */
import { z } from "zod";
import {
  isEmailAddress,
  normaliseBody,
  type NormalisedMessage,
  stripControls,
  subjectFromBody,
} from "../_shared/normalise.ts";
import { slackMarkupToText } from "../_shared/slack_markup.ts";

export { slackMarkupToText };

/** A file shared with a message (only what a ticket shows; the content stays in Slack). */
const SlackFile = z.object({
  id: z.string().optional(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  size: z.number().nullish(),
  url_private: z.string().nullish(),
}).loose();

/** The inner event of an event_callback (message and app_mention fields). */
export const SlackEvent = z.object({
  type: z.string().min(1),
  subtype: z.string().optional(),
  hidden: z.boolean().optional(),
  channel: z.string().optional(),
  channel_type: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().nullish(),
  text: z.string().nullish(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  team: z.string().optional(),
  user_team: z.string().optional(),
  files: z.array(SlackFile).optional(),
}).loose();
export type SlackEvent = z.infer<typeof SlackEvent>;

/** The event_callback envelope Slack posts. */
export const SlackEnvelope = z.object({
  type: z.literal("event_callback"),
  event_id: z.string().min(1).max(200),
  team_id: z.string().optional(),
  api_app_id: z.string().optional(),
  event_time: z.number().optional(),
  event: SlackEvent,
  authorizations: z.array(
    z.object({ user_id: z.string().optional(), is_bot: z.boolean().optional() }).loose(),
  ).optional(),
}).loose();
export type SlackEnvelope = z.infer<typeof SlackEnvelope>;

/** Message subtypes that a person wrote: a plain message has none. */
const PERSON_SUBTYPES = new Set(["file_share", "thread_broadcast"]);

/** Our own bot's user ids, as the envelope's authorizations name them. */
export function botUserIds(envelope: SlackEnvelope): string[] {
  return (envelope.authorizations ?? []).filter((a) => a.is_bot && a.user_id).map((a) =>
    a.user_id!
  );
}

/** True for a reply in a thread (not the thread's first message). */
export function isThreadReply(event: SlackEvent): boolean {
  return Boolean(event.thread_ts) && event.thread_ts !== event.ts;
}

/**
 * Why an event is not a message a person wrote, or null: the checks of ignoreReason() except
 * the support channel one (a reply in a ticket's Slack thread counts in any channel).
 */
export function personMessageProblem(envelope: SlackEnvelope): string | null {
  const event = envelope.event;
  if (event.type !== "message" && event.type !== "app_mention") {
    return `event type ${event.type} is not a message`;
  }
  if (event.subtype === "message_changed") return "an edit (message_changed)";
  if (event.subtype === "message_deleted") return "a deletion (message_deleted)";
  if (event.subtype === "bot_message" || event.bot_id) return "a bot's message";
  if (event.user && botUserIds(envelope).includes(event.user)) return "our own bot's message";
  if (event.subtype !== undefined && !PERSON_SUBTYPES.has(event.subtype)) {
    return `message subtype ${event.subtype}`;
  }
  if (event.hidden) return "a hidden message";
  if (!event.channel) return "no channel";
  if (!event.user) return "no user";
  if (!event.ts) return "no ts";
  if (!(event.text ?? "").trim() && !(event.files ?? []).length) return "an empty message";
  return null;
}

/**
 * What is decided on arrival: as ignoreReason(), except that a person's reply in a thread
 * outside the support channels is kept, since it may be an agent answering in a ticket's
 * thread (the "New Ticket" message in the team channel); processing decides.
 */
export function arrivalIgnoreReason(
  envelope: SlackEnvelope,
  supportChannels: string[],
): string | null {
  const reason = ignoreReason(envelope, supportChannels);
  if (reason !== null && isThreadReply(envelope.event) && personMessageProblem(envelope) === null) {
    return null;
  }
  return reason;
}

/** The plain text of a reply in a ticket's thread (a leading mention of our bot dropped). */
export function threadReplyText(
  envelope: SlackEnvelope,
  names: Map<string, string> = new Map(),
): string {
  let text = envelope.event.text ?? "";
  for (const bot of botUserIds(envelope)) {
    text = text.replace(new RegExp(`^\\s*<@${bot}(\\|[^>]*)?>[\\s,:]*`), "");
  }
  return slackMarkupToText(stripControls(text), names).replace(/\r\n?/g, "\n").trim();
}

/**
 * Why an event is not a customer message for the support channel, or null when it is one.
 * Decided from the event alone (no network), so the function can record it on arrival.
 */
export function ignoreReason(envelope: SlackEnvelope, supportChannels: string[]): string | null {
  const event = envelope.event;
  if (event.type !== "message" && event.type !== "app_mention") {
    return `event type ${event.type} is not a message`;
  }
  if (event.subtype === "message_changed") return "an edit (message_changed)";
  if (event.subtype === "message_deleted") return "a deletion (message_deleted)";
  if (event.subtype === "bot_message" || event.bot_id) return "a bot's message";
  if (event.user && botUserIds(envelope).includes(event.user)) return "our own bot's message";
  if (event.subtype !== undefined && !PERSON_SUBTYPES.has(event.subtype)) {
    return `message subtype ${event.subtype}`;
  }
  if (event.hidden) return "a hidden message";
  if (!event.channel || !supportChannels.includes(event.channel)) {
    return `channel ${event.channel ?? "(none)"} is not the support channel`;
  }
  if (!event.user) return "no user";
  if (!event.ts) return "no ts";
  if (!(event.text ?? "").trim() && !(event.files ?? []).length) return "an empty message";
  return null;
}

/** User ids mentioned as <@U…> without a label. */
export function mentionedUsers(text: string): string[] {
  return [...new Set([...text.matchAll(/<@([UW][A-Z0-9]+)>/g)].map((m) => m[1]))];
}

/** A stable, never deliverable address for a Slack user whose e-mail we cannot see. */
export function placeholderEmail(userId: string, teamId: string | undefined): string {
  const user = userId.toLowerCase().replace(/[^a-z0-9_-]/g, "");
  const team = (teamId ?? "").toLowerCase().replace(/[^a-z0-9]/g, "");
  return `${user || "unknown"}@${team || "unknown"}.slack.invalid`;
}

/** The author of a message, as far as the directory knows them. */
export interface SlackAuthor {
  /** The profile's address, or the placeholder of placeholderEmail(). */
  email: string;
  name: string | null;
  /** "profile" when the address is the user's own, "placeholder" otherwise. */
  identity: "profile" | "placeholder";
  /** Why the profile could not be used (a Slack error code), when it could not. */
  identityNote?: string;
}

/** The channel:ts id that Slack messages are recorded under. */
export function slackMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** Builds the normalised message of a customer's Slack message. */
export function toNormalisedMessage(
  envelope: SlackEnvelope,
  author: SlackAuthor,
  names: Map<string, string> = new Map(),
): NormalisedMessage {
  const event = envelope.event;
  const channel = event.channel!;
  const ts = event.ts!;
  let text = event.text ?? "";
  // "@ISTS my invoice…": the mention of our bot is an address, not content.
  for (const bot of botUserIds(envelope)) {
    text = text.replace(new RegExp(`^\\s*<@${bot}(\\|[^>]*)?>[\\s,:]*`), "");
  }
  const files = (event.files ?? []).map((f) => ({
    name: f.name ?? f.title ?? "file",
    type: f.mimetype ?? null,
    size: f.size ?? null,
    slack_file_id: f.id ?? null,
    url: f.url_private ?? null,
  }));
  let body = normaliseBody(slackMarkupToText(stripControls(text), names));
  if (!body && files.length > 0) body = `Shared ${files.map((f) => f.name).join(", ")}`;
  const threadTs = event.thread_ts && event.thread_ts !== ts ? event.thread_ts : null;
  if (!isEmailAddress(author.email)) {
    throw new TypeError(`Cannot use "${author.email}" as the sender's address`);
  }
  return {
    channel: "slack",
    email: author.email,
    name: author.name,
    subject: subjectFromBody(body),
    body,
    attachments: files,
    metadata: {
      source: "slack-events",
      slack: {
        team_id: envelope.team_id ?? null,
        channel,
        user: event.user,
        ts,
        thread_ts: threadTs,
        event_id: envelope.event_id,
        event_type: event.type,
        identity: author.identity,
        ...(author.identityNote ? { identity_note: author.identityNote } : {}),
      },
    },
    messageId: slackMessageId(channel, ts),
    extraIds: [envelope.event_id],
    references: threadTs ? [slackMessageId(channel, threadTs)] : [],
  };
}
