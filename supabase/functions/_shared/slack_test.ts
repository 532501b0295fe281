import assert from "node:assert/strict";
import {
  BOT_USER,
  MISSING_USER,
  NO_EMAIL_USER,
  startFakeSlack,
} from "../../../scripts/lib/fake_slack.ts";
import {
  actionsBlockId,
  createSlackModals,
  createSlackNotifier,
  createSlackUserDirectory,
  parseActionsBlockId,
  renderTicketAssigned,
  SlackError,
  type SlackNotifierOptions,
  type TicketNotice,
} from "./slack.ts";

const TOKEN = "xoxb-test-token";

function notice(overrides: Partial<TicketNotice> = {}): TicketNotice {
  return {
    ticketId: "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f",
    ticketNumber: 12345,
    customerName: "Jane Customer",
    customerEmail: "jane@example.com",
    customerTier: "standard",
    subject: "Cannot log into account",
    priority: "urgent",
    category: "account",
    subCategory: "password_reset",
    emotion: "frustrated",
    intensity: 7,
    insights: ["Customer tried multiple password resets", "Third contact this week"],
    isEscalated: false,
    teamName: "Account Support",
    agentName: "Alice Agent",
    agentSlackUserId: "U0ALICE",
    firstResponseDeadline: "2025-03-18T13:05:00Z",
    resolutionDeadline: "2025-03-19T13:05:00Z",
    firstResponseHours: 4,
    viewUrl: "https://support.example.com/tickets/7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f",
    timeZone: "Europe/Berlin",
    ...overrides,
  };
}

type Block = Record<string, unknown> & { type: string };
type TextObject = { type: string; text: string };
type Button = { action_id: string; value?: string; url?: string; style?: string; text: TextObject };

function blocksOf(n: TicketNotice): Block[] {
  return renderTicketAssigned(n).blocks as Block[];
}

function header(n: TicketNotice): string {
  const block = blocksOf(n).find((b) => b.type === "header");
  assert.ok(block, "no header block");
  return (block.text as TextObject).text;
}

/** All mrkdwn/plain_text of the sections, fields included, joined by newlines. */
function sectionText(n: TicketNotice): string {
  return blocksOf(n)
    .filter((b) => b.type === "section")
    .flatMap((b) => [b.text as TextObject | undefined, ...((b.fields as TextObject[]) ?? [])])
    .filter((t): t is TextObject => t !== undefined)
    .map((t) => t.text)
    .join("\n");
}

function buttons(n: TicketNotice): Button[] {
  const actions = blocksOf(n).find((b) => b.type === "actions");
  assert.ok(actions, "no actions block");
  return actions.elements as Button[];
}

function notifier(url: string, opts: Partial<SlackNotifierOptions> = {}) {
  return createSlackNotifier({
    token: TOKEN,
    apiUrl: url,
    timeoutMs: 2_000,
    maxRetries: 2,
    minRetryDelayMs: 10,
    maxRetryDelayMs: 50,
    ...opts,
  });
}

async function rejection(promise: Promise<unknown>): Promise<SlackError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof SlackError, `expected a SlackError, got ${err}`);
    return err;
  }
  assert.fail("expected a rejection");
}

// Rendering ------------------------------------------------------------------------------------

Deno.test("renderTicketAssigned() puts the ticket number in a plain-text header", () => {
  const block = blocksOf(notice())[0];
  assert.equal(block.type, "header");
  assert.deepEqual(block.text, {
    type: "plain_text",
    text: "New Ticket Assigned: #T-12345",
    emoji: true,
  });
});

