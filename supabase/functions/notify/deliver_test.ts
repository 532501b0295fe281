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
import type { DeliveryLease, DeliveryOutcome, NotificationStore, NotifySettings } from "./store.ts";

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
  options: { lease?: DeliveryLease; complete?: boolean; settings?: Partial<NotifySettings> } = {},
) {
  const finished: DeliveryOutcome[] = [];
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
  };
  return { store, finished, warnings, completed: () => completed };
}

/** A Slack stub: answers or throws what it is told, and records each call. */
function slackStub(behaviour: {
  post?: () => Promise<PostedMessage>;
  find?: () => Promise<PostedMessage | null>;
} = {}) {
  const calls: { method: string; channel: string; message?: SlackMessage }[] = [];
  const slack: SlackNotifier = {
    postMessage(channel, message) {
      calls.push({ method: "post", channel, message });
      return behaviour.post?.() ?? Promise.resolve({ ok: true, channel, ts: "1800000000.000100" });
    },
    updateMessage(channel, ts, message) {
      calls.push({ method: "update", channel, message });
      return Promise.resolve({ ok: true, channel, ts });
    },
    findPostedMessage(channel) {
      calls.push({ method: "find", channel });
      return behaviour.find?.() ?? Promise.resolve(null);
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
