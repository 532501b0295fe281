import assert from "node:assert/strict";
import type { IntakeResult } from "../_shared/intake_store.ts";
import type { NormalisedMessage } from "../_shared/normalise.ts";
import { SlackError, type SlackUser, type SlackUserDirectory } from "../_shared/slack.ts";
import type { ClaimedJob } from "../_shared/stage.ts";
import {
  createSlackEventProcessor,
  isPermanentDataError,
  type SlackEventStore,
  type StoredSlackEvent,
} from "./process.ts";

type Call = { op: string; id: number | null; detail?: unknown };

function job(slackEventId: number, attempt = 1): ClaimedJob {
  return {
    jobId: 100 + slackEventId,
    ticketId: null,
    payload: { slack_event_id: slackEventId },
    attempt,
  };
}

function stored(
  id: number,
  event: Record<string, unknown> = {},
  status = "queued",
): StoredSlackEvent {
  return {
    id,
    status,
    payload: {
      type: "event_callback",
      team_id: "T0TEAM",
      event_id: `Ev${id}`,
      authorizations: [{ user_id: "U0OURBOT", is_bot: true }],
      event: {
        type: "message",
        channel: "C0SUPPORT",
        user: "U0JANE",
        text: "Checkout fails with error 502",
        ts: `1700000000.00010${id}`,
        ...event,
      },
    },
  };
}

function setup(
  rows: StoredSlackEvent[],
  options: {
    users?: SlackUserDirectory | null;
    intake?: (message: NormalisedMessage) => Promise<IntakeResult>;
    agents?: string[];
    failStatus?: string;
    /** Threads (ts) that are a ticket's messages, and what the store makes of replies there. */
    ticketThreads?: Record<string, string>;
  } = {},
) {
  const calls: Call[] = [];
  const messages: Array<{ message: NormalisedMessage; placeholder: boolean }> = [];
  const store: SlackEventStore = {
    load: (ids) => Promise.resolve(rows.filter((r) => ids.includes(r.id))),
    isAgent: (user) => Promise.resolve((options.agents ?? []).includes(user)),
    threadReply(_job, id, reply) {
      const outcome = options.ticketThreads?.[reply.thread_ts];
      if (!outcome) {
        calls.push({ op: "thread?", id });
        return Promise.resolve({ handled: false });
      }
      calls.push({ op: "thread", id, detail: reply });
      return Promise.resolve({ handled: true, outcome, ticket_id: "t-1" });
    },
    async intake(_job, id, { message, placeholder }) {
      messages.push({ message, placeholder });
      const result = options.intake
        ? await options.intake(message)
        : { ticketId: "t-1", ticketNumber: 1, outcome: "created" as const, duplicate: false };
      calls.push({ op: "intake", id, detail: result.outcome });
      return result;
    },
    ignore(_job, id, reason) {
      calls.push({ op: "ignore", id, detail: reason });
      return Promise.resolve();
    },
    complete(j) {
      calls.push({ op: "complete", id: Number(j.payload.slack_event_id) });
      return Promise.resolve();
    },
    deadLetter(_job, id, reason) {
      calls.push({ op: "deadLetter", id, detail: reason });
      return Promise.resolve(7);
    },
    fail(_job, id, error) {
      calls.push({ op: "fail", id, detail: error });
      return Promise.resolve(options.failStatus ?? "queued");
    },
  };
  const lookups: string[] = [];
  const users: SlackUserDirectory | null = options.users === undefined
    ? {
      userInfo(id) {
        lookups.push(id);
        return Promise.resolve<SlackUser>({
          id,
          email: `${id.toLowerCase()}@example.com`,
          name: `Name ${id}`,
          isBot: false,
          deleted: false,
        });
      },
    }
    : options.users;
  const process = createSlackEventProcessor({
    store,
    users,
    supportChannels: ["C0SUPPORT"],
    log: () => {},
  });
  return { process, calls, messages, lookups };
}

