import assert from "node:assert/strict";
import {
  type PostedMessage,
  SlackError,
  type SlackMessage,
  type SlackNotifier,
} from "../_shared/slack.ts";
import type { ClaimedJob } from "../_shared/stage.ts";
import { verifyTicketLink } from "../_shared/ticket_link.ts";
import { createNotifyProcessor } from "./deliver.ts";
import type { PendingNotification, TicketRow } from "./handler.ts";
import type { AnswerDraft } from "../_shared/slack_draft.ts";
import type {
  DeliveryLease,
  DeliveryOutcome,
  DraftThread,
  NotificationStore,
  NotifySettings,
} from "./store.ts";

const TICKET_ID = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const NOTIFICATION_ID = "11111111-2222-4333-8444-555555555555";
const SECRET = "a-ticket-link-secret-of-some-length";
const JOB: ClaimedJob = { jobId: 7, ticketId: TICKET_ID, payload: {}, attempt: 1 };

const TICKET: TicketRow = {
  id: TICKET_ID,
  ticket_number: 42,
  sender_name: "Jane",
  sender_email: "jane@example.com",
  tier: "standard",
  subject: "Cannot log in",
  priority: "high",
  category: "account",
  sub_category: "login_problem",
  sentiment_emotion: "neutral",
  sentiment_intensity: 3,
  is_escalated: false,
  escalation_reasons: [],
  team_name: "Account Management",
  agent_name: "Lucas Meyer",
  agent_slack_user_id: "U0LUCAS07",
  first_response_deadline: "2027-01-15T12:00:00Z",
  resolution_deadline: "2027-01-16T08:00:00Z",
  first_response_minutes: 240,
  signals: [],
  recent_tickets: 1,
  status: "assigned",
  assigned_to: null,
  teammates: [],
};

function notification(overrides: Partial<PendingNotification> = {}): PendingNotification {
  return {
    id: NOTIFICATION_ID,
    kind: "ticket_assigned",
    channel: "slack",
    target: "C0TEAM",
    payload: {},
    ticket: TICKET,
    ...overrides,
  };
}

/** An outbox of one notification, recording what the stage did with it. */
function memoryStore(
  n: PendingNotification,
  options: {
    lease?: DeliveryLease;
    complete?: boolean;
    settings?: Partial<NotifySettings>;
    thread?: DraftThread;
  } = {},
) {
  const finished: DeliveryOutcome[] = [];
  const pinned: string[] = [];
  const warnings: string[] = [];
  let completed = 0;
  const store: NotificationStore = {
    settings: () =>
      Promise.resolve({
        timeZone: "UTC",
        urlTemplate: null,
        viewBaseUrl: "https://support.example.com",
        viewLinkDays: 30,
        ...options.settings,
      }),
    pending: () => Promise.resolve(finished.some((f) => f.status !== "pending") ? [] : [n]),
    begin: () =>
      Promise.resolve(options.lease ?? { kind: "leased", token: "tok", checkSinceS: null }),
    finish: (_id, token, outcome) => {
      assert.equal(token, "tok");
      finished.push(outcome);
      return Promise.resolve(true);
    },
    complete: () => {
      completed++;
      return Promise.resolve(options.complete ?? true);
    },
    warn: (_ticket, type) => {
      warnings.push(type);
      return Promise.resolve();
    },
    pinDraftThread: (id) => {
      pinned.push(id);
      return Promise.resolve(
        options.thread ?? { wait: false, channel: "C0TEAM", threadTs: "1799999000.000100" },
      );
    },
  };
  return { store, finished, warnings, pinned, completed: () => completed };
}

/** A Slack stub: answers or throws what it is told, and records each call. */
function slackStub(behaviour: {
  post?: () => Promise<PostedMessage>;
  find?: () => Promise<PostedMessage | null>;
  react?: () => Promise<void>;
} = {}) {
  const calls: {
    method: string;
    channel: string;
    message?: SlackMessage;
    threadTs?: string;
    args?: unknown[];
  }[] = [];
  const slack: SlackNotifier = {
    postMessage(channel, message) {
      calls.push({ method: "post", channel, message });
      return behaviour.post?.() ?? Promise.resolve({ ok: true, channel, ts: "1800000000.000100" });
    },
    updateMessage(channel, ts, message) {
      calls.push({ method: "update", channel, message });
      return Promise.resolve({ ok: true, channel, ts });
    },
    findPostedMessage(channel, _marker, _oldest, threadTs) {
      calls.push({ method: "find", channel, threadTs });
      return behaviour.find?.() ?? Promise.resolve(null);
    },
    addReaction(channel, ts, name) {
      calls.push({ method: "react", channel, args: [ts, name] });
      return behaviour.react?.() ?? Promise.resolve();
    },
    postEphemeral(channel, user, message) {
      calls.push({
        method: "ephemeral",
        channel,
        threadTs: message.threadTs,
        args: [user, message.text],
      });
      return Promise.resolve({ ts: "1800000000.000200" });
    },
  };
  return { slack, calls };
}

