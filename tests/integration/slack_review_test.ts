import assert from "node:assert/strict";
import type postgres from "postgres";
import { slackSignature } from "../../supabase/functions/_shared/slack_signature.ts";
import { env, post, uniqueEmail, waitForTicket, withSql } from "./helpers.ts";
import { eventually, mailTo, slackCalls, waitForDelivery } from "./send_helpers.ts";

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Record<string, unknown>[];
}
interface Call {
  method: string;
  body: Record<string, unknown>;
}

function uid(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();
}

/** A trigger_id as Slack sends them with a click (single-use for views.open). */
function triggerId(): string {
  return `${Date.now()}.${Math.floor(Math.random() * 1e9)}.${uid().toLowerCase()}`;
}

async function signedHeaders(body: string, type: string, secret = env.slackSigningSecret) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return {
    "content-type": type,
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": await slackSignature(secret, timestamp, new TextEncoder().encode(body)),
  };
}

/** Posts a form body to slack-interactions signed as Slack signs it. */
async function interact(form: Record<string, string>, secret?: string) {
  const body = new URLSearchParams(form).toString();
  return await post(
    "slack-interactions",
    body,
    await signedHeaders(body, "application/x-www-form-urlencoded", secret),
  );
}

/** Posts an event_callback to slack-events signed as Slack signs it. */
async function sendEvent(event: Record<string, unknown>) {
  const eventId = `Ev${uid()}`;
  const body = JSON.stringify({
    token: "legacy",
    team_id: "T0FAKE",
    api_app_id: "A0FAKEAPP",
    type: "event_callback",
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T0FAKE", user_id: "U0FAKEBOT", is_bot: true }],
    event: { type: "message", channel_type: "channel", ...event },
  });
  const res = await post("slack-events", body, await signedHeaders(body, "application/json"));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return eventId;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (true) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** A team of its own with a channel, an assignee (Mia), a junior (Ethan) and a senior (Ava). */
async function createTeam(sql: postgres.Sql) {
  const suffix = uid();
  const [team] = await sql`insert into teams (name, slack_channel_id, lead_slack_channel_id)
    values (${"Review " + suffix}, ${"CR" + suffix}, ${
    "CL" + suffix
  }) returning id, slack_channel_id`;
  const agent = async (name: string, skill: string) => {
    const [row] = await sql`insert into agents (email, name, team_id, skill_level, slack_user_id)
      values (${`${name.toLowerCase()}.${suffix.toLowerCase()}@example.com`}, ${`${name} ${suffix}`},
              ${team.id}, ${skill}, ${"U" + name.toUpperCase().slice(0, 3) + suffix})
      returning id, name, slack_user_id`;
    return row as { id: string; name: string; slack_user_id: string };
  };
  return {
    id: team.id as string,
    channel: team.slack_channel_id as string,
    mia: await agent("Mia", "mid"),
    ethan: await agent("Ethan", "junior"),
    ava: await agent("Ava", "senior"),
  };
}

type Team = Awaited<ReturnType<typeof createTeam>>;

/** An e-mail ticket of the team assigned to Mia, whose "New Ticket" message notify posted. */
async function assignedTicket(sql: postgres.Sql, team: Team) {
  const email = uniqueEmail("review");
  const [customer] = await sql`insert into customers (email, name) values (${email}, 'Sam Rivera')
    returning id`;
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const [ticket] =
    await sql`insert into tickets (idempotency_key, channel, customer_id, sender_email,
      sender_name, subject, body, status, priority, team_id, category, routed_at)
    values (${key}, 'email', ${customer.id}, ${email}, 'Sam Rivera', 'Checkout fails',
            'Checkout returns 502 since this morning.', 'queued', 'medium', ${team.id}, 'technical', now())
    returning id, ticket_number`;
  await sql`select app_private.assign_ticket(${ticket.id}, ${team.mia.id}, 'test')`;
  const ts = await waitFor("the team message", async () => {
    const [n] = await sql`select external_id from notifications where ticket_id = ${ticket.id}
      and kind = 'ticket_assigned' and target = ${team.channel} and status = 'sent'`;
    return n?.external_id as string | undefined;
  });
  return { id: ticket.id as string, number: Number(ticket.ticket_number), email, ts };
}

const DRAFT =
  "Hi Sam,\n\nThanks for telling us. Please clear the cart and try the checkout again; " +
  "the 502 came from a payment provider outage that is over now.\n\nBest regards,\nExample Support";

/** A pending AI draft of the ticket, as the respond stage records one; waits for its message. */
async function draftOf(sql: postgres.Sql, ticket: { id: string; ts: string }, team: Team) {
  const [row] = await sql`insert into responses (ticket_id, direction, channel, body, sender_type,
      was_ai_generated, ai_draft, ai_confidence, model_name, review_reasons, quality_gates)
    values (${ticket.id}, 'outbound', 'email', ${DRAFT}, 'ai', true, true, 0.72, 'local-template',
            '{gate_cites_kb,low_confidence}',
            ${
    sql.json({
      has_greeting: { pass: true },
      cites_kb: { pass: false, detail: "no article linked" },
    })
  })
    returning id`;
  const draftTs = await waitFor("the draft message", async () => {
    const [n] = await sql`select external_id from notifications where ticket_id = ${ticket.id}
      and kind = 'answer_draft' and status = 'sent'`;
    return n?.external_id as string | undefined;
  });
  const posted = (await slackCalls()).find((c) =>
    c.method === "chat.postMessage" && c.body.channel === team.channel &&
    JSON.stringify(c.body.blocks ?? []).includes(row.id)
  );
  assert.ok(posted, "the draft reached Slack");
  return { id: row.id as string, ts: draftTs, blocks: posted.body.blocks as Block[], posted };
}

/** The block_actions payload Slack sends for a click on the draft's message. */
function click(
  draft: { ts: string; blocks: Block[] },
  channel: string,
  user: string,
  actionId: string,
) {
  const actions = draft.blocks.find((b) => b.type === "actions")!;
  const element = actions.elements!.find((e) => e.action_id === actionId)!;
  assert.ok(element, `the draft message has ${actionId}`);
  const responseUrl = `${env.fakeSlackUrl}/response/${uid()}`;
  const trigger = triggerId();
  return {
    trigger,
    responseUrl,
    form: {
      payload: JSON.stringify({
        type: "block_actions",
        user: { id: user, username: user.toLowerCase(), team_id: "T0FAKE" },
        api_app_id: "A0FAKEAPP",
        container: { type: "message", message_ts: draft.ts, channel_id: channel },
        trigger_id: trigger,
        team: { id: "T0FAKE", domain: "fake" },
        channel: { id: channel, name: "review" },
        message: { type: "message", ts: draft.ts, blocks: draft.blocks },
        response_url: responseUrl,
        actions: [{
          type: "button",
          action_id: actionId,
          block_id: actions.block_id,
          value: element.value,
          action_ts: String(Date.now() / 1000),
        }],
      }),
    },
  };
}

/** The view Slack opened for a trigger_id (the fake records views.open). */
async function openedView(trigger: string): Promise<Record<string, unknown>> {
  return await waitFor("views.open", async () => {
    const call = (await slackCalls()).find((c) =>
      c.method === "views.open" && c.body.trigger_id === trigger
    );
    return call?.body.view as Record<string, unknown> | undefined;
  });
}

/** The view_submission payload Slack sends when the window is submitted. */
function submission(view: Record<string, unknown>, user: string, value: string) {
  const input = (view.blocks as Record<string, unknown>[]).find((b) => b.type === "input")!;
  const element = input.element as { action_id: string };
  return {
    payload: JSON.stringify({
      type: "view_submission",
      team: { id: "T0FAKE", domain: "fake" },
      user: { id: user, username: user.toLowerCase(), team_id: "T0FAKE" },
      api_app_id: "A0FAKEAPP",
      trigger_id: triggerId(),
      view: {
        ...view,
        id: `V${uid()}`,
        state: {
          values: {
            [String(input.block_id)]: {
              [element.action_id]: { type: "plain_text_input", value },
            },
          },
        },
      },
    }),
  };
}

async function responseUrlCall(url: string): Promise<Call> {
  const path = new URL(url).pathname;
  return await waitFor(
    "the ephemeral answer",
    async () =>
      (await fetch(`${env.fakeSlackUrl}/_fake/calls`).then((r) => r.json()) as (Call & {
        headers: Record<string, string>;
      })[]).find((c) => c.method === "response_url" && c.headers["x-fake-path"] === path),
  );
}

async function updateOf(channel: string, ts: string, pattern: RegExp): Promise<Call> {
  return await waitFor(
    `chat.update of ${ts}`,
    async () =>
      (await slackCalls()).find((c) =>
        c.method === "chat.update" && c.body.channel === channel && c.body.ts === ts &&
        pattern.test(JSON.stringify(c.body.blocks))
      ),
  );
}

Deno.test("a routed ticket's draft is posted in the thread of its New Ticket message, saying why it waits", async () => {
  const res = await post("intake", {
    email: uniqueEmail("kunde"),
    name: "Jonas Weber",
    subject: "Rechnung herunterladen",
    body:
      `Hallo, wo kann ich meine Rechnung für März als PDF herunterladen? Danke, Jonas (${uid()})`,
  });
  assert.equal(res.status, 201);
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id));
    const [draft] = await sql`select id from responses where ticket_id = ${t.id}
      and review_status = 'pending'`;
    assert.ok(draft, "the German ticket's answer waits for review");
    const [parent] = await sql`select coalesce(payload ->> 'posted_channel', target) as channel,
        external_id from notifications
      where ticket_id = ${t.id} and kind in ('ticket_assigned', 'ticket_queued') and target like 'C%'
        and status = 'sent'`;
    const note = await waitFor("the draft message", async () => {
      const [n] = await sql`select external_id, status from notifications
        where ticket_id = ${t.id} and kind = 'answer_draft' and status <> 'pending'`;
      return n;
    });
    assert.equal(note.status, "sent");
    const posted = (await slackCalls()).find((c) =>
      c.method === "chat.postMessage" && JSON.stringify(c.body.blocks ?? []).includes(draft.id)
    )!;
    assert.equal(posted.body.channel, parent.channel);
    assert.equal(
      posted.body.thread_ts,
      parent.external_id,
      "in the thread of the ticket's message",
    );
    const text = JSON.stringify(posted.body.blocks);
    assert.match(text, /waiting for review/);
    assert.match(text, /German \(de\)/);
    assert.match(text, /Approve & send/);
  });
});

