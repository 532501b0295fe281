/**
 * A local stand-in for Slack's Web API, for tests and local runs.
 *
 * It answers a handful of methods the way Slack does (HTTP 200 with `{ ok, ... }` bodies, form or
 * JSON requests, Bearer tokens) and can be told to fail the next requests in the ways real Slack
 * and the networks in front of it fail: 429 with `Retry-After`, 5xx, a hang, a hang after the
 * message was posted (the answer is lost), a 5xx after doing what was asked, a non-JSON body,
 * `invalid_auth`. Messages posted to a user id land in that user's direct-message channel
 * (`D…`), as in Slack; `conversations.history` and `conversations.replies` list the messages
 * with their metadata; `views.open` opens a modal for a trigger_id once (as Slack does, a
 * trigger_id is single-use) after checking the view's limits; `reactions.add` records a
 * reaction once (`already_reacted` after). It also takes posts to response URLs (`/response/<anything>`, recorded as
 * method `response_url` with the path in `headers["x-fake-path"]`), as Slack's
 * hooks.slack.com/actions/… URLs do for interactions and slash commands.
 */

/** Failures the fake can inject into its next requests. */
export type FakeSlackFailure =
  | "rate_limited"
  | "server_error"
  | "timeout"
  | "timeout_after_post"
  | "malformed"
  | "invalid_auth";

/** Options of `FakeSlack.failNext()`. */
export interface FailNextOptions {
  /** How many of the next requests fail this way (default 1). */
  count?: number;
  /** `Retry-After` seconds sent with `rate_limited` (default 1). */
  retryAfterS?: number;
  /** HTTP status sent with `server_error` (default 500). */
  status?: 500 | 502 | 503 | 504;
  /** `server_error` only: do the method first, then answer the error (the answer is lost). */
  afterEffect?: boolean;
  /** Only requests for this channel (their `channel` field) fail; others pass untouched. */
  channel?: string;
}

/** One request the fake received, with JSON-encoded form fields (`blocks`, ...) decoded. */
export interface FakeSlackCall {
  method: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** The injected failure this request was answered with, if any. */
  failure?: FakeSlackFailure;
}

/** A message the fake holds (posted, then maybe updated). */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

