import assert from "node:assert/strict";
import { createSmtpMailer } from "../../supabase/functions/_shared/mail/smtp.ts";
import { answerEmail } from "../../supabase/functions/_shared/mail/answer_email.ts";
import { uniqueEmail, waitForTicket, withSql } from "./helpers.ts";
import {
  agentAnswer,
  eventually,
  header,
  mailTo,
  nudge,
  postMail,
  slackCalls,
  slackFailNext,
  waitForDelivery,
} from "./send_helpers.ts";
import { env } from "./helpers.ts";
import { SMTP_PORT } from "../../scripts/lib/paths.ts";

const SUPPORT = "help@support.example.com";

/** A new e-mail ticket from `from`; returns its id, number and the customer's Message-ID. */
async function mailTicket(from: string, subject: string, body: string) {
  const messageId = `<Case-${crypto.randomUUID()}@Mail.Example.com>`;
  const res = await postMail({
    From: `Jane Doe <${from}>`,
    To: SUPPORT,
    Subject: subject,
    "Message-ID": messageId,
    "Content-Type": "text/plain; charset=utf-8",
  }, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: String(res.body.ticket_id), number: Number(res.body.ticket_number), messageId };
}

Deno.test("an auto-resolved ticket's answer is e-mailed once, threaded, and the customer's reply comes back onto the ticket", async () => {
  const from = uniqueEmail("reset");
  const t = await mailTicket(
    from,
    "Password reset link expired",
    "Hi, I need to reset my password, the link expired. Can you help?\nJane",
  );
  await withSql(async (sql) => {
    const ticket = await waitForTicket(sql, t.id);
    assert.equal(ticket.is_auto_resolved, true, "the password reset is auto-resolved");
    const [answer] = await sql<{ id: string }[]>`select id from public.responses
      where ticket_id = ${t.id} and direction = 'outbound'`;
    const delivery = await waitForDelivery(sql, answer.id);
    assert.equal(delivery.delivered_via, "email");
    assert.equal(delivery.external_message_id, `<ists.${answer.id}@support.example.com>`);

    const mails = await eventually(sql, "the mail", async () => {
      const m = await mailTo(from);
      return m.length ? m : null;
    });
    assert.equal(mails.length, 1, "exactly one message");
    const raw = mails[0].raw;
    assert.equal(header(raw, "From"), `Example Support <${SUPPORT}>`);
    assert.equal(header(raw, "To"), `Jane Doe <${from}>`);
    assert.equal(header(raw, "Message-ID"), delivery.external_message_id);
    assert.equal(
      header(raw, "In-Reply-To"),
      t.messageId,
      "In-Reply-To names the customer's message as sent",
    );
    assert.ok(header(raw, "References")?.includes(t.messageId));
    assert.equal(header(raw, "Subject"), `Re: Password reset link expired [#T-${t.number}]`);
    assert.equal(header(raw, "Auto-Submitted"), "auto-replied");
    assert.match(header(raw, "Content-Type") ?? "", /^multipart\/alternative/);
    assert.match(raw, /Content-Type: text\/plain; charset=utf-8/);
    assert.match(raw, /Content-Type: text\/html; charset=utf-8/);
    assert.equal(mails[0].mailFrom, SUPPORT);

    const [state] = await sql`
      select t.first_response_at is not null as first_response,
             (select n.status from public.notifications n where n.ticket_id = t.id and n.kind = 'customer_reply') as outbox,
             (select count(*)::int from public.ticket_events e where e.ticket_id = t.id and e.event_type = 'response_sent') as events,
             (select count(*)::int from public.ticket_message_ids m where m.ticket_id = t.id and m.direction = 'outbound') as our_ids
      from public.tickets t where t.id = ${t.id}`;
    assert.deepEqual(state, { first_response: true, outbox: "sent", events: 1, our_ids: 1 });

    // The customer answers the e-mail: it threads onto the ticket by our Message-ID.
    const reply = await postMail(
      {
        From: `Jane Doe <${from}>`,
        To: SUPPORT,
        Subject: `Re: Password reset link expired [#T-${t.number}]`,
        "Message-ID": `<${crypto.randomUUID()}@mail.example.com>`,
        "In-Reply-To": delivery.external_message_id!,
        References: `${t.messageId} ${delivery.external_message_id}`,
      },
      "That did not work, the new link expires at once.\n\nOn Friday Example Support wrote:\n> Hi Jane,",
    );
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.ticket_id, t.id);
    assert.equal(reply.body.outcome, "reopened");
    await nudge(sql);
    assert.equal((await mailTo(from)).length, 1, "still exactly one answer was mailed");
  });
});

