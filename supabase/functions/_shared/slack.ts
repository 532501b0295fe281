import {
  type ChatPostMessageArguments,
  ErrorCode,
  type FetchFunction,
  type Logger,
  LogLevel,
  WebClient,
} from "@slack/web-api";

/** Everything the "New Ticket Assigned" Slack message shows about a ticket. */
export interface TicketNotice {
  ticketId: string;
  ticketNumber: number;
  customerName: string | null;
  customerEmail: string;
  customerTier: "standard" | "vip" | "enterprise";
  subject: string;
  priority: "urgent" | "high" | "medium" | "low";
  category: string;
  subCategory: string;
  emotion: string;
  intensity: number;
  insights: string[];
  isEscalated: boolean;
  teamName: string;
  agentName: string | null;
  agentSlackUserId: string | null;
  /** ISO 8601 instant. */
  firstResponseDeadline: string;
  /** ISO 8601 instant. */
  resolutionDeadline: string;
  firstResponseHours: number;
  viewUrl: string;
  /** IANA time zone the deadlines are shown in, e.g. "Europe/Berlin". */
  timeZone: string;
  /** The assignee's agents.id (the state the buttons act on; null when queued). */
  agentId?: string | null;
  /** The ticket's status when rendered (the state the buttons act on). */
  status?: string;
  /** Available teammates offered by the "Reassign to…" menu. */
  teammates?: Teammate[];
  /** What someone last did from Slack, shown under the buttons. */
  note?: string | null;
  /** When the note's action happened (Unix seconds). */
  noteAt?: number | null;
}

/** A teammate offered by the "Reassign to…" menu. */
export interface Teammate {
  id: string;
  name: string;
  activeTickets: number;
  maxTickets: number;
}

/** The ticket state a message's buttons were rendered for, carried in the actions block_id. */
export interface MessageState {
  ticketId: string;
  /** agents.id of the assignee the message showed; null when it showed the ticket queued. */
  assignee: string | null;
  status: string;
}

const ACTIONS_BLOCK = "ticket_actions";

/** Encodes the state into the actions block's block_id: `ticket_actions:<ticket>:<agent|->:<status>`. */
export function actionsBlockId(state: MessageState): string {
  return [ACTIONS_BLOCK, state.ticketId, state.assignee ?? "-", state.status].join(":");
}

/** Reads the state back from a block_id; null for the plain `ticket_actions` of older messages. */
export function parseActionsBlockId(blockId: string | undefined): MessageState | null {
  const parts = (blockId ?? "").split(":");
  if (parts.length !== 4 || parts[0] !== ACTIONS_BLOCK) return null;
  const [, ticketId, assignee, status] = parts;
  if (!UUID.test(ticketId) || (assignee !== "-" && !UUID.test(assignee))) return null;
  if (!/^[a-z_]{1,30}$/.test(status)) return null;
  return { ticketId, assignee: assignee === "-" ? null : assignee, status };
}

/** A UUID as Postgres prints it. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A Slack message: the notification/fallback `text` plus its Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: unknown[];
  /** Posts the message as a reply in this thread. */
  threadTs?: string;
  /** Tags the posted message (metadata) so that findPostedMessage() finds it again. */
  marker?: string;
}

/** The metadata event type of the markers our posted messages carry. */
export const MARKER_EVENT_TYPE = "ists_notification";

/** What Slack answers to a posted message. */
export interface PostedMessage {
  ok: true;
  channel: string;
  ts: string;
}