/** A running fake Slack Web API. */
export interface FakeSlack {
  /** Base URL ending in `/api/`, to pass as the WebClient's `slackApiUrl`. */
  url: string;
  /** Every request received under `/api/`, oldest first. */
  calls: FakeSlackCall[];
  /** The messages posted so far, oldest first (also `GET /_fake/messages`). */
  messages(): FakeSlackMessage[];
  /** Makes the next request(s) fail in the given way. */
  failNext(kind: FakeSlackFailure, opts?: FailNextOptions): void;
  /** Releases hanging requests and stops the server. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A channel id for which every method answers `channel_not_found`. */
export const MISSING_CHANNEL = "C_MISSING";
/** A channel id for which posting answers `not_in_channel`. */
export const FOREIGN_CHANNEL = "C_NOT_IN";
/** A user id for which every method answers `user_not_found`. */
export const MISSING_USER = "U_MISSING";
/** A user whose profile shows no e-mail address (as without the users:read.email scope). */
export const NO_EMAIL_USER = "U_NOEMAIL";
/** A user whose users.info always fails with HTTP 503 (Slack unavailable, retryable). */
export const UNAVAILABLE_USER = "U_UNAVAILABLE";
/** The fake's bot user (users.info answers is_bot: true). */
export const BOT_USER = "U0FAKEBOT";

const BOT = { user: BOT_USER, botId: "B0FAKEBOT", appId: "A0FAKEAPP", team: "T0FAKE" };
const JSON_FIELDS = ["blocks", "attachments", "metadata", "view"];
/** What Slack's trigger_ids look like: `<digits>.<digits>.<hex>`. */
const TRIGGER_ID = /^\d+\.\d+\.[0-9a-f]+$/;
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;

type Body = Record<string, unknown>;
type Reply = Body & { ok: boolean };
type StoredMessage = FakeSlackMessage;
interface PendingFailure {
  kind: FakeSlackFailure;
  channel?: string;
  left: number;
  retryAfterS: number;
  status: number;
  afterEffect?: boolean;
}

/** Starts the fake on 127.0.0.1 (`port` 0, the default, picks a free port). */
export function startFakeSlack(options: { port?: number } = {}): Promise<FakeSlack> {
  const calls: FakeSlackCall[] = [];
  const failures: PendingFailure[] = [];
  const hanging = new Set<() => void>();
  const messages = new Map<string, StoredMessage>();
  const usedTriggers = new Set<string>();
  const reactions = new Set<string>();
  let seq = 0;
  let closing: Promise<void> | undefined;

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, "0")}`;

  const methods: Record<string, (body: Body) => Reply> = {
    "auth.test": () => ({
      ok: true,
      url: "https://fake-workspace.slack.com/",
      team: "Fake Workspace",
      user: "triage-bot",
      team_id: BOT.team,
      user_id: BOT.user,
      bot_id: BOT.botId,
      is_enterprise_install: false,
    }),

    "chat.postMessage": (body) => {
      const channel = dmChannel(str(body.channel));
      const problem = checkChannel(channel) ?? checkContent(body);
      if (problem) return problem;
      const ts = nextTs();
      const stored: StoredMessage = {
        channel,
        ts,
        text: str(body.text),
        blocks: body.blocks as unknown[] | undefined,
        threadTs: str(body.thread_ts) || undefined,
        ...(isRecord(body.metadata) && typeof body.metadata.event_type === "string"
          ? { metadata: body.metadata as StoredMessage["metadata"] }
          : {}),
      };
      messages.set(`${channel}/${ts}`, stored);
      return { ok: true, channel, ts, message: messageJson(stored) };
    },

    "chat.update": (body) => {
      const channel = str(body.channel);
      const ts = str(body.ts);
      const problem = checkChannel(channel) ?? checkContent(body);
      if (problem) return problem;
      const stored = messages.get(`${channel}/${ts}`);
      if (!stored) return fail("message_not_found");
      stored.text = str(body.text);
      stored.blocks = body.blocks as unknown[] | undefined;
      return { ok: true, channel, ts, text: stored.text, message: messageJson(stored) };
    },

    "conversations.replies": (body) => {
      const channel = str(body.channel);
      const ts = str(body.ts);
      const problem = checkChannel(channel);
      if (problem) return problem;
      if (!ts) return fail("invalid_arguments");
      const oldest = Number(str(body.oldest) || "0");
      const withMetadata = str(body.include_all_metadata) === "true";
      const thread = [...messages.values()]
        .filter((m) => m.channel === channel && (m.ts === ts || m.threadTs === ts))
        .filter((m) => m.ts === ts || Number(m.ts) >= oldest)
        .sort((a, b) => Number(a.ts) - Number(b.ts))
        .map((m) => ({
          ...messageJson(m),
          ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
        }));
      return {
        ok: true,
        messages: thread,
        has_more: false,
        response_metadata: { next_cursor: "" },
      };
    },

    "chat.postEphemeral": (body) => {
      const user = str(body.user);
      const problem = checkChannel(str(body.channel)) ?? checkUser(user) ?? checkContent(body);
      if (problem) return problem;
      return { ok: true, message_ts: nextTs() };
    },

    "conversations.history": (body) => {
      const channel = str(body.channel);
      const problem = checkChannel(channel);
      if (problem) return problem;
      const oldest = Number(str(body.oldest) || "0");
      const limit = Math.min(Math.max(Number(str(body.limit) || "100"), 1), 999);
      const offset = Number(/^off:(\d+)$/.exec(str(body.cursor))?.[1] ?? 0);
      const withMetadata = ["true", "1"].includes(str(body.include_all_metadata));
      const all = [...messages.values()]
        .filter((m) => m.channel === channel && !m.threadTs && Number(m.ts) >= oldest)
        .sort((a, b) => Number(b.ts) - Number(a.ts));
      const page = all.slice(offset, offset + limit).map((m) => {
        const json = messageJson(m);
        if (!withMetadata) delete json.metadata;
        return json;
      });
      const more = offset + limit < all.length;
      return {
        ok: true,
        messages: page,
        has_more: more,
        response_metadata: { next_cursor: more ? `off:${offset + limit}` : "" },
      };
    },

    "conversations.open": (body) => {
      const channel = str(body.channel);
      if (channel) return checkChannel(channel) ?? { ok: true, channel: { id: channel } };
      const users = str(body.users).split(",").map((u) => u.trim()).filter(Boolean);
      if (users.length === 0) return fail("users_list_not_supplied");
      for (const user of users) {
        const problem = checkUser(user);
        if (problem) return problem;
      }
      const id = users.length === 1 ? `D${users[0].replace(/^U/, "")}` : `G${users.join("")}`;
      return { ok: true, no_op: false, already_open: false, channel: { id } };
    },

    "views.open": (body) => {
      const trigger = str(body.trigger_id);
      if (!trigger) {
        return fail("invalid_arguments", ["[ERROR] missing required field: trigger_id"]);
      }
      if (!TRIGGER_ID.test(trigger)) return fail("invalid_trigger_id");
      if (usedTriggers.has(trigger)) return fail("exchanged_trigger_id");
      const problem = viewProblem(body.view);
      if (problem) return fail("invalid_arguments", [`[ERROR] ${problem}`]);
      usedTriggers.add(trigger);
      const view = body.view as Body;
      return {
        ok: true,
        view: {
          id: `V${String(++seq).padStart(9, "0")}`,
          team_id: BOT.team,
          app_id: BOT.appId,
          bot_id: BOT.botId,
          hash: `${Math.floor(Date.now() / 1000)}.${seq}`,
          state: { values: {} },
          private_metadata: "",
          callback_id: "",
          ...view,
        },
      };
    },

    "reactions.add": (body) => {
      const channel = str(body.channel);
      const ts = str(body.timestamp);
      const name = str(body.name);
      const problem = checkChannel(channel);
      if (problem) return problem;
      if (!ts) return fail("no_item_specified");
      if (!/^[a-z0-9_+'-]+$/.test(name)) return fail("invalid_name");
      const key = `${channel}/${ts}/${name}`;
      if (reactions.has(key)) return fail("already_reacted");
      reactions.add(key);
      return { ok: true };
    },

    "users.info": (body) => {
      const id = str(body.user);
      const problem = checkUser(id);
      if (problem) return problem;
      const name = id.toLowerCase();
      const isBot = id === BOT.user;
      const email = id === NO_EMAIL_USER || isBot ? {} : { email: `${name}@example.com` };
      return {
        ok: true,
        user: {
          id,
          team_id: BOT.team,
          name,
          real_name: `User ${id}`,
          deleted: false,
          is_bot: isBot,
          tz: "Europe/Berlin",
          profile: { real_name: `User ${id}`, display_name: name, ...email },
        },
      };
    },
  };

  // Lets a test in another process read the calls and inject failures.
  async function control(req: Request, action: string): Promise<Response> {
    if (action === "calls") return Response.json(calls);
    if (action === "messages") return Response.json([...messages.values()]);
    if (action === "reactions") {
      return Response.json([...reactions].map((key) => {
        const [channel, ts, name] = key.split("/");
        return { channel, ts, name };
      }));
    }
    if (action === "reset" && req.method === "POST") {
      calls.length = 0;
      return Response.json({ ok: true });
    }
    if (action === "fail" && req.method === "POST") {
      const { kind, ...opts } = await req.json() as { kind: FakeSlackFailure } & FailNextOptions;
      failures.push({
        kind,
        left: opts.count ?? 1,
        retryAfterS: opts.retryAfterS ?? 1,
        status: opts.status ?? 500,
        afterEffect: opts.afterEffect ?? false,
        ...(opts.channel ? { channel: opts.channel } : {}),
      });
      return Response.json({ ok: true });
    }
    return new Response("Not Found", { status: 404 });
  }

  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (url.pathname.startsWith("/_fake/")) return await control(req, url.pathname.slice(7));
    if (url.pathname.startsWith("/response/") && req.method === "POST") {
      const text = await req.text();
      let body: Body;
      try {
        body = JSON.parse(text);
      } catch {
        return new Response("invalid_payload", { status: 400 });
      }
      const headers = { ...Object.fromEntries(req.headers), "x-fake-path": url.pathname };
      const call: FakeSlackCall = { method: "response_url", body, headers };
      calls.push(call);
      const failure = takeFailure();
      if (failure) {
        call.failure = failure.kind;
        return await injected(failure);
      }
      return new Response("ok", { status: 200 });
    }
    if (!url.pathname.startsWith("/api/")) return new Response("Not Found", { status: 404 });
    const method = url.pathname.slice("/api/".length);
    const headers = Object.fromEntries(req.headers);
    const parsed = await readBody(req, url);
    const call: FakeSlackCall = { method, body: parsed.body ?? {}, headers };
    calls.push(call);

    const failure = takeFailure(str(parsed.body?.channel) || undefined);
    if (failure) call.failure = failure.kind;
    if (failure && !failure.afterEffect && failure.kind !== "timeout_after_post") {
      return await injected(failure);
    }
    if (!parsed.body) return slack(fail(parsed.error));
    const token = bearer(req.headers.get("authorization")) ?? str(parsed.body.token);
    if (!token) return slack(fail("not_authed"));
    if (!/^xox[bpa]-/.test(token)) return slack(fail("invalid_auth"));
    if (method === "users.info" && parsed.body.user === UNAVAILABLE_USER) {
      return await injected({ kind: "server_error", left: 0, retryAfterS: 1, status: 503 });
    }
    const impl = methods[method];
    if (!impl) return slack({ ok: false, error: "unknown_method", req_method: method }, 404);
    const reply = impl(parsed.body);
    // Done, but the caller never hears of it: a lost answer, or an error after the fact.
    if (failure) {
      return await injected(
        failure.kind === "timeout_after_post" ? { ...failure, kind: "timeout" } : failure,
      );
    }
    return slack(reply);
  }

  /** The first pending failure that applies to a request for `channel`, counted down. */
  function takeFailure(channel?: string): PendingFailure | undefined {
    const i = failures.findIndex((f) => f.channel === undefined || f.channel === channel);
    if (i < 0) return undefined;
    const head = failures[i];
    if (--head.left <= 0) failures.splice(i, 1);
    return head;
  }

  async function injected(failure: PendingFailure): Promise<Response> {
    switch (failure.kind) {
      case "rate_limited":
        return slack(fail("ratelimited"), 429, { "retry-after": String(failure.retryAfterS) });
      case "server_error":
        return new Response("<html><body><h1>Server Error</h1></body></html>", {
          status: failure.status,
          headers: { "content-type": "text/html" },
        });
      case "malformed":
        return new Response("<html><body>upstream hiccup</body></html>", {
          status: 200,
          headers: { "content-type": "text/html" },
        });
      case "invalid_auth":
        return slack(fail("invalid_auth"));
      case "timeout":
      case "timeout_after_post":
        // Hang until close(): no timer, so nothing is left behind for Deno's test sanitizers.
        if (!closing) await new Promise<void>((resolve) => hanging.add(resolve));
        return slack(fail("request_timeout"), 504);
    }
  }

  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      onListen: ({ port }) => {
        const close = () => {
          closing ??= (async () => {
            for (const release of hanging) release();
            hanging.clear();
            await server.shutdown();
          })();
          return closing;
        };
        resolve({
          url: `http://127.0.0.1:${port}/api/`,
          calls,
          messages: () => [...messages.values()],
          failNext(kind, opts = {}) {
            const left = opts.count ?? 1;
            if (!Number.isInteger(left) || left < 1) {
              throw new RangeError(`Cannot fail the next ${left} requests: count must be ≥ 1`);
            }
            failures.push({
              kind,
              left,
              retryAfterS: opts.retryAfterS ?? 1,
              status: opts.status ?? 500,
              afterEffect: opts.afterEffect ?? false,
              ...(opts.channel ? { channel: opts.channel } : {}),
            });
          },
          close,
          [Symbol.asyncDispose]: close,
        });
      },
    }, async (req) => {
      try {
        return await handle(req);
      } catch (err) {
        return slack({ ok: false, error: "fatal_error", detail: String(err) }, 500);
      }
    });
  });
}