Deno.test("an agent's answer is e-mailed without Auto-Submitted, from the agent, with its HTML escaped", async () => {
  const from = uniqueEmail("export");
  const t = await mailTicket(
    from,
    "Export to CSV fails",
    "Our CSV export of last month's tickets fails with error 500 every time since Tuesday.",
  );
  await withSql(async (sql) => {
    await waitForTicket(sql, t.id);
    const id = await agentAnswer(
      sql,
      t.id,
      'Hi Jane,\n\nThe export <script>alert("x")</script> & co. works again: https://help.example.com/export?a=1&b=2\n\nBest regards',
    );
    await waitForDelivery(sql, id);
    const mails = (await mailTo(from)).filter((m) =>
      m.messageId === `<ists.${id}@support.example.com>`
    );
    assert.equal(mails.length, 1);
    const raw = mails[0].raw;
    assert.equal(header(raw, "Auto-Submitted"), null, "a person's answer is not marked automatic");
    assert.match(
      header(raw, "From") ?? "",
      /^".+ \(Example Support\)" <help@support\.example\.com>$/,
    );
    const html = raw.slice(raw.indexOf("text/html")).replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /&lt;script&gt;/);
    assert.match(html, /<a href="https:\/\/help\.example\.com\/export\?a=1&amp;b=2">/);
  });
});

Deno.test("an SMTP deferral is retried and the answer arrives once", async () => {
  const from = `smtp-defer-once+${crypto.randomUUID().slice(0, 8)}@example.com`;
  const t = await mailTicket(
    from,
    "Where is my invoice number",
    "Which invoice number belongs to the May payment?",
  );
  await withSql(async (sql) => {
    await waitForTicket(sql, t.id);
    const id = await agentAnswer(sql, t.id, "Hi Jane,\n\nIt is INV-2041.\n\nBest regards");
    const delivery = await waitForDelivery(sql, id);
    assert.equal(delivery.delivery_attempts, 2, "deferred once (451), sent on the retry");
    const mails = (await mailTo(from)).filter((m) => m.messageId === delivery.external_message_id);
    assert.equal(mails.length, 1, "one message accepted");
  });
});

Deno.test("an e-mail whose connection broke after it was handed over is uncertain and never sent again", async () => {
  const from = `smtp-drop+${crypto.randomUUID().slice(0, 8)}@example.com`;
  const t = await mailTicket(
    from,
    "Change of billing address",
    "Please change our billing address to 1 Main St.",
  );
  await withSql(async (sql) => {
    await waitForTicket(sql, t.id);
    const id = await agentAnswer(
      sql,
      t.id,
      "Hi Jane,\n\nDone: the new address is on file.\n\nBest regards",
    );
    const delivery = await waitForDelivery(sql, id, ["uncertain"]);
    assert.match(delivery.delivery_error ?? "", /may have been accepted/);
    // A duplicated job, then a retried one: neither sends it again.
    await sql`select app_private.enqueue_job('send', ${t.id}, ${sql.json({ response_id: id })})`;
    await nudge(sql);
    await new Promise((r) => setTimeout(r, 1500));
    await nudge(sql);
    const mails = (await mailTo(from)).filter((m) =>
      m.messageId === `<ists.${id}@support.example.com>`
    );
    assert.equal(mails.length, 1, "the server received it once");
    assert.equal(mails[0].outcome, "dropped");
    const [alert] = await sql`select count(*)::int as n from public.error_logs
      where ticket_id = ${t.id} and error_type = 'response_uncertain'`;
    assert.equal(alert.n, 1);
  });
});

Deno.test("after a crash between sending and recording, the e-mail is not sent again", async () => {
  const from = uniqueEmail("crash");
  const t = await mailTicket(from, "Seats on our plan", "How many seats are left on our plan?");
  await withSql(async (sql) => {
    await waitForTicket(sql, t.id);
    // As a worker leaves it when it dies after the SMTP server took the message: claimed,
    // the lease run out, nothing recorded. The message is in the customer's inbox.
    const id = await agentAnswer(sql, t.id, "Hi Jane,\n\nYou have 3 seats left.\n\nBest regards", {
      delivery_status: "sending",
      delivery_attempts: 1,
      delivery_claim: crypto.randomUUID(),
      delivery_claimed_at: new Date(Date.now() - 300_000),
      delivery_locked_until: new Date(Date.now() - 60_000),
    });
    const mailer = createSmtpMailer({
      host: "127.0.0.1",
      port: Number(Deno.env.get("ISTS_TEST_SMTP_PORT") ?? SMTP_PORT),
      secure: false,
      user: null,
      password: null,
      from: { name: null, address: SUPPORT },
      messageIdDomain: "support.example.com",
    });
    await mailer.send(answerEmail(
      {
        body: "Hi Jane,\n\nYou have 3 seats left.\n\nBest regards",
        automatic: false,
        agentName: null,
        ticketNumber: t.number,
        subject: "Seats on our plan",
        toEmail: from,
        toName: null,
        messageId: `<ists.${id}@support.example.com>`,
        inReplyTo: t.messageId,
        references: [],
      },
      { name: null, address: SUPPORT },
      "Example",
    ));
    await sql`select app_private.enqueue_job('send', ${t.id}, ${sql.json({ response_id: id })})`;
    const delivery = await waitForDelivery(sql, id, ["uncertain"]);
    assert.match(delivery.delivery_error ?? "", /interrupted/);
    const mails = (await mailTo(from)).filter((m) =>
      m.messageId === `<ists.${id}@support.example.com>`
    );
    assert.equal(mails.length, 1, "only the message sent before the crash");
  });
});