Deno.test("the processor takes a customer message in with the author's profile", async () => {
  const { process, calls, messages } = setup([stored(1)]);
  assert.deepEqual(await process([job(1)]), [{ outcome: "done" }]);
  assert.deepEqual(calls, [{ op: "intake", id: 1, detail: "created" }]);
  const { message, placeholder } = messages[0];
  assert.equal(placeholder, false);
  assert.equal(message.email, "u0jane@example.com");
  assert.equal(message.name, "Name U0JANE");
  assert.equal(message.messageId, "C0SUPPORT:1700000000.000101");
});

Deno.test("the processor looks each user up once per run, mentions included", async () => {
  const { process, lookups, messages } = setup([
    stored(1, { text: "ping <@U0ANN>" }),
    stored(2, { text: "also <@U0ANN>" }),
  ]);
  await process([job(1), job(2)]);
  await process([job(1)]);
  assert.deepEqual([...new Set(lookups)].sort(), ["U0ANN", "U0JANE"]);
  assert.equal(lookups.length, 2);
  // Jobs run concurrently: their messages reach intake in either order.
  const bodies = messages.map((m) => m.message.body).sort();
  assert.deepEqual(bodies.slice(0, 2), ["also @Name U0ANN", "ping @Name U0ANN"]);
});

Deno.test("the processor records ignored events with their reason", async () => {
  const { process, calls } = setup([
    stored(1, { subtype: "message_changed" }),
    stored(2, { channel: "C0OTHER" }),
  ]);
  await process([job(1), job(2)]);
  assert.deepEqual(calls, [
    { op: "ignore", id: 1, detail: "an edit (message_changed)" },
    { op: "ignore", id: 2, detail: "channel C0OTHER is not the support channel" },
  ]);
});

Deno.test("the processor ignores bot users and agents answering in a thread", async () => {
  const bots = setup([stored(1)], {
    users: {
      userInfo: (id) =>
        Promise.resolve({ id, email: null, name: "Zap", isBot: true, deleted: false }),
    },
  });
  await bots.process([job(1)]);
  assert.deepEqual(bots.calls, [{ op: "ignore", id: 1, detail: "a bot user's message" }]);

  const agents = setup([stored(2, { thread_ts: "1699999999.000001" }), stored(3)], {
    agents: ["U0JANE"],
  });
  await agents.process([job(2), job(3)]);
  assert.deepEqual(agents.calls.map((c) => c.op), ["thread?", "ignore", "intake"]);
  assert.match(String(agents.calls[1].detail), /agent's reply/);
  assert.equal(agents.calls[2].op, "intake", "an agent's own top-level message is taken in");
});

Deno.test("the processor uses a placeholder address without e-mail, lookup or token", async () => {
  const noEmail = setup([stored(1)], {
    users: {
      userInfo: (id) =>
        Promise.resolve({ id, email: null, name: "Jo", isBot: false, deleted: false }),
    },
  });
  await noEmail.process([job(1)]);
  assert.equal(noEmail.messages[0].message.email, "u0jane@t0team.slack.invalid");
  assert.equal(noEmail.messages[0].message.name, "Jo");
  assert.equal(noEmail.messages[0].placeholder, true);

  const notFound = setup([stored(1)], {
    users: {
      userInfo: () =>
        Promise.reject(new SlackError("x", { code: "user_not_found", retryable: false })),
    },
  });
  await notFound.process([job(1)]);
  const slack = notFound.messages[0].message.metadata.slack as Record<string, unknown>;
  assert.equal(slack.identity, "placeholder");
  assert.equal(slack.identity_note, "user_not_found");

  const noToken = setup([stored(1)], { users: null });
  await noToken.process([job(1)]);
  assert.equal(noToken.messages[0].message.email, "u0jane@t0team.slack.invalid");
});

Deno.test("the processor retries when Slack cannot answer now, and reports a dead job", async () => {
  const users: SlackUserDirectory = {
    userInfo: () =>
      Promise.reject(
        new SlackError("Slack answered HTTP 503", { code: "server_error", retryable: true }),
      ),
  };
  const retry = setup([stored(1)], { users });
  assert.deepEqual(await retry.process([job(1)]), [{
    outcome: "queued",
    error: "Slack answered HTTP 503",
  }]);
  assert.deepEqual(retry.calls, [{ op: "fail", id: 1, detail: "Slack answered HTTP 503" }]);

  const dead = setup([stored(1)], { users, failStatus: "dead" });
  assert.deepEqual(await dead.process([job(1, 3)]), [{
    outcome: "dead",
    error: "Slack answered HTTP 503",
  }]);
});

Deno.test("the processor retries an unavailable database but dead-letters bad data at once", async () => {
  const down = setup([stored(1)], {
    intake: () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })),
  });
  assert.equal((await down.process([job(1)]))[0].outcome, "queued");
  assert.equal(down.calls[0].op, "fail");

  const bad = setup([stored(1)], {
    intake: () => Promise.reject(Object.assign(new Error("value too long"), { code: "22001" })),
  });
  assert.deepEqual(await bad.process([job(1)]), [{ outcome: "done" }]);
  assert.deepEqual(bad.calls, [{ op: "deadLetter", id: 1, detail: "value too long" }]);
});