async function readBody(req: Request, url: URL): Promise<{ body?: Body; error: string }> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  let body: Body;
  if (req.method === "GET") {
    body = Object.fromEntries(url.searchParams);
  } else if (type === "application/json") {
    const raw = await req.text();
    try {
      const value = raw ? JSON.parse(raw) : {};
      if (!isRecord(value)) return { error: "invalid_json" };
      body = value;
    } catch {
      return { error: "invalid_json" };
    }
  } else if (type === "multipart/form-data") {
    const form = await req.formData();
    body = {};
    for (const [key, value] of form) body[key] = typeof value === "string" ? value : value.name;
  } else {
    body = Object.fromEntries(new URLSearchParams(await req.text()));
  }
  for (const field of JSON_FIELDS) {
    if (typeof body[field] !== "string") continue;
    try {
      body[field] = JSON.parse(body[field] as string);
    } catch {
      // Left as the raw string: checkContent() reports it.
    }
  }
  return { body, error: "" };
}

/** Where a message to a user id lands: their direct-message channel, as conversations.open says. */
function dmChannel(channel: string): string {
  return /^[UW][A-Z0-9_]+$/.test(channel) ? `D${channel.replace(/^U/, "")}` : channel;
}

function checkChannel(channel: string): Reply | undefined {
  if (!channel || channel === MISSING_CHANNEL) return fail("channel_not_found");
  if (channel === FOREIGN_CHANNEL) return fail("not_in_channel");
  return undefined;
}