/** Port for posting Slack messages; inject a stub in tests. */
export interface SlackNotifier {
  /**
   * Posts once: a failure that may have posted all the same (`SlackError.uncertain`: a
   * timeout, a 5xx, an unreadable answer) is not repeated here; only rate limits are waited out.
   */
  postMessage(channel: string, message: SlackMessage): Promise<PostedMessage>;
  /** Replaces a message the bot posted (chat.update). */
  updateMessage(channel: string, ts: string, message: SlackMessage): Promise<PostedMessage>;
  /**
   * Finds the message posted with `marker` in the channel (or a user's direct messages) since
   * `oldestS` (Unix seconds), or null (conversations.history with metadata; with `threadTs`,
   * conversations.replies of that thread).
   */
  findPostedMessage(
    channel: string,
    marker: string,
    oldestS: number,
    threadTs?: string,
  ): Promise<PostedMessage | null>;
  /** Adds an emoji reaction to a message (reactions.add); one already there counts as done. */
  addReaction(channel: string, ts: string, name: string): Promise<void>;
  /** Shows a message to one user in a channel, optionally in a thread (chat.postEphemeral). */
  postEphemeral(
    channel: string,
    user: string,
    message: { text: string; threadTs?: string },
  ): Promise<{ ts: string }>;
}

/** Options of `createSlackNotifier()`. */
export interface SlackNotifierOptions {
  /** Bot token (`xoxb-...`). */
  token: string;
  /** Web API base URL (default `https://slack.com/api/`); a missing trailing `/` is added. */
  apiUrl?: string;
  /** Timeout of one HTTP attempt in ms (default 10000). */
  timeoutMs?: number;
  /** Retries after a 429, 5xx, timeout or network error (default 2; posts: after a 429 only). */
  maxRetries?: number;
  /** First backoff between retries in ms (default 500). */
  minRetryDelayMs?: number;
  /** Longest backoff between retries in ms (default 4000). */
  maxRetryDelayMs?: number;
}

/** A failed Slack call; `retryable` says whether trying again later may succeed. */
export class SlackError extends Error {
  /** Slack's error string (`channel_not_found`, ...) or one of ours (`timeout`, `server_error`, ...). */
  readonly code: string;
  /** True for rate limits, 5xx, timeouts and network errors. */
  readonly retryable: boolean;
  /**
   * True when Slack may have done the call although it failed (a timeout, 5xx, network error,
   * an unreadable answer): look before posting again. A rate limit or a refusal is certain.
   */
  readonly uncertain: boolean;
  /** HTTP status, when the failure was an HTTP error. */
  readonly status?: number;