Deno.test("the processor completes a job whose event is already settled, and reports stale claims", async () => {
  const settled = setup([stored(1, {}, "processed")]);
  assert.deepEqual(await settled.process([job(1)]), [{ outcome: "done" }]);
  assert.deepEqual(settled.calls, [{ op: "complete", id: 1 }]);

  const stale = setup([stored(1)], {
    intake: () => Promise.reject(new Error("job 101 attempt 1 is no longer claimed")),
  });
  assert.deepEqual(await stale.process([job(1)]), [{ outcome: "stale" }]);
  assert.equal(stale.calls.length, 0);
});

Deno.test("the processor fails a job whose event is missing", async () => {
  const { process, calls } = setup([]);
  const [outcome] = await process([job(9)]);
  assert.equal(outcome.outcome, "queued");
  assert.deepEqual(calls, [{ op: "fail", id: null, detail: "slack event 9 is not stored" }]);
});

Deno.test("isPermanentDataError() is true for data and constraint errors only", () => {
  assert.equal(isPermanentDataError({ code: "23514" }), true);
  assert.equal(isPermanentDataError({ code: "22P05" }), true);
  assert.equal(isPermanentDataError({ code: "40001" }), false);
  assert.equal(isPermanentDataError({ code: "ECONNREFUSED" }), false);
  assert.equal(isPermanentDataError(new Error("x")), false);
});

Deno.test("a reply in a ticket's thread goes to the thread step with plain text, in any channel", async () => {
  const { process, calls, lookups } = setup([
    stored(1, {
      channel: "C0TEAM",
      user: "U0MIA",
      thread_ts: "1699999999.000100",
      text:
        "<@U0OURBOT> &gt;&gt; Hi <@U0JANE>, see <https://help.example.com|the guide> &amp; retry",
    }),
  ], { ticketThreads: { "1699999999.000100": "agent_answer" } });
  assert.deepEqual(await process([job(1)]), [{ outcome: "done" }]);
  assert.deepEqual(calls, [{
    op: "thread",
    id: 1,
    detail: {
      channel: "C0TEAM",
      thread_ts: "1699999999.000100",
      ts: "1700000000.000101",
      user: "U0MIA",
      text: ">> Hi @Name U0JANE, see the guide (https://help.example.com) & retry",
    },
  }]);
  assert.ok(!lookups.includes("U0MIA"), "the author is not looked up: agents need no customer");
});

Deno.test("a thread reply in another channel that is no ticket's thread is ignored as before", async () => {
  const { process, calls } = setup([
    stored(1, { channel: "C0OTHER", thread_ts: "1699999999.000100" }),
  ]);
  await process([job(1)]);
  assert.deepEqual(calls, [
    { op: "thread?", id: 1 },
    { op: "ignore", id: 1, detail: "channel C0OTHER is not the support channel" },
  ]);
});