function checkUser(user: string): Reply | undefined {
  if (!user || user === MISSING_USER) return fail("user_not_found");
  return undefined;
}

function checkContent(body: Body): Reply | undefined {
  const text = str(body.text);
  if (text.length > MAX_TEXT) return fail("msg_too_long");
  if (body.blocks !== undefined) {
    const problem = blocksProblem(body.blocks);
    if (problem) return fail("invalid_blocks", [`[ERROR] ${problem}`]);
  }
  const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  if (!text && !hasBlocks && !body.attachments) return fail("no_text");
  return undefined;
}

/** Checks the Block Kit limits our messages rely on; returns the first problem found. */
function blocksProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return "must be an array [json-pointer:/blocks]";
  if (blocks.length > MAX_BLOCKS) {
    return `no more than ${MAX_BLOCKS} items allowed [json-pointer:/blocks]`;
  }
  for (const [i, block] of blocks.entries()) {
    const at = `[json-pointer:/blocks/${i}]`;
    if (!isRecord(block) || typeof block.type !== "string") return `missing type ${at}`;
    if (typeof block.block_id === "string" && block.block_id.length > 255) {
      return `block_id must be less than 256 characters ${at}`;
    }
    const problem = blockProblem(block);
    if (problem) return `${problem} ${at}`;
  }
  return undefined;
}