/** A Slack ticket as slack-events makes it (intake_message with the thread in its metadata). */
async function slackTicket(sql: Parameters<Parameters<typeof withSql>[0]>[0]) {
  const ts = `${Math.floor(Date.now() / 1000)}.${
    String(Math.floor(Math.random() * 1e6)).padStart(6, "0")
  }`;
  const message = {
    channel: "slack",
    email: uniqueEmail("slack"),
    name: "Sam Slack",
    subject: "Webhook retries",
    body: "How often do you retry a webhook that our endpoint answered with a 500?",
    attachments: [],
    metadata: {
      source: "slack-events",
      slack: { channel: env.slackSupportChannel, ts, user: "U0SAM" },
    },
    message_id: `${env.slackSupportChannel}:${ts}`,
    extra_ids: [],
    references: [],
  };
  const key = Array.from(
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(ts + message.email)),
    ),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const [row] = await sql<{ ticket_id: string }[]>`
    select ticket_id from app_private.intake_message(${key}, ${sql.json(message as never)})`;
  await waitForTicket(sql, row.ticket_id);
  return { id: row.ticket_id, ts };
}

function postsOf(calls: { method: string; body: Record<string, unknown> }[], responseId: string) {
  return calls.filter((c) =>
    c.method === "chat.postMessage" &&
    (c.body.metadata as { event_payload?: { response_id?: string } } | undefined)?.event_payload
        ?.response_id === responseId
  );
}

Deno.test("a Slack ticket is answered in the customer's thread", async () => {
  await withSql(async (sql) => {
    const t = await slackTicket(sql);
    const id = await agentAnswer(
      sql,
      t.id,
      "Hi Sam,\n\nWe retry 3 times, after 30 s, 2 and 8 minutes.",
    );
    const delivery = await waitForDelivery(sql, id);
    const posts = postsOf(await slackCalls(), id);
    assert.equal(posts.length, 1);
    assert.equal(posts[0].body.channel, env.slackSupportChannel);
    assert.equal(posts[0].body.thread_ts, t.ts, "posted in the thread of the customer's message");
    assert.match(String(posts[0].body.text), /We retry 3 times/);
    assert.equal(delivery.delivered_via, "slack");
    const [known] = await sql`select count(*)::int as n from public.ticket_message_ids
      where ticket_id = ${t.id} and channel = 'slack' and direction = 'outbound'
        and external_id = ${`${env.slackSupportChannel}:${delivery.external_message_id}`}`;
    assert.equal(known.n, 1, "our message's id is known, so the thread stays the ticket's");
  });
});

Deno.test("a Slack post whose answer was lost is found in the thread on the retry, not posted twice", async () => {
  await withSql(async (sql) => {
    const t = await slackTicket(sql);
    await slackFailNext("server_error", { status: 503, afterEffect: true });
    const id = await agentAnswer(
      sql,
      t.id,
      "Hi Sam,\n\nYes, failed deliveries are listed in the log.",
    );
    const delivery = await waitForDelivery(sql, id);
    assert.equal(delivery.delivery_attempts, 2, "the first attempt's answer was lost");
    const calls = await slackCalls();
    assert.equal(postsOf(calls, id).length, 1, "posted once");
    assert.ok(calls.some((c) => c.method === "conversations.replies" && c.body.ts === t.ts));
  });
});

Deno.test("after a crash between posting and recording, the Slack answer is found, not posted again", async () => {
  await withSql(async (sql) => {
    const t = await slackTicket(sql);
    const id = await agentAnswer(sql, t.id, "Hi Sam,\n\nThe limit is 100 per minute.", {
      delivery_status: "sending",
      delivery_attempts: 1,
      delivery_claim: crypto.randomUUID(),
      delivery_claimed_at: new Date(Date.now() - 30_000),
      delivery_locked_until: new Date(Date.now() - 1_000),
    });
    // What the worker posted before it died.
    const res = await fetch(`${env.fakeSlackUrl}/api/chat.postMessage`, {
      method: "POST",
      headers: {
        authorization: "Bearer xoxb-ists-integration-test",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        channel: env.slackSupportChannel,
        thread_ts: t.ts,
        text: "Hi Sam,\n\nThe limit is 100 per minute.",
        metadata: { event_type: "ists_answer", event_payload: { response_id: id } },
      }),
    });
    const posted = await res.json();
    await sql`select app_private.enqueue_job('send', ${t.id}, ${sql.json({ response_id: id })})`;
    const delivery = await waitForDelivery(sql, id);
    assert.equal(
      delivery.external_message_id,
      posted.ts,
      "recorded with the message already in the thread",
    );
    assert.equal(postsOf(await slackCalls(), id).length, 1, "no second post");
  });
});