Deno.test("Approve & send delivers the draft once by e-mail, updates its message and refuses a second approval", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const draft = await draftOf(sql, ticket, team);
    assert.equal(draft.posted.body.thread_ts, ticket.ts, "the draft is in the ticket's thread");
    const text = JSON.stringify(draft.blocks);
    assert.match(text, /Cites the knowledge base\*: no article linked/);
    assert.match(text, /Confidence 0\.72 is not above the auto-send threshold 0\.90/);

    const approve = click(draft, team.channel, team.mia.slack_user_id, "approve_draft");
    assert.equal((await interact(approve.form)).status, 200);
    const [decided] = await sql`select review_status, reviewed_by, edit_distance from responses
      where id = ${draft.id}`;
    assert.deepEqual({ ...decided }, {
      review_status: "approved",
      reviewed_by: team.mia.id,
      edit_distance: 0,
    });
    const delivery = await waitForDelivery(sql, draft.id);
    assert.equal(delivery.delivered_via, "email");
    const mails = await eventually(sql, "the mail", async () => {
      const m = await mailTo(ticket.email);
      return m.length ? m : null;
    });
    assert.equal(mails.length, 1);
    assert.match(mails[0].raw, /payment provider outage/);
    await updateOf(team.channel, draft.ts, /Approved as written by <@UMIA/);

    // The same click again (a double click, or a colleague on a stale screen).
    const again = click(draft, team.channel, team.ava.slack_user_id, "approve_draft");
    assert.equal((await interact(again.form)).status, 200);
    const refusal = await responseUrlCall(again.responseUrl);
    assert.match(String(refusal.body.text), /was already approved by Mia/);
    assert.equal(refusal.body.response_type, "ephemeral");
    const [row] = await sql`select delivery_attempts, review_status, reviewed_by from responses
      where id = ${draft.id}`;
    assert.deepEqual({ ...row }, {
      delivery_attempts: 1,
      review_status: "approved",
      reviewed_by: team.mia.id,
    });
    const [jobs] = await sql`select count(*)::int as n from app_private.jobs
      where stage = 'send' and payload ->> 'response_id' = ${draft.id}`;
    assert.equal(jobs.n, 1, "one send job for the answer");
    assert.equal((await mailTo(ticket.email)).length, 1, "delivered exactly once");
  });
});