function blockProblem(block: Body): string | undefined {
  const textLength = (value: unknown) => isRecord(value) ? str(value.text).length : 0;
  switch (block.type) {
    case "header":
      if (!isRecord(block.text) || block.text.type !== "plain_text") {
        return "header text must be plain_text";
      }
      return textLength(block.text) > 150
        ? "header text must be at most 150 characters"
        : undefined;
    case "section": {
      const fields = block.fields;
      if (!block.text && !Array.isArray(fields)) return "section needs text or fields";
      if (textLength(block.text) > 3000) return "section text must be at most 3000 characters";
      if (Array.isArray(fields)) {
        if (fields.length > 10) return "section must have at most 10 fields";
        if (fields.some((f) => textLength(f) > 2000)) {
          return "section field must be at most 2000 characters";
        }
      }
      return undefined;
    }
    case "actions": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
        return "actions must have 1 to 25 elements";
      }
      for (const el of elements) {
        if (!isRecord(el)) return "element must be an object";
        if (el.type === "button" && textLength(el.text) > 75) {
          return "button text must be at most 75 characters";
        }
        if (typeof el.action_id === "string" && el.action_id.length > 255) {
          return "action_id must be at most 255 characters";
        }
        if (typeof el.value === "string" && el.value.length > 2000) {
          return "value must be at most 2000 characters";
        }
        if (typeof el.url === "string" && el.url.length > 3000) {
          return "url must be at most 3000 characters";
        }
      }
      return undefined;
    }
    case "context": {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
        return "context must have 1 to 10 elements";
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Checks the modal limits Slack enforces on views.open; returns the first problem found. */
function viewProblem(view: unknown): string | undefined {
  const at = (path: string) => `[json-pointer:/view${path}]`;
  if (!isRecord(view)) return `must be a JSON object ${at("")}`;
  if (view.type !== "modal") return `must be modal ${at("/type")}`;
  const plain = (value: unknown, max: number, path: string): string | undefined => {
    if (!isRecord(value) || value.type !== "plain_text" || typeof value.text !== "string") {
      return `must be a plain_text object ${at(path)}`;
    }
    if (value.text.length === 0) return `must be at least 1 character ${at(path)}`;
    return value.text.length > max
      ? `must be less than ${max + 1} characters ${at(path)}`
      : undefined;
  };
  const title = plain(view.title, 24, "/title");
  if (title) return title;
  for (const key of ["submit", "close"] as const) {
    if (view[key] !== undefined) {
      const problem = plain(view[key], 24, `/${key}`);
      if (problem) return problem;
    }
  }
  if (typeof view.private_metadata === "string" && view.private_metadata.length > 3000) {
    return `must be less than 3001 characters ${at("/private_metadata")}`;
  }
  if (typeof view.callback_id === "string" && view.callback_id.length > 255) {
    return `must be less than 256 characters ${at("/callback_id")}`;
  }
  const blocks = view.blocks;
  if (!Array.isArray(blocks) || blocks.length > 100) {
    return `must have up to 100 items ${at("/blocks")}`;
  }
  const problem = blocksProblem(blocks.filter((b) => !(isRecord(b) && b.type === "input")));
  if (problem) return problem.replace("[json-pointer:/blocks", "[json-pointer:/view/blocks");
  let inputs = 0;
  for (const [i, block] of blocks.entries()) {
    if (!isRecord(block) || block.type !== "input") continue;
    inputs++;
    const label = plain(block.label, 2000, `/blocks/${i}/label`);
    if (label) return label;
    const el = block.element;
    if (!isRecord(el) || typeof el.action_id !== "string") {
      return `must provide an element with an action_id ${at(`/blocks/${i}/element`)}`;
    }
    if (el.type === "plain_text_input") {
      const max = typeof el.max_length === "number" ? el.max_length : 3000;
      if (max > 3000) return `must be at most 3000 ${at(`/blocks/${i}/element/max_length`)}`;
      if (typeof el.initial_value === "string" && el.initial_value.length > max) {
        return `must be less than ${max + 1} characters ${
          at(`/blocks/${i}/element/initial_value`)
        }`;
      }
    }
  }
  if (inputs > 0 && view.submit === undefined) {
    return `must provide a submit property when using input blocks ${at("/submit")}`;
  }
  return undefined;
}

function messageJson(m: StoredMessage): Body {
  return {
    type: "message",
    text: m.text,
    user: BOT.user,
    bot_id: BOT.botId,
    app_id: BOT.appId,
    team: BOT.team,
    ts: m.ts,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.metadata ? { metadata: m.metadata } : {}),
  };
}

function slack(body: Reply, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}

function fail(error: string, messages?: string[]): Reply {
  return messages ? { ok: false, error, response_metadata: { messages } } : { ok: false, error };
}

function bearer(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

function str(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function isRecord(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