Deno.test("renderTicketAssigned() shows the key facts of the spec's layout", () => {
  const text = sectionText(notice());
  assert.match(text, /\*From:\* Jane Customer \(jane@example\.com\)/);
  assert.match(text, /\*Subject:\* Cannot log into account/);
  assert.match(text, /\*Priority:\*\n:red_circle: Urgent/);
  assert.match(text, /\*Category:\*\naccount › password_reset/);
  assert.match(text, /\*Sentiment:\*\nfrustrated \(7\/10\)/);
  assert.match(text, /\*Assigned to:\*\n<@U0ALICE>/);
  assert.match(
    text,
    /\*AI Insights:\*\n• Customer tried multiple password resets\n• Third contact/,
  );
});

Deno.test("renderTicketAssigned() escapes <script> and & in the subject", () => {
  const n = notice({ subject: "<script>alert(1)</script> & <!channel>", customerName: "A&B <Co>" });
  const { text, blocks } = renderTicketAssigned(n);
  const all = JSON.stringify(blocks) + text;
  assert.ok(!all.includes("<script>"));
  assert.ok(!all.includes("<!channel>"));
  assert.match(sectionText(n), /&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &lt;!channel&gt;/);
  assert.match(sectionText(n), /A&amp;B &lt;Co&gt;/);
  assert.match(text, /&lt;script&gt;/);
});

Deno.test("renderTicketAssigned() offers View Ticket, Reassign and Escalate buttons", () => {
  const n = notice();
  const [view, reassign, escalate, ...rest] = buttons(n);
  assert.equal(rest.length, 0);
  assert.equal(view.action_id, "view_ticket");
  assert.equal(view.url, n.viewUrl);
  assert.equal(view.text.text, "View Ticket");
  assert.equal(reassign.action_id, "reassign_ticket");
  assert.equal(reassign.value, n.ticketId);
  assert.equal(reassign.text.text, "Reassign");
  assert.equal(escalate.action_id, "escalate_ticket");
  assert.equal(escalate.value, n.ticketId);
  assert.equal(escalate.style, "danger");
  assert.equal(escalate.text.text, "Escalate");
});

Deno.test("renderTicketAssigned() shows a VIP badge only for VIP customers", () => {
  assert.match(sectionText(notice({ customerTier: "vip" })), /\(jane@example\.com\) · .*VIP/);
  assert.match(renderTicketAssigned(notice({ customerTier: "vip" })).text, /\[VIP\]/);
  assert.doesNotMatch(sectionText(notice()), /VIP/);
  assert.match(sectionText(notice({ customerTier: "enterprise" })), /Enterprise/);
});

Deno.test("renderTicketAssigned() says queued for the team when no agent is assigned", () => {
  const n = notice({ agentName: null, agentSlackUserId: null });
  assert.equal(header(n), "New Ticket Queued: #T-12345");
  assert.match(sectionText(n), /\*Assigned to:\*\nAccount Support \(team queue\)/);
  assert.equal(header(notice()), "New Ticket Assigned: #T-12345");
});

Deno.test("renderTicketAssigned() names the agent when they have no Slack user id", () => {
  const n = notice({ agentSlackUserId: null, agentName: "Bob <Agent>" });
  assert.equal(header(n), "New Ticket Assigned: #T-12345");
  assert.match(sectionText(n), /\*Assigned to:\*\nBob &lt;Agent&gt;/);
});

Deno.test("renderTicketAssigned() shows the SLA deadline in the given time zone", () => {
  assert.match(
    sectionText(notice()),
    /\*SLA Deadline:\* 4 hours \(first response by 14:05 Europe\/Berlin\)/,
  );
  const ny = notice({ timeZone: "America/New_York" });
  assert.match(sectionText(ny), /first response by 09:05 America\/New_York/);
  assert.match(renderTicketAssigned(ny).text, /4 hours \(first response by 09:05 America/);
});

Deno.test("renderTicketAssigned() dates a deadline that falls on a later day", () => {
  const n = notice({ firstResponseHours: 24, firstResponseDeadline: "2025-03-19T13:05:00Z" });
  assert.match(sectionText(n), /24 hours \(first response by Wed 19 Mar, 14:05 Europe\/Berlin\)/);
  assert.match(sectionText(n), /Resolution due:\* Wed 19 Mar, 14:05 Europe\/Berlin/);
});

Deno.test("renderTicketAssigned() falls back to UTC for an unknown time zone", () => {
  assert.match(sectionText(notice({ timeZone: "Mars/Olympus" })), /by 13:05 UTC\)/);
});