function run(store: NotificationStore, slack: SlackNotifier | null) {
  return createNotifyProcessor({
    store,
    slack,
    linkSecret: SECRET,
    log: () => {},
    now: () => 1_800_000_000_000,
  })([JOB]);
}

Deno.test("the notify stage posts with the notification's marker and records Slack's ts at once", async () => {
  const mem = memoryStore(notification());
  const { slack, calls } = slackStub();
  assert.deepEqual(await run(mem.store, slack), [{ outcome: "done" }]);
  assert.deepEqual(calls.map((c) => c.method), ["post"]);
  assert.equal(calls[0].message?.marker, NOTIFICATION_ID);
  assert.equal(mem.finished.length, 1);
  assert.equal(mem.finished[0].status, "sent");
  assert.equal((mem.finished[0] as { externalId: string }).externalId, "1800000000.000100");
  assert.equal(mem.completed(), 1);
});

Deno.test("after an uncertain attempt the stage finds the posted message and does not post again", async () => {
  const mem = memoryStore(notification(), {
    lease: { kind: "leased", token: "tok", checkSinceS: 1_799_999_000 },
  });
  const { slack, calls } = slackStub({
    find: () => Promise.resolve({ ok: true, channel: "C0TEAM", ts: "1799999001.000001" }),
  });
  assert.deepEqual(await run(mem.store, slack), [{ outcome: "done" }]);
  assert.deepEqual(calls.map((c) => c.method), ["find"]);
  assert.deepEqual(
    { ...mem.finished[0], payload: undefined },
    {
      status: "sent",
      externalId: "1799999001.000001",
      payload: undefined,
      note: "an earlier attempt had posted it; not posted again",
      found: true,
    },
  );
});

Deno.test("after an uncertain attempt that posted nothing the stage posts", async () => {
  const mem = memoryStore(notification(), {
    lease: { kind: "leased", token: "tok", checkSinceS: 1_799_999_000 },
  });
  const { slack, calls } = slackStub();
  await run(mem.store, slack);
  assert.deepEqual(calls.map((c) => c.method), ["find", "post"]);
  assert.equal(mem.finished[0].status, "sent");
});

Deno.test("a timeout is recorded as an uncertain attempt and the job is retried", async () => {
  const mem = memoryStore(notification());
  const { slack } = slackStub({
    post: () =>
      Promise.reject(
        new SlackError("Slack did not answer in time", { code: "timeout", retryable: true }),
      ),
  });
  const [outcome] = await run(mem.store, slack);
  assert.equal(outcome.outcome, "failed");
  assert.deepEqual(mem.finished, [{
    status: "pending",
    note: "Slack did not answer in time",
    uncertain: true,
  }]);
  assert.equal(mem.completed(), 0);
});

Deno.test("a rate limit is recorded as a certain failure (nothing was posted)", async () => {
  const mem = memoryStore(notification());
  const { slack } = slackStub({
    post: () =>
      Promise.reject(
        new SlackError("rate limited", { code: "rate_limited", retryable: true, status: 429 }),
      ),
  });
  await run(mem.store, slack);
  assert.deepEqual(mem.finished, [{ status: "pending", note: "rate limited", uncertain: false }]);
});

Deno.test("a refusal fails the notification for good and completes the job", async () => {
  const mem = memoryStore(notification());
  const { slack } = slackStub({
    post: () =>
      Promise.reject(
        new SlackError('Slack answered "channel_not_found"', {
          code: "channel_not_found",
          retryable: false,
        }),
      ),
  });
  assert.deepEqual(await run(mem.store, slack), [{ outcome: "done" }]);
  assert.equal(mem.finished[0].status, "failed");
  assert.equal(mem.completed(), 1);
});

Deno.test("a notification another run is delivering is left alone and the job retried later", async () => {
  const mem = memoryStore(notification(), { lease: { kind: "busy" } });
  const { slack, calls } = slackStub();
  const [outcome] = await run(mem.store, slack);
  assert.equal(outcome.outcome, "failed");
  assert.deepEqual(calls, []);
  assert.deepEqual(mem.finished, []);
});