  constructor(
    message: string,
    options: {
      code: string;
      retryable: boolean;
      uncertain?: boolean;
      status?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "SlackError";
    this.code = options.code;
    this.retryable = options.retryable;
    this.uncertain = options.uncertain ??
      (options.retryable && !/^rate_?limited$/.test(options.code));
    this.status = options.status;
  }
}

const DEFAULT_API_URL = "https://slack.com/api/";
const MALFORMED = "malformed_response";
const RETRYABLE_CODES = new Set([
  "ratelimited",
  "rate_limited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

function webClient(options: SlackNotifierOptions): WebClient {
  const apiUrl = options.apiUrl ?? DEFAULT_API_URL;
  if (!/^https?:\/\//.test(apiUrl)) {
    throw new TypeError(`Cannot use Slack API URL "${apiUrl}": expected an http(s) URL`);
  }
  return new WebClient(options.token, {
    slackApiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    logger: quietLogger(),
    timeout: options.timeoutMs ?? 10_000,
    rejectRateLimitedCalls: false,
    retryConfig: {
      retries: options.maxRetries ?? 2,
      factor: 2,
      minTimeout: options.minRetryDelayMs ?? 500,
      maxTimeout: options.maxRetryDelayMs ?? 4_000,
      randomize: true,
    },
    fetch: bufferedFetch,
  });
}

/** Creates a notifier posting through `@slack/web-api` with bounded retries and a timeout. */
export function createSlackNotifier(options: SlackNotifierOptions): SlackNotifier {
  const client = webClient(options);
  // Posts are not idempotent: the client repeats nothing itself (a retried timeout could post
  // twice); a rate limit, which Slack refused, is waited out below.
  const postClient = webClient({ ...options, maxRetries: 0 });
  const maxRateLimitRetries = options.maxRetries ?? 2;

  return {
    async postMessage(channel, message) {
      const args = {
        channel,
        text: message.text,
        blocks: message.blocks,
        thread_ts: message.threadTs,
        unfurl_links: false,
        unfurl_media: false,
        ...(message.marker
          ? {
            metadata: {
              event_type: MARKER_EVENT_TYPE,
              event_payload: { notification_id: message.marker },
            },
          }
          : {}),
      } as ChatPostMessageArguments;
      let result: { channel?: unknown; ts?: unknown };
      for (let attempt = 0;; attempt++) {
        try {
          result = await postClient.chat.postMessage(args);
          break;
        } catch (err) {
          const error = toSlackError(err);
          if (error.code === "rate_limited" && attempt < maxRateLimitRetries) {
            // The client waited Retry-After; without one, back off a little.
            if (/without a valid Retry-After/.test(error.message)) {
              await new Promise((r) =>
                setTimeout(r, (options.minRetryDelayMs ?? 500) * 2 ** attempt)
              );
            }
            continue;
          }
          if (error.code === MALFORMED) {
            // An answer we cannot read (a proxy's page) says nothing about whether it posted.
            throw new SlackError(error.message, {
              code: MALFORMED,
              retryable: true,
              uncertain: true,
              cause: err,
            });
          }
          throw error;
        }
      }
      if (typeof result.channel !== "string" || typeof result.ts !== "string") {
        throw new SlackError("Cannot read Slack's answer: no channel or ts", {
          code: MALFORMED,
          retryable: true,
          uncertain: true,
        });
      }
      return { ok: true, channel: result.channel, ts: result.ts };
    },
    async findPostedMessage(channel, marker, oldestS, threadTs) {
      try {
        if (threadTs) return await findInThread(client, channel, threadTs, marker, oldestS);
        let history = channel;
        if (/^[UW][A-Z0-9]+$/.test(channel)) {
          // A direct message to a user id lives in the bot's DM channel with them.
          const opened = await client.conversations.open({ users: channel });
          const id = (opened.channel as { id?: unknown } | undefined)?.id;
          if (typeof id !== "string") return null;
          history = id;
        }
        let cursor: string | undefined;
        for (let page = 0; page < 5; page++) {
          const result = await client.conversations.history({
            channel: history,
            oldest: String(Math.max(0, Math.floor(oldestS))),
            inclusive: true,
            limit: 200,
            include_all_metadata: true,
            ...(cursor ? { cursor } : {}),
          });
          const found = (result.messages ?? []).find((m) => {
            const meta = (m as { metadata?: { event_type?: string; event_payload?: unknown } })
              .metadata;
            return meta?.event_type === MARKER_EVENT_TYPE &&
              (meta.event_payload as { notification_id?: unknown } | undefined)
                  ?.notification_id === marker;
          });
          if (found?.ts) return { ok: true, channel: history, ts: found.ts };
          cursor = result.response_metadata?.next_cursor || undefined;
          if (!result.has_more || !cursor) return null;
        }
        return null;
      } catch (err) {
        throw toSlackError(err);
      }
    },
    async addReaction(channel, ts, name) {
      try {
        await client.reactions.add({ channel, timestamp: ts, name });
      } catch (err) {
        const error = toSlackError(err);
        if (error.code === "already_reacted") return;
        throw error;
      }
    },
    async postEphemeral(channel, user, message) {
      let result: { message_ts?: unknown };
      try {
        // A repeated ephemeral message is harmless: the client may retry it.
        result = await client.chat.postEphemeral(
          {
            channel,
            user,
            text: message.text,
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          } as Parameters<typeof client.chat.postEphemeral>[0],
        );
      } catch (err) {
        throw toSlackError(err);
      }
      return { ts: typeof result.message_ts === "string" ? result.message_ts : "" };
    },
    async updateMessage(channel, ts, message) {
      let result: { channel?: unknown; ts?: unknown };
      try {
        result = await client.chat.update(
          {
            channel,
            ts,
            text: message.text,
            blocks: message.blocks,
          } as Parameters<typeof client.chat.update>[0],
        );
      } catch (err) {
        throw toSlackError(err);
      }
      return {
        ok: true,
        channel: typeof result.channel === "string" ? result.channel : channel,
        ts: typeof result.ts === "string" ? result.ts : ts,
      };
    },
  };
}

/** Looks for our message carrying `marker` among a thread's replies since `oldestS`. */
async function findInThread(
  client: WebClient,
  channel: string,
  threadTs: string,
  marker: string,
  oldestS: number,
): Promise<PostedMessage | null> {
  let cursor: string | undefined;
  for (let page = 0; page < 10; page++) {
    const result = await client.conversations.replies({
      channel,
      ts: threadTs,
      oldest: String(Math.max(0, Math.floor(oldestS))),
      inclusive: true,
      include_all_metadata: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    const found = (result.messages ?? []).find((m) => {
      const meta = (m as { metadata?: { event_type?: string; event_payload?: unknown } }).metadata;
      return meta?.event_type === MARKER_EVENT_TYPE &&
        (meta.event_payload as { notification_id?: unknown } | undefined)?.notification_id ===
          marker;
    });
    if (found?.ts) return { ok: true, channel, ts: found.ts };
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}

/** Port for Slack's modal windows; inject a stub in tests. */
export interface SlackModals {
  /** Opens a modal for the person who clicked (views.open with the click's trigger_id). */
  open(triggerId: string, view: unknown): Promise<void>;
}

/** Opens modals through `@slack/web-api` (never retried: a trigger_id works once, for 3 s). */
export function createSlackModals(options: SlackNotifierOptions): SlackModals {
  const client = webClient({ ...options, maxRetries: 0, timeoutMs: options.timeoutMs ?? 2_000 });
  return {
    async open(triggerId, view) {
      try {
        await client.views.open({
          trigger_id: triggerId,
          view: view as Parameters<typeof client.views.open>[0]["view"],
        });
      } catch (err) {
        throw toSlackError(err);
      }
    },
  };
}

/** The metadata event type our answers carry, so a later attempt can find them in the thread. */
export const ANSWER_METADATA_EVENT = "ists_answer";

/** Port for answering in a ticket's Slack thread; inject a stub in tests. */
export interface SlackThreadPoster {
  /** Posts the answer in the thread, tagged with its response id (message metadata). */
  post(channel: string, threadTs: string, text: string, responseId: string): Promise<PostedMessage>;
  /** The ts of our message carrying this response id in the thread since then, or null. */
  find(
    channel: string,
    threadTs: string,
    responseId: string,
    sinceSeconds: number,
  ): Promise<string | null>;
}

/**
 * Creates a thread poster through `@slack/web-api` that never retries a post by itself (a
 * timed-out post may have gone through: the caller looks in the thread before posting again).
 */
export function createSlackThreadPoster(options: SlackNotifierOptions): SlackThreadPoster {
  const client = webClient({ ...options, maxRetries: 0 });
  const reader = webClient(options);
  return {
    async post(channel, threadTs, text, responseId) {
      let result: { channel?: unknown; ts?: unknown };
      try {
        result = await client.chat.postMessage({
          channel,
          thread_ts: threadTs,
          text: escapeMrkdwn(text),
          unfurl_links: false,
          unfurl_media: false,
          metadata: {
            event_type: ANSWER_METADATA_EVENT,
            event_payload: { response_id: responseId },
          },
        } as ChatPostMessageArguments);
      } catch (err) {
        throw toSlackError(err);
      }
      if (typeof result.channel !== "string" || typeof result.ts !== "string") {
        throw new SlackError("Cannot read Slack's answer: no channel or ts", {
          code: MALFORMED,
          retryable: false,
        });
      }
      return { ok: true, channel: result.channel, ts: result.ts };
    },
    async find(channel, threadTs, responseId, sinceSeconds) {
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        let result: {
          messages?: { ts?: string; metadata?: { event_type?: string; event_payload?: unknown } }[];
          response_metadata?: { next_cursor?: string };
        };
        try {
          result = await reader.conversations.replies({
            channel,
            ts: threadTs,
            oldest: String(Math.max(0, Math.floor(sinceSeconds))),
            inclusive: true,
            include_all_metadata: true,
            limit: 200,
            ...(cursor ? { cursor } : {}),
          }) as typeof result;
        } catch (err) {
          throw toSlackError(err);
        }
        const found = (result.messages ?? []).find((m) =>
          m.metadata?.event_type === ANSWER_METADATA_EVENT &&
          (m.metadata.event_payload as { response_id?: unknown } | undefined)?.response_id ===
            responseId
        );
        if (found?.ts) return found.ts;
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!cursor) return null;
      }
      return null;
    },
  };
}

/** A Slack user's profile, as far as the token's scopes show it. */
export interface SlackUser {
  id: string;
  /** Lower-cased e-mail address; null without the users:read.email scope or for bots. */
  email: string | null;
  /** Real name, else display name, else the user name; null when none is set. */
  name: string | null;
  isBot: boolean;
  deleted: boolean;
}

/** Port for looking up Slack users (users.info); inject a stub in tests. */
export interface SlackUserDirectory {
  userInfo(userId: string): Promise<SlackUser>;
}

/** Creates a user directory reading users.info through `@slack/web-api`. */
export function createSlackUserDirectory(options: SlackNotifierOptions): SlackUserDirectory {
  const client = webClient(options);
  return {
    async userInfo(userId) {
      let result: { user?: Record<string, unknown> };
      try {
        result = await client.users.info({ user: userId }) as typeof result;
      } catch (err) {
        throw toSlackError(err);
      }
      const user = result.user;
      if (!user || typeof user.id !== "string") {
        throw new SlackError("Cannot read Slack's answer: no user", {
          code: MALFORMED,
          retryable: false,
        });
      }
      const profile = (user.profile ?? {}) as Record<string, unknown>;
      const text = (value: unknown) =>
        typeof value === "string" && value.trim() !== "" ? value.trim() : null;
      return {
        id: user.id,
        email: text(profile.email)?.toLowerCase() ?? null,
        name: text(profile.real_name) ?? text(user.real_name) ?? text(profile.display_name) ??
          text(user.name),
        isBot: user.is_bot === true || user.id === "USLACKBOT",
        deleted: user.deleted === true,
      };
    },
  };
}

/**
 * Reads the whole body, and turns a 200 whose body is no JSON object (a proxy's HTML page, ...)
 * into `{ ok: false, error: "malformed_response" }`: the WebClient would otherwise report the
 * raw body as the Slack error string.
 */
const bufferedFetch: FetchFunction = async (url, init) => {
  const res = await fetch(url, init);
  if (res.headers.get("content-type") === "application/gzip") return res;
  let body = await res.text();
  if (res.status === 200 && !isJsonObject(body)) {
    body = JSON.stringify({ ok: false, error: MALFORMED, body_start: body.slice(0, 200) });
  }
  return {
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    url: res.url,
    headers: res.headers,
    text: () => Promise.resolve(body),
    json: () => Promise.resolve(JSON.parse(body)),
    arrayBuffer: () => Promise.resolve(new TextEncoder().encode(body).buffer),
  };
};

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function quietLogger(): Logger {
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    setLevel: ignore,
    getLevel: () => LogLevel.ERROR,
    setName: ignore,
  };
}

/** Maps whatever the WebClient threw to a `SlackError`. */
function toSlackError(err: unknown): SlackError {
  if (err instanceof SlackError) return err;
  const e = (err ?? {}) as {
    code?: string;
    message?: string;
    data?: { error?: unknown };
    statusCode?: number;
    retryAfter?: number;
    original?: { name?: string; message?: string };
  };
  const message = String(e.message ?? err);
  switch (e.code) {
    case ErrorCode.PlatformError: {
      const code = typeof e.data?.error === "string" ? e.data.error : MALFORMED;
      const text = code === MALFORMED
        ? "Cannot read Slack's answer: the body is not a JSON object"
        : `Slack answered "${code}"`;
      return new SlackError(text, { code, retryable: RETRYABLE_CODES.has(code), cause: err });
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 0;
      const retryable = status >= 500 || status === 408 || status === 429;
      const code = status === 429 ? "rate_limited" : status >= 500 ? "server_error" : "http_error";
      return new SlackError(`Slack answered HTTP ${status}`, {
        code,
        retryable,
        status,
        cause: err,
      });
    }
    case ErrorCode.RateLimitedError:
      return new SlackError(`Slack rate limited the call (retry after ${e.retryAfter}s)`, {
        code: "rate_limited",
        retryable: true,
        status: 429,
        cause: err,
      });
    case ErrorCode.RequestError: {
      const original = e.original ?? {};
      if (original.name === "TimeoutError" || original.name === "AbortError") {
        return new SlackError("Slack did not answer in time", {
          code: "timeout",
          retryable: true,
          cause: err,
        });
      }
      // A 429 still answered on the last attempt: the WebClient wraps its own plain Error.
      if (/rate limit was exceeded/i.test(original.message ?? "")) {
        return new SlackError("Slack kept rate limiting the call", {
          code: "rate_limited",
          retryable: true,
          status: 429,
          cause: err,
        });
      }
      return new SlackError(`Cannot reach Slack: ${original.message ?? message}`, {
        code: "network_error",
        retryable: true,
        cause: err,
      });
    }
  }
  // A 429 without a usable Retry-After header surfaces as a plain Error.
  if (/retry header did not contain a valid timeout/i.test(message)) {
    return new SlackError("Slack rate limited the call without a valid Retry-After", {
      code: "rate_limited",
      retryable: true,
      status: 429,
      cause: err,
    });
  }
  return new SlackError(`Cannot post to Slack: ${message}`, {
    code: "unknown_error",
    retryable: false,
    cause: err,
  });
}

// ---------------------------------------------------------------------------------------------
// Rendering

const PRIORITY_LABEL: Record<TicketNotice["priority"], { emoji: string; label: string }> = {
  urgent: { emoji: ":red_circle:", label: "Urgent" },
  high: { emoji: ":large_orange_circle:", label: "High" },
  medium: { emoji: ":large_yellow_circle:", label: "Medium" },
  low: { emoji: ":large_green_circle:", label: "Low" },
};
const TIER_BADGE: Record<TicketNotice["customerTier"], string> = {
  standard: "",
  vip: "VIP",
  enterprise: "Enterprise",
};
const SUBJECT_MAX = 150;
const INSIGHTS_MAX = 5;
const INSIGHT_MAX = 400;
const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** Renders the "New Ticket Assigned" (or "New Ticket Queued") Block Kit message. */
export function renderTicketAssigned(notice: TicketNotice): { text: string; blocks: unknown[] } {
  const assigned = notice.agentName !== null || notice.agentSlackUserId !== null;
  const closed = notice.status === "resolved" || notice.status === "closed";
  const title = `${
    closed ? "Ticket Resolved" : assigned ? "New Ticket Assigned" : "New Ticket Queued"
  }: #T-${notice.ticketNumber}`;
  const priority = PRIORITY_LABEL[notice.priority] ?? { emoji: "", label: notice.priority };
  const badge = TIER_BADGE[notice.customerTier] ?? "";
  const email = clip(notice.customerEmail, 300);
  const name = notice.customerName?.trim() ? clip(notice.customerName, 200) : "";
  const from = name ? `${name} (${email})` : email;
  const subject = escapeMrkdwn(truncate(oneLine(notice.subject), SUBJECT_MAX)) || "_(no subject)_";
  const category = `${clip(notice.category, 100)} › ${clip(notice.subCategory, 100)}`;
  const intensity = Math.min(10, Math.max(0, Math.round(notice.intensity)));
  const sentiment = `${clip(notice.emotion, 100)} (${intensity}/10)`;
  const assignee = renderAssignee(notice);
  const deadlines = renderDeadlines(notice);

  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: title, emoji: true } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*From:* ${from}${badge ? ` · :star: *${badge}*` : ""}\n*Subject:* ${subject}`,
      },
    },
    {
      type: "section",
      fields: [
        field("Priority", `${priority.emoji} ${priority.label}`.trim()),
        field("Category", category),
        field("Sentiment", sentiment),
        field("Assigned to", assignee),
      ],
    },
  ];
  const insights = renderInsights(notice);
  if (insights) blocks.push({ type: "section", text: { type: "mrkdwn", text: insights } });
  blocks.push(
    { type: "section", text: { type: "mrkdwn", text: deadlines.mrkdwn } },
    {
      type: "actions",
      block_id: actionsBlockIdOf(notice),
      elements: actionElements(notice, closed),
    },
  );
  if (notice.note?.trim()) {
    const at = notice.noteAt && Number.isSafeInteger(notice.noteAt)
      ? ` · <!date^${notice.noteAt}^{date_short_pretty} {time}|${
        new Date(notice.noteAt * 1000).toISOString()
      }>`
      : "";
    blocks.push({
      type: "context",
      elements: [{ type: "mrkdwn", text: `${clip(notice.note, 2800)}${at}` }],
    });
  }

  const facts = [
    `${title} (${priority.label} priority${notice.isEscalated ? ", escalated" : ""})`,
    `From: ${from}${badge ? ` [${badge}]` : ""}`,
    `Subject: ${subject}`,
    `Category: ${category}`,
    `Sentiment: ${sentiment}`,
    `Assigned to: ${assignee}`,
    `SLA: ${deadlines.plain}`,
  ];
  if (isHttpUrl(notice.viewUrl)) facts.push(`View: <${escapeMrkdwn(notice.viewUrl)}|View Ticket>`);
  return { text: facts.join("\n"), blocks };
}

function actionsBlockIdOf(notice: TicketNotice): string {
  if (notice.status === undefined || !UUID.test(notice.ticketId)) return ACTIONS_BLOCK;
  const agent = notice.agentId && UUID.test(notice.agentId) ? notice.agentId : null;
  return actionsBlockId({ ticketId: notice.ticketId, assignee: agent, status: notice.status });
}

const MENU_MAX = 100;

function actionElements(notice: TicketNotice, closed: boolean): unknown[] {
  const view = {
    type: "button",
    text: { type: "plain_text", text: "View Ticket", emoji: true },
    action_id: "view_ticket",
    value: notice.ticketId,
    ...(isHttpUrl(notice.viewUrl) ? { url: notice.viewUrl } : {}),
  };
  if (closed) return [view];
  const elements: unknown[] = [
    view,
    {
      type: "button",
      text: { type: "plain_text", text: "Reassign", emoji: true },
      action_id: "reassign_ticket",
      value: notice.ticketId,
    },
    {
      type: "button",
      text: { type: "plain_text", text: "Escalate", emoji: true },
      style: "danger",
      action_id: "escalate_ticket",
      value: notice.ticketId,
      confirm: {
        title: { type: "plain_text", text: "Escalate this ticket?" },
        text: {
          type: "mrkdwn",
          text:
            `#T-${notice.ticketNumber} gets a higher priority, goes to a senior agent and the team lead is told.`,
        },
        confirm: { type: "plain_text", text: "Escalate" },
        deny: { type: "plain_text", text: "Cancel" },
        style: "danger",
      },
    },
  ];
  const teammates = (notice.teammates ?? []).filter((t) =>
    UUID.test(t.id) && t.id !== notice.agentId
  ).slice(0, MENU_MAX);
  if (teammates.length > 0) {
    elements.push({
      type: "static_select",
      action_id: "reassign_to",
      placeholder: { type: "plain_text", text: "Reassign to…", emoji: true },
      options: teammates.map((t) => ({
        text: {
          type: "plain_text",
          text: truncate(`${oneLine(t.name)} (${t.activeTickets}/${t.maxTickets})`, 75),
          emoji: true,
        },
        value: t.id,
      })),
    });
  }
  return elements;
}