Deno.test("renderTicketAssigned() flags an escalated ticket among the AI insights", () => {
  assert.match(sectionText(notice({ isEscalated: true })), /AI Insights:\*\n• .*Escalated/);
  assert.match(renderTicketAssigned(notice({ isEscalated: true })).text, /escalated/);
  assert.doesNotMatch(sectionText(notice()), /Escalated/);
});

Deno.test("renderTicketAssigned() truncates the subject to 150 characters", () => {
  const n = notice({ subject: "x".repeat(400) });
  const subject = sectionText(n).match(/\*Subject:\* (\S+)/)?.[1] ?? "";
  assert.equal(Array.from(subject).length, 150);
  assert.ok(subject.endsWith("…"));
});

Deno.test("renderTicketAssigned() stays inside Block Kit limits for huge input", () => {
  const n = notice({
    subject: "<&>".repeat(500),
    customerName: "&".repeat(5_000),
    customerEmail: `${"<".repeat(5_000)}@example.com`,
    insights: Array.from({ length: 40 }, (_, i) => `${i} ${"&<>".repeat(2_000)}`),
    teamName: "T".repeat(5_000),
    agentName: null,
    agentSlackUserId: null,
    isEscalated: true,
  });
  const blocks = blocksOf(n);
  assert.ok(blocks.length <= 50);
  assert.ok(header(n).length <= 150);
  for (const block of blocks.filter((b) => b.type === "section")) {
    const text = block.text as TextObject | undefined;
    const fields = (block.fields as TextObject[] | undefined) ?? [];
    assert.ok(!text || text.text.length <= 3000, `section text of ${text?.text.length} chars`);
    assert.ok(fields.length <= 10);
    for (const f of fields) assert.ok(f.text.length <= 2000, `field of ${f.text.length} chars`);
  }
  const insights = sectionText(n).match(/^• /gm) ?? [];
  assert.equal(insights.length, 1 + 5 + 1); // escalated flag, 5 insights, "…and 35 more"
  assert.match(sectionText(n), /…and 35 more/);
});

Deno.test("renderTicketAssigned() puts the key facts in the plain-text fallback", () => {
  const { text } = renderTicketAssigned(notice({ customerTier: "vip" }));
  assert.match(text, /^New Ticket Assigned: #T-12345 \(Urgent priority\)/);
  assert.match(text, /From: Jane Customer \(jane@example\.com\) \[VIP\]/);
  assert.match(text, /Subject: Cannot log into account/);
  assert.match(text, /Category: account › password_reset/);
  assert.match(text, /Sentiment: frustrated \(7\/10\)/);
  assert.match(text, /Assigned to: <@U0ALICE>/);
  assert.match(text, /SLA: 4 hours \(first response by 14:05 Europe\/Berlin\)/);
});

// Sending through the real WebClient ----------------------------------------------------------

Deno.test("postMessage() returns Slack's ts and the fake records the blocks", async () => {
  await using slack = await startFakeSlack();
  const message = renderTicketAssigned(notice());
  const posted = await notifier(slack.url).postMessage("C0TRIAGE", message);
  assert.equal(posted.ok, true);
  assert.equal(posted.channel, "C0TRIAGE");
  assert.match(posted.ts, /^\d{10}\.\d{6}$/);
  assert.equal(slack.calls.length, 1);
  const [call] = slack.calls;
  assert.equal(call.method, "chat.postMessage");
  assert.equal(call.headers.authorization, `Bearer ${TOKEN}`);
  assert.match(call.headers["content-type"], /^application\/x-www-form-urlencoded/);
  assert.deepEqual(call.body.blocks, message.blocks);
  assert.equal(call.body.text, message.text);
  assert.equal(call.body.channel, "C0TRIAGE");
});

Deno.test("postMessage() posts into a thread when threadTs is given", async () => {
  await using slack = await startFakeSlack();
  const message = { ...renderTicketAssigned(notice()), threadTs: "1700000000.000001" };
  await notifier(slack.url).postMessage("C0TRIAGE", message);
  assert.equal(slack.calls[0].body.thread_ts, "1700000000.000001");
});

Deno.test("postMessage() waits out a 429 with Retry-After 1 and then succeeds", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("rate_limited", { retryAfterS: 1 });
  const started = Date.now();
  const posted = await notifier(slack.url).postMessage("C0TRIAGE", renderTicketAssigned(notice()));
  assert.ok(Date.now() - started >= 950, "did not honour Retry-After");
  assert.match(posted.ts, /^\d+\.\d{6}$/);
  assert.deepEqual(slack.calls.map((c) => c.failure), ["rate_limited", undefined]);
});