Deno.test("a history the token may not read is logged and the message posted rather than lost", async () => {
  const mem = memoryStore(notification(), {
    lease: { kind: "leased", token: "tok", checkSinceS: 1_799_999_000 },
  });
  const { slack, calls } = slackStub({
    find: () =>
      Promise.reject(
        new SlackError('Slack answered "missing_scope"', {
          code: "missing_scope",
          retryable: false,
        }),
      ),
  });
  await run(mem.store, slack);
  assert.deepEqual(calls.map((c) => c.method), ["find", "post"]);
  assert.deepEqual(mem.warnings, ["notification_unchecked"]);
  assert.equal(mem.finished[0].status, "sent");
});

Deno.test("a stale job claim keeps what was delivered: the post stays recorded", async () => {
  const mem = memoryStore(notification(), { complete: false });
  const { slack } = slackStub();
  assert.deepEqual(await run(mem.store, slack), [{ outcome: "stale" }]);
  assert.equal(mem.finished[0].status, "sent");
});

Deno.test("a message update replaces the message in place, without a lookup", async () => {
  const mem = memoryStore(
    notification({ kind: "ticket_updated", payload: { ts: "1799.1", note: "Resolved" } }),
    {
      lease: { kind: "leased", token: "tok", checkSinceS: 1_799_999_000 },
    },
  );
  const { slack, calls } = slackStub();
  await run(mem.store, slack);
  assert.deepEqual(calls.map((c) => c.method), ["update"]);
  assert.equal(mem.finished[0].status, "sent");
});

Deno.test("View Ticket opens the signed ticket page, or the configured template", async () => {
  const signed = memoryStore(notification());
  const first = slackStub();
  await run(signed.store, first.slack);
  const url = viewUrlOf(first.calls[0].message!);
  assert.match(url, /^https:\/\/support\.example\.com\/functions\/v1\/ticket-view\?/);
  const check = verifyTicketLink([SECRET], new URL(url).searchParams, 1_800_000_000);
  assert.deepEqual(check, {
    ok: true,
    ticketId: TICKET_ID,
    expiresAtS: 1_800_000_000 + 30 * 86_400,
  });

  const templated = memoryStore(notification(), {
    settings: { urlTemplate: "https://studio.example.com/row?id={{id}}&n={{number}}" },
  });
  const second = slackStub();
  await run(templated.store, second.slack);
  assert.equal(
    viewUrlOf(second.calls[0].message!),
    `https://studio.example.com/row?id=${TICKET_ID}&n=42`,
  );
});

Deno.test("without Slack the notification is kept in the outbox as stored", async () => {
  const mem = memoryStore(notification());
  await run(mem.store, null);
  assert.equal(mem.finished[0].status, "stored");
});

function viewUrlOf(message: SlackMessage): string {
  const actions = message.blocks.find((b) => (b as { type: string }).type === "actions") as {
    elements: { action_id: string; url?: string }[];
  };
  return actions.elements.find((e) => e.action_id === "view_ticket")?.url ?? "";
}

const RESPONSE_ID = "99999999-8888-4777-8666-555555555555";

function draft(overrides: Partial<AnswerDraft> = {}): AnswerDraft {
  return {
    response_id: RESPONSE_ID,
    ticket_id: TICKET_ID,
    ticket_number: 42,
    channel: "email",
    customer_name: "Jane",
    customer_email: "jane@example.com",
    assignee_id: null,
    ticket_status: "assigned",
    body: "Hi Jane,\n\nReset your password from the sign-in page.\n\nBest regards",
    draft_body: null,
    language: "en",
    review_status: "pending",
    review_reasons: ["low_confidence"],
    quality_gates: { has_greeting: { pass: true } },
    confidence: 0.72,
    min_confidence: 0.9,
    model: "local-template",
    edit_distance: null,
    review_note: null,
    reviewed_at: null,
    reviewer_name: null,
    reviewer_slack_user_id: null,
    articles: [],
    ...overrides,
  };
}

Deno.test("a draft is posted in the thread of the ticket's message, marked for a later lookup", async () => {
  const mem = memoryStore(
    notification({ kind: "answer_draft", target: "C0TEAM", payload: {}, draft: draft() }),
  );
  const { slack, calls } = slackStub();
  assert.deepEqual(await run(mem.store, slack), [{ outcome: "done" }]);
  assert.deepEqual(mem.pinned, [NOTIFICATION_ID]);
  assert.deepEqual(calls.map((c) => c.method), ["post"]);
  assert.equal(calls[0].message?.threadTs, "1799999000.000100");
  assert.equal(calls[0].message?.marker, NOTIFICATION_ID);
  const actions = calls[0].message!.blocks.find((b) => (b as { type: string }).type === "actions");
  assert.ok(JSON.stringify(actions).includes("approve_draft"));
  assert.equal(mem.finished[0].status, "sent");
});