Deno.test("Edit opens a window holding the draft, and submitting it sends the edited text", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const draft = await draftOf(sql, ticket, team);
    const edit = click(draft, team.channel, team.mia.slack_user_id, "edit_draft");
    assert.equal((await interact(edit.form)).status, 200);
    const view = await openedView(edit.trigger);
    assert.equal(view.callback_id, "edit_draft");
    assert.ok(JSON.stringify(view).includes(JSON.stringify(DRAFT).slice(1, -1)), "holds the draft");

    const edited = DRAFT.replace("Please clear", "Sorry for the trouble! Please clear");
    const res = await interact(submission(view, team.mia.slack_user_id, edited));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { text: "" }, "an empty answer closes the window");
    const [row] = await sql`select review_status, body, draft_body, edit_distance from responses
      where id = ${draft.id}`;
    assert.deepEqual({ ...row }, {
      review_status: "edited",
      body: edited,
      draft_body: DRAFT,
      edit_distance: "Sorry for the trouble! ".length,
    });
    await waitForDelivery(sql, draft.id);
    const mails = await eventually(sql, "the mail", async () => {
      const m = await mailTo(ticket.email);
      return m.length ? m : null;
    });
    assert.equal(mails.length, 1);
    assert.match(mails[0].raw, /Sorry for the trouble!/);
    await updateOf(team.channel, draft.ts, /Edited by <@UMIA\w+> \(23 characters changed/);
    const [event] = await sql`select actor_id, event_data from ticket_events
      where ticket_id = ${ticket.id} and event_type = 'draft_edited'`;
    assert.equal(event.actor_id, team.mia.id);
    assert.equal(event.event_data.edit_distance, 23);
  });
});