function field(label: string, value: string): { type: "mrkdwn"; text: string } {
  return { type: "mrkdwn", text: `*${label}:*\n${value}` };
}

function renderAssignee(notice: TicketNotice): string {
  const team = clip(notice.teamName, 200);
  if (notice.agentSlackUserId && SLACK_USER_ID.test(notice.agentSlackUserId)) {
    return `<@${notice.agentSlackUserId}>`;
  }
  if (notice.agentName?.trim()) return clip(notice.agentName, 200);
  if (notice.agentSlackUserId) return clip(notice.agentSlackUserId, 100);
  return team ? `${team} (team queue)` : "team queue";
}

function renderInsights(notice: TicketNotice): string {
  const lines = notice.insights
    .map(oneLine)
    .filter((insight) => insight.length > 0)
    .map((insight) => `• ${clip(insight, INSIGHT_MAX)}`);
  const shown = lines.slice(0, INSIGHTS_MAX);
  if (lines.length > shown.length) shown.push(`• _…and ${lines.length - shown.length} more_`);
  if (notice.isEscalated) shown.unshift("• :rotating_light: *Escalated*");
  return shown.length ? `*AI Insights:*\n${shown.join("\n")}` : "";
}

function renderDeadlines(notice: TicketNotice): { mrkdwn: string; plain: string } {
  const timeZone = validTimeZone(notice.timeZone);
  const hours = formatHours(notice.firstResponseHours);
  const firstResponse = new Date(notice.firstResponseDeadline);
  const resolution = new Date(notice.resolutionDeadline);
  // The ticket's start: a deadline on another day than this one gets its date shown.
  const start = new Date(firstResponse.getTime() - notice.firstResponseHours * 3_600_000);
  const firstBy = formatInstant(firstResponse, { start, timeZone }) ??
    clip(notice.firstResponseDeadline, 100);
  const resolveBy = formatInstant(resolution, { start, timeZone });
  const sla = `${hours} (first response by ${firstBy})`;
  return {
    mrkdwn: `:alarm_clock: *SLA Deadline:* ${sla}${
      resolveBy ? `\n:checkered_flag: *Resolution due:* ${resolveBy}` : ""
    }`,
    plain: `${sla}${resolveBy ? `, resolution by ${resolveBy}` : ""}`,
  };
}