Deno.test("a draft waits while the ticket's message is not posted yet, and the job is retried", async () => {
  const mem = memoryStore(
    notification({ kind: "answer_draft", payload: {}, draft: draft() }),
    { thread: { wait: true } },
  );
  const { slack, calls } = slackStub();
  const [outcome] = await run(mem.store, slack);
  assert.equal(outcome.outcome, "failed");
  assert.deepEqual(calls, []);
  assert.equal(mem.finished[0].status, "pending");
  assert.equal((mem.finished[0] as { uncertain: boolean }).uncertain, false);
});

Deno.test("after an uncertain attempt a draft is looked for in its thread, not the channel", async () => {
  const mem = memoryStore(
    notification({ kind: "answer_draft", payload: {}, draft: draft() }),
    { lease: { kind: "leased", token: "tok", checkSinceS: 1_799_999_000 } },
  );
  const { slack, calls } = slackStub({
    find: () => Promise.resolve({ ok: true, channel: "C0TEAM", ts: "1799999001.000009" }),
  });
  await run(mem.store, slack);
  assert.deepEqual(calls.map((c) => [c.method, c.threadTs]), [["find", "1799999000.000100"]]);
  assert.equal((mem.finished[0] as { externalId: string }).externalId, "1799999001.000009");
});

Deno.test("a draft whose team has no channel and whose ticket has no message is stored", async () => {
  const mem = memoryStore(
    notification({ kind: "answer_draft", target: null, payload: {}, draft: draft() }),
    { thread: { wait: false, channel: null, threadTs: null } },
  );
  const { slack, calls } = slackStub();
  await run(mem.store, slack);
  assert.deepEqual(calls, []);
  assert.equal(mem.finished[0].status, "stored");
});

Deno.test("a decided draft's message is updated in place with the decision", async () => {
  const decided = draft({
    review_status: "approved",
    reviewer_name: "Mia",
    reviewer_slack_user_id: "U0MIA0004",
    reviewed_at: 1_800_000_000,
  });
  const mem = memoryStore(
    notification({ kind: "answer_draft_updated", payload: { ts: "1799.5" }, draft: decided }),
  );
  const { slack, calls } = slackStub();
  await run(mem.store, slack);
  assert.deepEqual(calls.map((c) => c.method), ["update"]);
  assert.match(JSON.stringify(calls[0].message?.blocks), /Approved as written by <@U0MIA0004>/);
  assert.ok(!JSON.stringify(calls[0].message?.blocks).includes("approve_draft"));
});

Deno.test("a draft that no longer exists fails its notification without calling Slack", async () => {
  const mem = memoryStore(notification({ kind: "answer_draft", payload: {}, draft: null }));
  const { slack, calls } = slackStub();
  await run(mem.store, slack);
  assert.deepEqual(calls, []);
  assert.equal(mem.finished[0].status, "failed");
});

Deno.test("an agent's Slack answer gets its reaction, and a refusal an ephemeral message", async () => {
  const reacted = memoryStore(notification({
    kind: "slack_receipt",
    target: "C0TEAM",
    payload: { ts: "1799.7", reaction: "white_check_mark" },
  }));
  const first = slackStub();
  await run(reacted.store, first.slack);
  assert.deepEqual(first.calls.map((c) => [c.method, c.channel, c.args]), [
    ["react", "C0TEAM", ["1799.7", "white_check_mark"]],
  ]);
  assert.equal(reacted.finished[0].status, "sent");

  const refused = memoryStore(notification({
    kind: "slack_receipt",
    target: "C0TEAM",
    payload: { ephemeral_user: "U0NOPE", thread_ts: "1799.1", text: "belongs to another team" },
  }));
  const second = slackStub();
  await run(refused.store, second.slack);
  assert.deepEqual(second.calls.map((c) => [c.method, c.threadTs, c.args]), [
    ["ephemeral", "1799.1", ["U0NOPE", "belongs to another team"]],
  ]);
});

Deno.test("a reaction Slack cannot take now is retried as certain: repeating it is harmless", async () => {
  const mem = memoryStore(notification({
    kind: "slack_receipt",
    payload: { ts: "1799.7", reaction: "white_check_mark" },
  }));
  const { slack } = slackStub({
    react: () =>
      Promise.reject(
        new SlackError("Slack answered HTTP 500", { code: "server_error", retryable: true }),
      ),
  });
  const [outcome] = await run(mem.store, slack);
  assert.equal(outcome.outcome, "failed");
  assert.deepEqual(mem.finished, [{
    status: "pending",
    note: "Slack answered HTTP 500",
    uncertain: false,
  }]);
});