Deno.test("postMessage() gives up on a persistent 429 with a retryable SlackError", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("rate_limited", { count: 100, retryAfterS: 1 });
  const err = await rejection(
    notifier(slack.url, { maxRetries: 0 }).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "rate_limited");
  assert.equal(err.retryable, true);
  assert.equal(slack.calls.length, 1);
});

Deno.test("postMessage() does not repeat a post answered with a 500: a retryable, uncertain SlackError", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("server_error", { count: 100 });
  const err = await rejection(
    notifier(slack.url, { maxRetries: 2 }).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "server_error");
  assert.equal(err.status, 500);
  assert.equal(err.retryable, true);
  assert.equal(err.uncertain, true, "Slack may have posted it");
  assert.equal(slack.calls.length, 1, "repeating it could post twice");
});

Deno.test("updateMessage() retries 500s itself: an update repeated is harmless", async () => {
  await using slack = await startFakeSlack();
  const n = notifier(slack.url, { maxRetries: 2, minRetryDelayMs: 10, maxRetryDelayMs: 20 });
  const posted = await n.postMessage("C0TRIAGE", { text: "hi", blocks: [] });
  slack.failNext("server_error", { count: 1 });
  await n.updateMessage("C0TRIAGE", posted.ts, { text: "hello", blocks: [] });
  assert.deepEqual(slack.calls.map((c) => c.failure), [undefined, "server_error", undefined]);
});

Deno.test("postMessage() turns invalid_auth into a non-retryable SlackError", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("invalid_auth");
  const err = await rejection(
    notifier(slack.url).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "invalid_auth");
  assert.equal(err.retryable, false);
  assert.equal(slack.calls.length, 1);
});

Deno.test("postMessage() turns a malformed body into a retryable, uncertain SlackError", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("malformed");
  const err = await rejection(
    notifier(slack.url).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "malformed_response");
  assert.equal(err.retryable, true);
  assert.equal(err.uncertain, true);
  assert.equal(slack.calls.length, 1);
});

Deno.test("postMessage() turns a timeout into a retryable, uncertain SlackError without posting again", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("timeout_after_post");
  const err = await rejection(
    notifier(slack.url, { timeoutMs: 150, maxRetries: 1 }).postMessage("C0TRIAGE", {
      text: "hi",
      blocks: [],
    }),
  );
  assert.equal(err.code, "timeout");
  assert.equal(err.retryable, true);
  assert.equal(err.uncertain, true);
  assert.equal(slack.calls.length, 1);
  assert.equal(slack.messages().length, 1, "the message was posted once, its answer lost");
});

Deno.test("a rate limit is certain: Slack refused the post", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("rate_limited", { count: 100, retryAfterS: 1 });
  const err = await rejection(
    notifier(slack.url, { maxRetries: 0 }).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.uncertain, false);
  assert.equal(slack.messages().length, 0);
});