Deno.test("Reject asks why in a window, keeps the reason and sends nothing", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const draft = await draftOf(sql, ticket, team);
    const reject = click(draft, team.channel, team.ava.slack_user_id, "reject_draft");
    assert.equal((await interact(reject.form)).status, 200);
    const view = await openedView(reject.trigger);
    assert.equal(view.callback_id, "reject_draft");

    const empty = await interact(submission(view, team.ava.slack_user_id, "   "));
    assert.equal(empty.body.response_action, "errors");
    assert.match(
      String((empty.body.errors as Record<string, string>).reject_reason),
      /Say why/,
    );
    const res = await interact(submission(view, team.ava.slack_user_id, "The outage is not over."));
    assert.equal(res.status, 200);
    const [row] = await sql`select review_status, review_note, reviewed_by, delivery_status
      from responses where id = ${draft.id}`;
    assert.deepEqual({ ...row }, {
      review_status: "rejected",
      review_note: "The outage is not over.",
      reviewed_by: team.ava.id,
      delivery_status: null,
    });
    await updateOf(team.channel, draft.ts, /Rejected by <@UAVA\w+>.*The outage is not over\./);
    const [jobs] = await sql`select count(*)::int as n from app_private.jobs
      where stage = 'send' and ticket_id = ${ticket.id}`;
    assert.equal(jobs.n, 0, "nothing is queued for sending");
  });
});

Deno.test("a junior who is not the assignee, another team and a bad signature change nothing", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const other = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const draft = await draftOf(sql, ticket, team);
    const [{ n: eventsBefore }] = await sql`select count(*)::int as n from ticket_events
      where ticket_id = ${ticket.id}`;

    const junior = click(draft, team.channel, team.ethan.slack_user_id, "approve_draft");
    await interact(junior.form);
    assert.match(
      String((await responseUrlCall(junior.responseUrl)).body.text),
      /^Only Mia \w+ \(the assignee\), a senior agent or a manager of Review \w+ may approve the AI draft/,
    );
    const stranger = click(draft, team.channel, other.ava.slack_user_id, "edit_draft");
    await interact(stranger.form);
    assert.match(
      String((await responseUrlCall(stranger.responseUrl)).body.text),
      /belongs to another team/,
    );
    assert.ok(
      !(await slackCalls()).some((c) =>
        c.method === "views.open" && c.body.trigger_id === stranger.trigger
      ),
      "no window opens for a stranger",
    );
    const forged = click(draft, team.channel, team.mia.slack_user_id, "approve_draft");
    assert.equal((await interact(forged.form, "not-the-signing-secret")).status, 401);

    const [row] = await sql`select review_status from responses where id = ${draft.id}`;
    assert.equal(row.review_status, "pending");
    const [{ n: eventsAfter }] = await sql`select count(*)::int as n from ticket_events
      where ticket_id = ${ticket.id}`;
    assert.equal(eventsAfter, eventsBefore, "no event");
  });
});

