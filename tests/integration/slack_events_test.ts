import assert from "node:assert/strict";
import type postgres from "postgres";
import { slackSignature } from "../../supabase/functions/slack-events/handler.ts";
import { env, post, withSql } from "./helpers.ts";

const CHANNEL = env.slackSupportChannel;
const BOT_USER = "U0FAKEBOT";

function uid(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 12).toUpperCase();
}

function newTs(): string {
  const seconds = 1_700_000_000 + Math.floor(Math.random() * 10_000_000);
  return `${seconds}.${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;
}

/** An event_callback envelope for a message in the support channel. */
function envelope(event: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    token: "legacy",
    team_id: "T0FAKE",
    api_app_id: "A0FAKEAPP",
    type: "event_callback",
    event_id: `Ev${uid()}`,
    event_time: 1_700_000_000,
    authorizations: [{ team_id: "T0FAKE", user_id: BOT_USER, is_bot: true }],
    event: { type: "message", channel: CHANNEL, channel_type: "channel", ...event },
    ...extra,
  };
}

/** POSTs a body to slack-events signed as Slack signs it (or with the given headers). */
async function sendToSlackEvents(
  body: unknown,
  options: { secret?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await slackSignature(
    options.secret ?? env.slackSigningSecret,
    timestamp,
    new TextEncoder().encode(text),
  );
  return await post("slack-events", text, {
    "content-type": "application/json",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
    ...options.headers,
  });
}

interface SlackEventRow {
  status: string;
  reason: string | null;
  outcome: string | null;
  ticket_id: string | null;
  deliveries: number;
}

/** Waits until the stored event is settled by the queue (re-ringing due jobs while waiting). */
async function settled(
  sql: postgres.Sql,
  eventId: string,
  timeoutMs = 30_000,
): Promise<SlackEventRow> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const [row] = await sql<SlackEventRow[]>`
      select status, reason, outcome, ticket_id, deliveries from app_private.slack_events
      where event_id = ${eventId}`;
    if (row && row.status !== "queued") return row;
    if (Date.now() > deadline) {
      throw new Error(`event ${eventId} not settled: ${JSON.stringify(row)}`);
    }
    await sql`select app_private.rering_due_jobs()`;
    await new Promise((r) => setTimeout(r, 150));
  }
}

Deno.test("slack-events answers Slack's url_verification with the challenge", async () => {
  const res = await sendToSlackEvents({ type: "url_verification", challenge: "ch-123" });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { challenge: "ch-123" });
});

Deno.test("a signed Slack message is acknowledged at once and becomes a ticket from the queue", async () => {
  const user = `U${uid()}`;
  const ts = newTs();
  const body = envelope({
    user,
    ts,
    text:
      "Our exports to <https://acme.example.com/s3|the S3 bucket> fail since 9:00 &amp; retry does nothing",
  });
  const res = await sendToSlackEvents(body);
  assert.equal(res.status, 200);
  assert.equal(res.body.status, "queued", "stored for the queue, not processed in the request");
  await withSql(async (sql) => {
    const event = await settled(sql, body.event_id);
    assert.equal(event.status, "processed");
    assert.equal(event.outcome, "created");
    const [t] = await sql`
      select t.channel, t.sender_email, t.sender_name, t.subject, t.body,
             t.raw_metadata -> 'slack' ->> 'user' as slack_user
      from tickets t where t.id = ${event.ticket_id}`;
    assert.equal(t.channel, "slack");
    assert.equal(t.sender_email, `${user.toLowerCase()}@example.com`);
    assert.equal(t.sender_name, `User ${user}`);
    assert.equal(
      t.body,
      "Our exports to the S3 bucket (https://acme.example.com/s3) fail since 9:00 & retry does nothing",
    );
    assert.equal(t.slack_user, user);
    const ids = await sql`select external_id from ticket_message_ids
      where ticket_id = ${event.ticket_id} order by external_id`;
    assert.deepEqual(
      ids.map((r) => r.external_id).sort(),
      [`${CHANNEL}:${ts}`.toLowerCase(), body.event_id.toLowerCase()].sort(),
    );
  });
});

Deno.test("Slack's retries of one event_id make one stored event and one ticket", async () => {
  const body = envelope({
    user: `U${uid()}`,
    ts: newTs(),
    text: "Password reset mail never arrives",
  });
  const first = await sendToSlackEvents(body);
  const retries = await Promise.all([1, 2].map((n) =>
    sendToSlackEvents(body, {
      headers: { "x-slack-retry-num": String(n), "x-slack-retry-reason": "http_timeout" },
    })
  ));
  assert.equal(first.status, 200);
  for (const retry of retries) {
    assert.equal(retry.status, 200);
    assert.equal(retry.body.duplicate, true);
    assert.equal(retry.body.slack_event_id, first.body.slack_event_id);
  }
  await withSql(async (sql) => {
    const event = await settled(sql, body.event_id);
    assert.equal(event.deliveries, 3);
    const [{ tickets }] = await sql`select count(*)::int as tickets from tickets
      where raw_metadata -> 'slack' ->> 'event_id' = ${body.event_id}`;
    assert.equal(tickets, 1);
    const [{ jobs }] = await sql`select count(*)::int as jobs from app_private.jobs
      where stage = 'slack-events' and payload ->> 'slack_event_id' = ${
      String(first.body.slack_event_id)
    }`;
    assert.equal(jobs, 1);
  });
});

Deno.test("a message delivered as message and as app_mention makes one ticket", async () => {
  const user = `U${uid()}`;
  const ts = newTs();
  const text = `<@${BOT_USER}> the mobile app crashes when I open settings`;
  const asMessage = envelope({ user, ts, text });
  const asMention = envelope({ type: "app_mention", user, ts, text });
  assert.equal((await sendToSlackEvents(asMessage)).status, 200);
  assert.equal((await sendToSlackEvents(asMention)).status, 200);
  await withSql(async (sql) => {
    const a = await settled(sql, asMessage.event_id);
    const b = await settled(sql, asMention.event_id);
    assert.equal(a.ticket_id, b.ticket_id);
    assert.deepEqual([a.outcome, b.outcome].sort(), ["created", "duplicate"]);
    const [t] = await sql`select body from tickets where id = ${a.ticket_id}`;
    assert.equal(t.body, "the mobile app crashes when I open settings");
  });
});

Deno.test("a reply in a ticket's Slack thread becomes an inbound response on that ticket", async () => {
  const user = `U${uid()}`;
  const parentTs = newTs();
  // A ticket that goes to a person (an auto-resolved one would be reopened by the reply).
  const parent = envelope({
    user,
    ts: parentTs,
    text: "The export to CSV fails with error 500 since this morning's update",
  });
  await sendToSlackEvents(parent);
  await withSql(async (sql) => {
    const ticket = await settled(sql, parent.event_id);
    const reply = envelope({
      user,
      ts: newTs(),
      thread_ts: parentTs,
      text: "Any update? It was charged again today.",
    });
    assert.equal((await sendToSlackEvents(reply)).status, 200);
    const event = await settled(sql, reply.event_id);
    assert.equal(event.outcome, "reply");
    assert.equal(event.ticket_id, ticket.ticket_id);
    const responses = await sql`select direction, channel, body from responses
      where ticket_id = ${ticket.ticket_id} and direction = 'inbound'`;
    assert.deepEqual(responses.map((r) => ({ ...r })), [{
      direction: "inbound",
      channel: "slack",
      body: "Any update? It was charged again today.",
    }]);
    const [{ tickets }] = await sql`select count(*)::int as tickets from tickets
      where sender_email = ${`${user.toLowerCase()}@example.com`}`;
    assert.equal(tickets, 1);
  });
});

Deno.test("another user's reply in a ticket's thread is kept as a third party's, not the customer's", async () => {
  const customer = `U${uid()}`;
  const colleague = `U${uid()}`;
  const parentTs = newTs();
  const parent = envelope({
    user: customer,
    ts: parentTs,
    text: "Our dashboard shows no data since last night's deploy",
  });
  await sendToSlackEvents(parent);
  await withSql(async (sql) => {
    const ticket = await settled(sql, parent.event_id);
    const reply = envelope({
      user: colleague,
      ts: newTs(),
      thread_ts: parentTs,
      text: "Same for my team, fwiw.",
    });
    assert.equal((await sendToSlackEvents(reply)).status, 200);
    const event = await settled(sql, reply.event_id);
    assert.equal(event.outcome, "reply");
    assert.equal(event.ticket_id, ticket.ticket_id);
    const [r] = await sql`select sender_type, is_third_party, body from responses
      where ticket_id = ${ticket.ticket_id} and direction = 'inbound'`;
    assert.deepEqual({ ...r }, {
      sender_type: null,
      is_third_party: true,
      body: "Same for my team, fwiw.",
    });
  });
});

Deno.test("bot messages, edits, deletions and other channels are recorded as ignored, no ticket", async () => {
  const user = `U${uid()}`;
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ user, ts: newTs(), text: "Deploy finished", bot_id: "B0CI" }, /bot/],
    [{ user: BOT_USER, ts: newTs(), text: "New Ticket Assigned" }, /own bot/],
    [{
      subtype: "message_changed",
      ts: newTs(),
      message: { user, text: "edited text", ts: newTs() },
    }, /edit/],
    [{ subtype: "message_deleted", ts: newTs(), deleted_ts: newTs() }, /deletion/],
    [{ user, ts: newTs(), text: "lunch anyone?", channel: "C0RANDOM" }, /not the support channel/],
    [{ user, ts: newTs(), text: "", subtype: "channel_join" }, /channel_join/],
  ];
  await withSql(async (sql) => {
    for (const [event, reason] of cases) {
      const body = envelope(event);
      const res = await sendToSlackEvents(body);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, "ignored");
      const row = await settled(sql, body.event_id);
      assert.match(String(row.reason), reason);
      assert.equal(row.ticket_id, null);
    }
    // A bot posting as a user (no bot_id) is recognised from its profile, in the queue.
    const botUser = envelope({ user: BOT_USER, ts: newTs(), text: "Reminder: standup" }, {
      authorizations: [],
    });
    await sendToSlackEvents(botUser);
    const row = await settled(sql, botUser.event_id);
    assert.equal(row.status, "ignored");
    assert.match(String(row.reason), /bot user/);
    const [{ tickets }] = await sql`select count(*)::int as tickets from tickets
      where sender_email = ${`${user.toLowerCase()}@example.com`}`;
    assert.equal(tickets, 0);
  });
});

Deno.test("a Slack user without a visible e-mail gets a stable .invalid address and no e-mail answers", async () => {
  const body = envelope({ user: "U_NOEMAIL", ts: newTs(), text: `Where is my order ${uid()}?` });
  await sendToSlackEvents(body);
  await withSql(async (sql) => {
    const event = await settled(sql, body.event_id);
    assert.equal(event.outcome, "created");
    const [c] = await sql`select c.email, c.email_undeliverable_at is not null as undeliverable
      from tickets t join customers c on c.id = t.customer_id where t.id = ${event.ticket_id}`;
    assert.equal(c.email, "u_noemail@t0fake.slack.invalid");
    assert.equal(c.undeliverable, true);
  });
});

Deno.test("bad signatures are refused with 401 and store nothing", async () => {
  const body = envelope({ user: `U${uid()}`, ts: newTs(), text: "forged" });
  const forged = await sendToSlackEvents(body, { secret: "not-the-secret" });
  assert.equal(forged.status, 401);
  assert.match(String(forged.body.error), /signature/);
  const stale = await sendToSlackEvents(body, {
    headers: { "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000) - 3600) },
  });
  assert.equal(stale.status, 401);
  const unsigned = await post("slack-events", body);
  assert.equal(unsigned.status, 401);
  await withSql(async (sql) => {
    const rows =
      await sql`select 1 from app_private.slack_events where event_id = ${body.event_id}`;
    assert.equal(rows.length, 0);
  });
});

Deno.test("when Slack stays unavailable the event is retried with backoff, then dead-lettered and alerted", async () => {
  await withSql(async (sql) => {
    await sql`update app_private.settings set value = '0.05' where key = 'job_backoff_base_seconds'`;
    try {
      const body = envelope({ user: "U_UNAVAILABLE", ts: newTs(), text: `Refund ${uid()} please` });
      const res = await sendToSlackEvents(body);
      assert.equal(res.status, 200);
      const event = await settled(sql, body.event_id, 90_000);
      assert.equal(event.status, "failed");
      const [job] = await sql`select status, attempts, last_error from app_private.jobs
        where stage = 'slack-events' and payload ->> 'slack_event_id' = ${
        String(res.body.slack_event_id)
      }`;
      assert.equal(job.status, "dead");
      assert.equal(job.attempts, 4, "the first attempt and 3 retries");
      assert.match(job.last_error, /503/);
      const [log] = await sql`select severity from error_logs where error_type = 'job_dead_lettered'
        and context -> 'payload' ->> 'slack_event_id' = ${String(res.body.slack_event_id)}`;
      assert.equal(log.severity, "critical");
      const [alert] = await sql`select 1 from notifications where kind = 'pipeline_alert'
        and payload ->> 'text' like '%slack-events failed 4 times%'`;
      assert.ok(alert);
    } finally {
      await sql`update app_private.settings set value = '10' where key = 'job_backoff_base_seconds'`;
    }
  });
});