Deno.test("findPostedMessage() finds a post by its marker, also a direct message to a user id", async () => {
  await using slack = await startFakeSlack();
  const n = notifier(slack.url);
  const since = Math.floor(Date.now() / 1000) - 60;
  await n.postMessage("C0TRIAGE", { text: "other", blocks: [], marker: "n-other" });
  const posted = await n.postMessage("C0TRIAGE", { text: "hi", blocks: [], marker: "n-1" });
  await n.postMessage("C0TRIAGE", { text: "plain", blocks: [] });
  assert.deepEqual(await n.findPostedMessage("C0TRIAGE", "n-1", since), posted);
  assert.equal(await n.findPostedMessage("C0TRIAGE", "n-2", since), null);
  assert.equal(
    await n.findPostedMessage("C0TRIAGE", "n-1", since + 3600),
    null,
    "not before oldest",
  );
  const dm = await n.postMessage("U0NOAH", { text: "yours", blocks: [], marker: "n-3" });
  assert.equal(dm.channel, "D0NOAH");
  assert.deepEqual(await n.findPostedMessage("U0NOAH", "n-3", since), dm);
  const sent = slack.calls.find((c) => c.method === "chat.postMessage" && c.body.text === "hi");
  assert.deepEqual(sent?.body.metadata, {
    event_type: "ists_notification",
    event_payload: { notification_id: "n-1" },
  });
});