Deno.test("/ticket reply sends a teammate's answer to the customer by e-mail", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const res = await interact({
      command: "/ticket",
      text: `reply T-${ticket.number} Hi Sam,\nwe fixed the checkout &amp; refunded nothing twice.`,
      user_id: team.ethan.slack_user_id,
      response_url: `${env.fakeSlackUrl}/response/${uid()}`,
      trigger_id: triggerId(),
    });
    assert.equal(res.body.response_type, "ephemeral");
    assert.equal(
      res.body.text,
      `Your answer to #T-${ticket.number} is on its way by e-mail to ${ticket.email}.`,
    );
    const [answer] = await sql`select id, body, sender_type, sender_id from responses
      where ticket_id = ${ticket.id} and direction = 'outbound'`;
    assert.equal(answer.sender_type, "agent");
    assert.equal(answer.sender_id, team.ethan.id);
    assert.equal(answer.body, "Hi Sam,\nwe fixed the checkout & refunded nothing twice.");
    await waitForDelivery(sql, answer.id);
    const mails = await eventually(sql, "the mail", async () => {
      const m = await mailTo(ticket.email);
      return m.length ? m : null;
    });
    assert.equal(mails.length, 1);
    assert.match(
      mails[0].raw,
      /From: "?Ethan \w+ \(Example Support\)"? <help@support\.example\.com>/,
    );
  });
});

Deno.test("a marked reply in the ticket's Slack thread is sent to the customer; an unmarked one stays a note", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team);
    const ts = `${Math.floor(Date.now() / 1000)}.${
      String(Math.floor(Math.random() * 1e6)).padStart(6, "0")
    }`;
    const eventId = await sendEvent({
      channel: team.channel,
      user: team.mia.slack_user_id,
      ts,
      thread_ts: ticket.ts,
      text: "&gt;&gt; Hi Sam, the checkout works again. Sorry for the trouble!",
    });
    const answer = await waitFor("the agent's answer", async () => {
      const [r] = await sql`select id, body, sender_id from responses
        where ticket_id = ${ticket.id} and sender_type = 'agent'`;
      return r;
    });
    assert.equal(answer.body, "Hi Sam, the checkout works again. Sorry for the trouble!");
    assert.equal(answer.sender_id, team.mia.id);
    await waitForDelivery(sql, answer.id);
    const mails = await eventually(sql, "the mail", async () => {
      const m = await mailTo(ticket.email);
      return m.length ? m : null;
    });
    assert.equal(mails.length, 1);
    await waitFor(
      "the ✅ reaction",
      async () =>
        (await slackCalls()).find((c) =>
          c.method === "reactions.add" && c.body.channel === team.channel &&
          c.body.timestamp === ts &&
          c.body.name === "white_check_mark"
        ),
    );
    const [event] = await sql`select status, outcome from app_private.slack_events
      where event_id = ${eventId}`;
    assert.deepEqual({ ...event }, { status: "processed", outcome: "agent_answer" });

    const noteTs = `${ts.split(".")[0]}.${String(Number(ts.split(".")[1]) + 1).padStart(6, "0")}`;
    await sendEvent({
      channel: team.channel,
      user: team.ava.slack_user_id,
      ts: noteTs,
      thread_ts: ticket.ts,
      text: "FYI the payment provider confirmed the outage.",
    });
    const note = await waitFor("the internal note", async () => {
      const [e] = await sql`select actor_id, event_data from ticket_events
        where ticket_id = ${ticket.id} and event_type = 'internal_note'`;
      return e;
    });
    assert.equal(note.actor_id, team.ava.id);
    assert.equal(note.event_data.text, "FYI the payment provider confirmed the outage.");
    const [{ n }] = await sql`select count(*)::int as n from responses
      where ticket_id = ${ticket.id} and direction = 'outbound'`;
    assert.equal(n, 1, "the note is not sent");
  });
});