function formatHours(hours: number): string {
  if (!Number.isFinite(hours) || hours <= 0) return "due now";
  if (hours < 1) {
    const minutes = Math.max(1, Math.round(hours * 60));
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  const rounded = Math.round(hours * 10) / 10;
  return `${rounded} hour${rounded === 1 ? "" : "s"}`;
}

function formatInstant(
  when: Date,
  opts: { start: Date; timeZone: string },
): string | undefined {
  if (Number.isNaN(when.getTime())) return undefined;
  const { timeZone, start } = opts;
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(when);
  const dayOf = (d: Date) =>
    new Intl.DateTimeFormat("en-CA", { timeZone, dateStyle: "short" }).format(d);
  const sameDay = !Number.isNaN(start.getTime()) && dayOf(start) === dayOf(when);
  const day = sameDay ? "" : `${
    new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
    }).format(when)
  }, `;
  return `${day}${time} ${timeZone}`;
}

function validTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone });
    return timeZone;
  } catch {
    return "UTC";
  }
}

function isHttpUrl(value: string): boolean {
  if (value.length > 3000) return false;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

/** Escapes the characters Slack's mrkdwn treats as control characters: `&`, `<`, `>`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Cuts `text` to at most `max` code points, ending in "…" when cut. */
function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("").trimEnd()}…`;
}

/** Escapes `text` and keeps the escaped result within `max` chars, never splitting an entity. */
function clip(text: string, max: number): string {
  const flat = oneLine(text);
  const full = escapeMrkdwn(flat);
  if (full.length <= max) return full;
  let out = "";
  for (const ch of flat) {
    const piece = escapeMrkdwn(ch);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out.trimEnd()}…`;
}
