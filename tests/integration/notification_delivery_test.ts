import assert from "node:assert/strict";
import type postgres from "postgres";
import { loadEnv } from "../../supabase/functions/_shared/env.ts";
import { ticketLinkSecrets, ticketViewUrl } from "../../supabase/functions/_shared/ticket_link.ts";
import { env, withSql } from "./helpers.ts";

interface FakeCall {
  method: string;
  body: Record<string, unknown>;
  failure?: string;
}
interface FakeMessage {
  channel: string;
  ts: string;
  blocks?: { type: string; elements?: { action_id: string; url?: string }[] }[];
  metadata?: { event_type: string; event_payload: { notification_id?: string } };
}

async function slackCalls(): Promise<FakeCall[]> {
  return await (await fetch(`${env.fakeSlackUrl}/_fake/calls`)).json();
}

async function slackMessages(): Promise<FakeMessage[]> {
  return await (await fetch(`${env.fakeSlackUrl}/_fake/messages`)).json();
}

async function failNext(kind: string, opts: Record<string, unknown> = {}): Promise<void> {
  await fetch(`${env.fakeSlackUrl}/_fake/fail`, {
    method: "POST",
    body: JSON.stringify({ kind, ...opts }),
  }).then((r) => r.body?.cancel());
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until no notify job is open, so an injected failure meets this test's message. */
/**
 * Lets notify jobs that are due or running finish first (best effort, at most 20 s): the
 * failures a test injects are scoped to its own channel, so other traffic cannot take them,
 * but a quiet stage keeps the test's timing simple. Jobs waiting out a backoff are left alone.
 */
async function quietPipeline(sql: postgres.Sql): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const [{ open }] = await sql`select count(*)::int as open from app_private.jobs
      where stage = 'notify' and (status = 'running' or (status = 'queued' and run_after <= now()))`;
    if (open === 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs fn with short job backoff and immediate re-queues, restoring the settings after. */
async function withFastRetries(sql: postgres.Sql, fn: () => Promise<void>): Promise<void> {
  const keys = ["job_backoff_base_seconds", "notification_requeue_base_seconds"];
  const before = await sql`select key, value from app_private.settings where key = any(${keys})`;
  await sql`update app_private.settings set value = '1' where key = 'job_backoff_base_seconds'`;
  await sql`update app_private.settings set value = '0'
            where key = 'notification_requeue_base_seconds'`;
  try {
    await fn();
  } finally {
    for (const row of before) {
      await sql`update app_private.settings set value = ${row.value} where key = ${row.key}`;
    }
  }
}

/**
 * A ticket assigned to an agent without a Slack id: one notification, to the team channel of
 * a team of its own. Returns the ticket, the notification id and the channel.
 */
/** A Slack channel id of its own for one test (failures injected for it hit only it). */
function newChannel(): string {
  return `CN${crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`;
}

async function assignTicket(sql: postgres.Sql, channel = newChannel()) {
  const suffix = channel.slice(2);
  const [team] = await sql`insert into teams (name, slack_channel_id)
    values (${"Delivery " + suffix}, ${channel}) returning id`;
  const [agent] = await sql`insert into agents (email, name, team_id)
    values (${`delivery.${suffix.toLowerCase()}@example.com`}, ${"Dana " + suffix}, ${team.id})
    returning id`;
  const email = `delivery.${suffix.toLowerCase()}@example.com`;
  const [customer] = await sql`insert into customers (email) values (${email}) returning id`;
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const [ticket] = await sql`insert into tickets (idempotency_key, channel, customer_id,
      sender_email, subject, body, status, priority, team_id, category, routed_at)
    values (${key}, 'email', ${customer.id}, ${email}, 'Invoice is wrong', 'The VAT is missing',
            'queued', 'medium', ${team.id}, 'billing', now())
    returning id, ticket_number`;
  await sql`select app_private.assign_ticket(${ticket.id}, ${agent.id}, 'test')`;
  const [n] = await sql`select id from notifications where ticket_id = ${ticket.id}`;
  return {
    id: ticket.id as string,
    number: Number(ticket.ticket_number),
    notification: n.id as string,
    channel,
  };
}

async function settled(sql: postgres.Sql, id: string) {
  return await waitFor(`notification ${id} to settle`, async () => {
    await sql`select app_private.rering_due_jobs()`;
    const [n] = await sql`select status, external_id, attempts, requeues, uncertain_since
      from notifications where id = ${id}`;
    return n.status === "pending" ? undefined : n;
  }, 90_000);
}

function postsOf(calls: FakeCall[], channel: string): FakeCall[] {
  return calls.filter((c) => c.method === "chat.postMessage" && c.body.channel === channel);
}

function markedOnce(messages: FakeMessage[], notification: string): FakeMessage {
  const marked = messages.filter((m) => m.metadata?.event_payload.notification_id === notification);
  assert.equal(
    marked.length,
    1,
    `exactly one message carries the marker: ${JSON.stringify(marked)}`,
  );
  return marked[0];
}

Deno.test("a post whose answer is lost (timeout after posting) is found by its marker, not posted again", async () => {
  await withSql(async (sql) => {
    await quietPipeline(sql);
    await withFastRetries(sql, async () => {
      const channel = newChannel();
      await failNext("timeout_after_post", { channel });
      const ticket = await assignTicket(sql, channel);
      const n = await settled(sql, ticket.notification);
      assert.equal(n.status, "sent");
      const message = markedOnce(await slackMessages(), ticket.notification);
      assert.equal(n.external_id, message.ts, "the ts of the message the lost answer was about");
      const calls = await slackCalls();
      assert.equal(postsOf(calls, ticket.channel).length, 1, "posted once");
      assert.ok(
        calls.some((c) =>
          c.method === "conversations.history" && c.body.channel === ticket.channel
        ),
      );
      const [event] = await sql`select event_data from ticket_events
        where ticket_id = ${ticket.id} and event_type = 'notified'`;
      assert.equal(event.event_data.found, true);
    });
  });
});

Deno.test("a post answered 500 is looked up, then posted once", async () => {
  await withSql(async (sql) => {
    await quietPipeline(sql);
    await withFastRetries(sql, async () => {
      const channel = newChannel();
      await failNext("server_error", { status: 503, channel });
      const ticket = await assignTicket(sql, channel);
      const n = await settled(sql, ticket.notification);
      assert.equal(n.status, "sent");
      assert.equal(n.attempts, 2);
      assert.equal(n.uncertain_since, null);
      markedOnce(await slackMessages(), ticket.notification);
      const posts = postsOf(await slackCalls(), ticket.channel);
      assert.deepEqual(posts.map((c) => c.failure ?? "ok"), ["server_error", "ok"]);
    });
  });
});

Deno.test("a rate-limited post honours Retry-After and is posted once, without a lookup", async () => {
  await withSql(async (sql) => {
    await quietPipeline(sql);
    await withFastRetries(sql, async () => {
      // More 429s than the client waits out in one attempt: the job tries again later.
      const channel = newChannel();
      await failNext("rate_limited", { count: 4, retryAfterS: 1, channel });
      const ticket = await assignTicket(sql, channel);
      const n = await settled(sql, ticket.notification);
      assert.equal(n.status, "sent");
      markedOnce(await slackMessages(), ticket.notification);
      const calls = await slackCalls();
      assert.deepEqual(
        postsOf(calls, ticket.channel).map((c) => c.failure ?? "ok"),
        ["rate_limited", "rate_limited", "rate_limited", "rate_limited", "ok"],
      );
      assert.ok(
        !calls.some((c) =>
          c.method === "conversations.history" && c.body.channel === ticket.channel
        ),
        "a 429 is certain: nothing to look up",
      );
    });
  });
});

Deno.test("a notification whose job died is queued again by the sweep, alerted and delivered once", async () => {
  await withSql(async (sql) => {
    await quietPipeline(sql);
    await withFastRetries(sql, async () => {
      // Every attempt answered 500: the post, then a lookup on each retry (tried three times
      // by the client, reads being safe to repeat): the notify job is dead.
      const [{ value }] = await sql`select app_private.get_setting('job_max_attempts') as value`;
      const attempts = Number(value) || 4;
      const channel = newChannel();
      await failNext("server_error", { count: 1 + (attempts - 1) * 3, channel });
      const ticket = await assignTicket(sql, channel);
      await waitFor("the notify job to die", async () => {
        await sql`select app_private.rering_due_jobs()`;
        const [job] = await sql`select status from app_private.jobs
          where ticket_id = ${ticket.id} and stage = 'notify' order by id desc limit 1`;
        return job?.status === "dead" ? true : undefined;
      });
      const [stranded] = await sql`select status, uncertain_since from notifications
        where id = ${ticket.notification}`;
      assert.equal(stranded.status, "pending", "left pending by the dead job");
      assert.ok(stranded.uncertain_since, "and known to be uncertain");

      // pg_cron runs the same sweep every minute; whichever runs first queues it once.
      await sql`select app_private.requeue_stranded_notifications()`;
      const [{ requeues }] = await sql`select requeues from notifications
        where id = ${ticket.notification}`;
      assert.equal(requeues, 1);
      const [log] = await sql`select severity, context from error_logs
        where error_type = 'notification_requeued' and context -> 'notification_ids' ? ${ticket.notification}`;
      assert.equal(log.severity, "warning");
      const alerts = await sql`select payload ->> 'text' as text from notifications
        where kind = 'pipeline_alert' and payload ->> 'text' like ${`%#T-${ticket.number} %`}`;
      assert.match(alerts[0]?.text ?? "", /not delivered after every retry, queued again/);

      const n = await settled(sql, ticket.notification);
      assert.equal(n.status, "sent");
      assert.equal(n.requeues, 1);
      markedOnce(await slackMessages(), ticket.notification);
    });
  });
});

Deno.test("View Ticket on a posted message opens the signed ticket page; a tampered or expired link is refused", async () => {
  await withSql(async (sql) => {
    const ticket = await assignTicket(sql);
    await settled(sql, ticket.notification);
    const message = markedOnce(await slackMessages(), ticket.notification);
    const button = message.blocks?.find((b) => b.type === "actions")?.elements
      ?.find((e) => e.action_id === "view_ticket");
    assert.ok(button?.url, "the button is a link");
    const url = new URL(button.url);
    assert.equal(url.pathname, "/functions/v1/ticket-view");

    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /^text\/html/);
    const html = await page.text();
    assert.match(html, new RegExp(`#T-${ticket.number} Invoice is wrong`));
    assert.match(html, /Routing decision/);

    const data = await fetch(url, { headers: { accept: "application/json" } });
    assert.equal(data.status, 200);
    const view = await data.json();
    assert.equal(view.ticket.id, ticket.id);
    assert.ok(view.events.some((e: { type: string }) => e.type === "assigned"));

    const tampered = new URL(url);
    tampered.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 86_400));
    const refused = await fetch(tampered, { headers: { accept: "application/json" } });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();

    // The stack signs with the secret derived from its service-role key.
    const [secret] = ticketLinkSecrets(
      loadEnv({ SUPABASE_DB_URL: env.dbUrl, SUPABASE_SERVICE_ROLE_KEY: env.serviceKey }),
    );
    const expired = ticketViewUrl(env.functionsUrl, ticket.id, {
      secret,
      expiresAtS: Math.floor(Date.now() / 1000) - 60,
    });
    const gone = await fetch(expired);
    assert.equal(gone.status, 410);
    assert.match(await gone.text(), /has expired/);
  });
});