Deno.test("postMessage() reports channel_not_found without retrying", async () => {
  await using slack = await startFakeSlack();
  const err = await rejection(
    notifier(slack.url).postMessage("C_MISSING", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "channel_not_found");
  assert.equal(err.retryable, false);
  assert.equal(slack.calls.length, 1);
});

Deno.test("postMessage() reports invalid_blocks for more than 50 blocks", async () => {
  await using slack = await startFakeSlack();
  const blocks = Array.from({ length: 51 }, () => ({ type: "divider" }));
  const err = await rejection(notifier(slack.url).postMessage("C0TRIAGE", { text: "hi", blocks }));
  assert.equal(err.code, "invalid_blocks");
  assert.equal(err.retryable, false);
});

Deno.test("postMessage() reports an unreachable Slack as a retryable network error", async () => {
  const slack = await startFakeSlack();
  await slack.close();
  const err = await rejection(
    notifier(slack.url, { maxRetries: 0 }).postMessage("C0TRIAGE", { text: "hi", blocks: [] }),
  );
  assert.equal(err.code, "network_error");
  assert.equal(err.retryable, true);
});

Deno.test("createSlackNotifier() rejects an API URL that is not http(s)", () => {
  assert.throws(() => createSlackNotifier({ token: TOKEN, apiUrl: "slack.com/api" }), TypeError);
});

// Looking up users -------------------------------------------------------------------------------

Deno.test("userInfo() reads the e-mail (lower-cased) and the real name of a user", async () => {
  await using slack = await startFakeSlack();
  const users = createSlackUserDirectory({ token: TOKEN, apiUrl: slack.url, maxRetries: 0 });
  assert.deepEqual(await users.userInfo("U0JANE"), {
    id: "U0JANE",
    email: "u0jane@example.com",
    name: "User U0JANE",
    isBot: false,
    deleted: false,
  });
  assert.equal(slack.calls[0].method, "users.info");
  assert.equal(slack.calls[0].body.user, "U0JANE");
});

Deno.test("userInfo() gives a null e-mail when the profile shows none, and flags bots", async () => {
  await using slack = await startFakeSlack();
  const users = createSlackUserDirectory({ token: TOKEN, apiUrl: slack.url, maxRetries: 0 });
  assert.equal((await users.userInfo(NO_EMAIL_USER)).email, null);
  assert.equal((await users.userInfo(BOT_USER)).isBot, true);
});

Deno.test("userInfo() throws a SlackError that says whether a retry may help", async () => {
  await using slack = await startFakeSlack();
  const users = createSlackUserDirectory({ token: TOKEN, apiUrl: slack.url, maxRetries: 0 });
  const missing = await users.userInfo(MISSING_USER).catch((e) => e);
  assert.ok(missing instanceof SlackError);
  assert.equal(missing.code, "user_not_found");
  assert.equal(missing.retryable, false);
  slack.failNext("server_error", { status: 503 });
  const down = await users.userInfo("U0JANE").catch((e) => e);
  assert.ok(down instanceof SlackError);
  assert.equal(down.retryable, true);
});

// The console: state, teammates menu, note --------------------------------------------------

const TICKET_ID = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const AGENT_ID = "0b8f2f0e-1111-4c55-9d0e-0a1b2c3d4e5f";
const MIA_ID = "9a9a9a9a-2222-4c55-9d0e-0a1b2c3d4e5f";

function actionsOf(n: TicketNotice): Block & { block_id?: string; elements?: unknown[] } {
  return blocksOf(n).find((b) => b.type === "actions") as Block & {
    block_id?: string;
    elements?: unknown[];
  };
}

Deno.test("renderTicketAssigned() carries the shown assignee and status in the block_id", () => {
  const n = notice({ ticketId: TICKET_ID, agentId: AGENT_ID, status: "assigned" });
  const blockId = actionsOf(n).block_id!;
  assert.equal(blockId, `ticket_actions:${TICKET_ID}:${AGENT_ID}:assigned`);
  assert.ok(blockId.length <= 255);
  assert.deepEqual(parseActionsBlockId(blockId), {
    ticketId: TICKET_ID,
    assignee: AGENT_ID,
    status: "assigned",
  });
  const queued = notice({ ticketId: TICKET_ID, agentId: null, status: "queued" });
  assert.deepEqual(parseActionsBlockId(actionsOf(queued).block_id), {
    ticketId: TICKET_ID,
    assignee: null,
    status: "queued",
  });
  assert.equal(actionsOf(notice()).block_id, "ticket_actions", "no state known: the plain id");
  assert.equal(parseActionsBlockId("ticket_actions"), null);
  assert.equal(parseActionsBlockId(`ticket_actions:${TICKET_ID}:nope:assigned`), null);
  assert.equal(
    actionsBlockId({ ticketId: TICKET_ID, assignee: null, status: "queued" }),
    `ticket_actions:${TICKET_ID}:-:queued`,
  );
});

Deno.test("renderTicketAssigned() offers available teammates, not the assignee, in a menu", () => {
  const n = notice({
    ticketId: TICKET_ID,
    agentId: AGENT_ID,
    status: "assigned",
    teammates: [
      { id: AGENT_ID, name: "Alice Agent", activeTickets: 1, maxTickets: 10 },
      { id: MIA_ID, name: "Mia Kowalski", activeTickets: 3, maxTickets: 10 },
    ],
  });
  const menu = actionsOf(n).elements!.find((e) =>
    (e as { type: string }).type === "static_select"
  ) as { action_id: string; options: { text: { text: string }; value: string }[] };
  assert.equal(menu.action_id, "reassign_to");
  assert.deepEqual(menu.options.map((o) => [o.text.text, o.value]), [[
    "Mia Kowalski (3/10)",
    MIA_ID,
  ]]);
  assert.equal(
    actionsOf(notice({ teammates: [] })).elements!.length,
    3,
    "no menu without teammates",
  );
});

Deno.test("renderTicketAssigned() shows the last action and drops the buttons once resolved", () => {
  const n = notice({
    ticketId: TICKET_ID,
    status: "resolved",
    note: "Resolved by Liam <Okafor>",
    noteAt: 1_700_000_000,
  });
  assert.equal(header(n), "Ticket Resolved: #T-12345");
  const ids = (actionsOf(n).elements as { action_id: string }[]).map((e) => e.action_id);
  assert.deepEqual(ids, ["view_ticket"]);
  const context = blocksOf(n).at(-1) as { type: string; elements: { text: string }[] };
  assert.equal(context.type, "context");
  assert.match(context.elements[0].text, /^Resolved by Liam &lt;Okafor&gt; · <!date\^1700000000\^/);
});

Deno.test("updateMessage() replaces a posted message through chat.update", async () => {
  await using slack = await startFakeSlack();
  const posted = await notifier(slack.url).postMessage("C0TRIAGE", renderTicketAssigned(notice()));
  const message = renderTicketAssigned(notice({ status: "resolved", note: "Resolved by Liam" }));
  const updated = await notifier(slack.url).updateMessage("C0TRIAGE", posted.ts, message);
  assert.deepEqual(updated, { ok: true, channel: "C0TRIAGE", ts: posted.ts });
  assert.equal(slack.calls[1].method, "chat.update");
  assert.deepEqual(slack.calls[1].body.blocks, message.blocks);
  await assert.rejects(
    notifier(slack.url).updateMessage("C0TRIAGE", "1.000000", message),
    (e: SlackError) => e.code === "message_not_found" && !e.retryable,
  );
});

Deno.test("findPostedMessage() looks in a thread's replies when given the thread", async () => {
  await using slack = await startFakeSlack();
  const n = notifier(slack.url);
  const since = Math.floor(Date.now() / 1000) - 60;
  const parent = await n.postMessage("C0TEAM", { text: "ticket", blocks: [], marker: "n-parent" });
  const reply = await n.postMessage("C0TEAM", {
    text: "draft",
    blocks: [],
    marker: "n-draft",
    threadTs: parent.ts,
  });
  assert.equal(await n.findPostedMessage("C0TEAM", "n-draft", since), null, "not in the history");
  assert.deepEqual(await n.findPostedMessage("C0TEAM", "n-draft", since, parent.ts), reply);
  assert.equal(await n.findPostedMessage("C0TEAM", "n-none", since, parent.ts), null);
});

Deno.test("addReaction() reacts once; a reaction already there counts as done", async () => {
  await using slack = await startFakeSlack();
  const n = notifier(slack.url);
  await n.addReaction("C0TEAM", "1700000000.000100", "white_check_mark");
  await n.addReaction("C0TEAM", "1700000000.000100", "white_check_mark");
  assert.equal(slack.calls.filter((c) => c.method === "reactions.add").length, 2);
  const error = await rejection(n.addReaction("C_MISSING", "1.1", "white_check_mark"));
  assert.equal(error.code, "channel_not_found");
  assert.equal(error.retryable, false);
});

Deno.test("postEphemeral() shows a message to one user in a thread", async () => {
  await using slack = await startFakeSlack();
  const n = notifier(slack.url);
  const posted = await n.postEphemeral("C0TEAM", "U0MIA", { text: "Not yours", threadTs: "1.5" });
  assert.match(posted.ts, /^\d+\.\d+$/);
  const call = slack.calls.find((c) => c.method === "chat.postEphemeral")!;
  assert.deepEqual(
    { user: call.body.user, thread_ts: call.body.thread_ts, text: call.body.text },
    { user: "U0MIA", thread_ts: "1.5", text: "Not yours" },
  );
});

Deno.test("createSlackModals() opens a view once per trigger and reports a reused trigger", async () => {
  await using slack = await startFakeSlack();
  const modals = createSlackModals({ token: TOKEN, apiUrl: slack.url });
  const view = {
    type: "modal",
    title: { type: "plain_text", text: "Edit #T-1" },
    close: { type: "plain_text", text: "Cancel" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text: "hi" } }],
  };
  await modals.open("1.2.abc", view);
  assert.deepEqual(slack.calls.find((c) => c.method === "views.open")?.body.view, view);
  const error = await rejection(modals.open("1.2.abc", view));
  assert.equal(error.code, "exchanged_trigger_id");
});
