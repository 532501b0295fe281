import assert from "node:assert/strict";
import type postgres from "postgres";
import { slackSignature } from "../../supabase/functions/_shared/slack_signature.ts";
import { env, post, withSql } from "./helpers.ts";

interface FakeCall {
  method: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}
interface Block {
  type: string;
  block_id?: string;
  elements?: Record<string, unknown>[];
}

function uid(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();
}

async function slackCalls(): Promise<FakeCall[]> {
  const res = await fetch(`${env.fakeSlackUrl}/_fake/calls`);
  return await res.json();
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (true) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Signs and posts a form body to slack-interactions as Slack does. */
async function sendSigned(
  form: Record<string, string>,
  secret = env.slackSigningSecret,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams(form).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = await slackSignature(secret, timestamp, new TextEncoder().encode(body));
  return await post("slack-interactions", body, {
    "content-type": "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": timestamp,
    "x-slack-signature": signature,
  });
}

/** A team of its own (so other tests' load does not matter) with a lead channel and agents. */
async function createTeam(sql: postgres.Sql) {
  const suffix = uid();
  const [team] = await sql`insert into teams (name, slack_channel_id, lead_slack_channel_id)
    values (${"Console " + suffix}, ${"CT" + suffix}, ${
    "CL" + suffix
  }) returning id, slack_channel_id, lead_slack_channel_id`;
  const agent = async (name: string, skill: string, max = 5) => {
    const [row] =
      await sql`insert into agents (email, name, team_id, skill_level, max_concurrent_tickets, slack_user_id)
      values (${`${name.toLowerCase()}.${suffix.toLowerCase()}@example.com`}, ${
        name + " " + suffix
      },
              ${team.id}, ${skill}, ${max}, ${"U" + name.toUpperCase().slice(0, 3) + suffix})
      returning id, name, slack_user_id`;
    return row as { id: string; name: string; slack_user_id: string };
  };
  return {
    id: team.id as string,
    channel: team.slack_channel_id as string,
    lead: team.lead_slack_channel_id as string,
    mia: await agent("Mia", "mid"),
    noah: await agent("Noah", "mid"),
    ava: await agent("Ava", "senior"),
  };
}

/** A ticket of the team assigned to an agent, whose "New Ticket Assigned" message notify posted. */
async function assignedTicket(sql: postgres.Sql, teamId: string, agentId: string, channel: string) {
  const email = `console.${uid().toLowerCase()}@example.com`;
  const [customer] = await sql`insert into customers (email) values (${email}) returning id`;
  const key = Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
  const [ticket] =
    await sql`insert into tickets (idempotency_key, channel, customer_id, sender_email,
      subject, body, status, priority, team_id, category, routed_at)
    values (${key}, 'email', ${customer.id}, ${email}, 'Checkout fails', 'Checkout returns 502',
            'queued', 'medium', ${teamId}, 'technical', now())
    returning id, ticket_number`;
  await sql`select app_private.assign_ticket(${ticket.id}, ${agentId}, 'test')`;
  const ts = await waitFor("the team message", async () => {
    const [n] = await sql`select external_id from notifications where ticket_id = ${ticket.id}
      and kind = 'ticket_assigned' and target = ${channel} and status = 'sent'`;
    return n?.external_id as string | undefined;
  });
  const calls = await slackCalls();
  const posted = calls.find((c) =>
    c.method === "chat.postMessage" && c.body.channel === channel &&
    JSON.stringify(c.body.blocks).includes(ticket.id)
  );
  assert.ok(posted, "the message reached Slack");
  return {
    id: ticket.id as string,
    number: Number(ticket.ticket_number),
    ts,
    blocks: posted.body.blocks as Block[],
  };
}

/** The block_actions payload Slack sends when someone clicks an element of the message. */
function clickPayload(
  message: { ts: string; blocks: Block[] },
  channel: string,
  user: string,
  actionId: string,
  extra: Record<string, unknown> = {},
) {
  const actions = message.blocks.find((b) => b.type === "actions")!;
  const element = actions.elements!.find((e) => e.action_id === actionId)!;
  assert.ok(element, `the message has ${actionId}`);
  const responseUrl = `${env.fakeSlackUrl}/response/${uid()}`;
  const payload = {
    type: "block_actions",
    user: { id: user, username: user.toLowerCase(), team_id: "T0FAKE" },
    api_app_id: "A0FAKEAPP",
    token: "legacy",
    container: {
      type: "message",
      message_ts: message.ts,
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: "123.456.abc",
    team: { id: "T0FAKE", domain: "fake" },
    channel: { id: channel, name: "support" },
    message: { type: "message", ts: message.ts, blocks: message.blocks },
    response_url: responseUrl,
    actions: [{
      type: element.type,
      action_id: actionId,
      block_id: actions.block_id,
      action_ts: String(Date.now() / 1000),
      ...(element.value ? { value: element.value } : {}),
      ...extra,
    }],
  };
  return { form: { payload: JSON.stringify(payload) }, responseUrl };
}

async function ticketState(sql: postgres.Sql, id: string) {
  const [row] =
    await sql`select t.status, t.priority, t.assigned_to, t.is_escalated, t.escalation_reasons,
      (select count(*)::int from ticket_events e where e.ticket_id = t.id) as events
    from tickets t where t.id = ${id}`;
  return row;
}

async function updateOf(channel: string, ts: string, note: RegExp): Promise<Block[]> {
  return await waitFor(`chat.update of ${channel}/${ts}`, async () => {
    const update = (await slackCalls()).find((c) =>
      c.method === "chat.update" && c.body.channel === channel && c.body.ts === ts &&
      note.test(JSON.stringify(c.body.blocks))
    );
    return update?.body.blocks as Block[] | undefined;
  });
}

Deno.test("Reassign moves the ticket to the next best teammate and updates the message", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    // Equally loaded, Noah waited longest for a ticket.
    await sql`update agents set last_assigned_at = now() where id = ${team.ava.id}`;
    const click = clickPayload(ticket, team.channel, team.mia.slack_user_id, "reassign_ticket");
    const res = await sendSigned(click.form);
    assert.equal(res.status, 200);
    const state = await ticketState(sql, ticket.id);
    assert.equal(
      state.assigned_to,
      team.noah.id,
      "Noah is the least loaded mid-level teammate left",
    );
    const [event] = await sql`select event_type, actor_type, actor_id from ticket_events
      where ticket_id = ${ticket.id} and event_type = 'reassigned'`;
    assert.deepEqual({ ...event }, {
      event_type: "reassigned",
      actor_type: "agent",
      actor_id: team.mia.id,
    });
    const blocks = await updateOf(team.channel, ticket.ts, /Reassigned to Noah/);
    const actions = blocks.find((b) => b.type === "actions")!;
    assert.equal(actions.block_id, `ticket_actions:${ticket.id}:${team.noah.id}:assigned`);
    // Noah gets a direct message.
    await waitFor(
      "Noah's direct message",
      async () =>
        (await slackCalls()).find((c) =>
          c.method === "chat.postMessage" && c.body.channel === team.noah.slack_user_id
        ),
    );
  });
});

Deno.test("the teammates menu reassigns to the chosen teammate", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    const menu = ticket.blocks.find((b) => b.type === "actions")!.elements!
      .find((e) => e.action_id === "reassign_to") as {
        options: { value: string; text: unknown }[];
      };
    const ava = menu.options.find((o) => o.value === team.ava.id)!;
    assert.ok(ava, "Ava is offered");
    assert.ok(!menu.options.some((o) => o.value === team.mia.id), "the assignee is not offered");
    const click = clickPayload(ticket, team.channel, team.mia.slack_user_id, "reassign_to", {
      selected_option: ava,
    });
    assert.equal((await sendSigned(click.form)).status, 200);
    assert.equal((await ticketState(sql, ticket.id)).assigned_to, team.ava.id);
    await updateOf(team.channel, ticket.ts, /Reassigned to Ava .* by Mia/);
  });
});

Deno.test("Escalate raises the priority, moves the ticket to a senior and tells the lead", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    const click = clickPayload(ticket, team.channel, team.mia.slack_user_id, "escalate_ticket");
    assert.equal((await sendSigned(click.form)).status, 200);
    const state = await ticketState(sql, ticket.id);
    assert.equal(state.priority, "high");
    assert.equal(state.assigned_to, team.ava.id);
    assert.equal(state.is_escalated, true);
    assert.deepEqual(state.escalation_reasons, ["agent_escalated"]);
    await waitFor(
      "the lead channel's alert",
      async () =>
        (await slackCalls()).find((c) =>
          c.method === "chat.postMessage" && c.body.channel === team.lead &&
          /escalated \(agent_escalated\) by Mia/.test(String(c.body.text))
        ),
    );
    await updateOf(team.channel, ticket.ts, /Escalated by Mia/);
  });
});

Deno.test("a click on a message of a ticket that changed meanwhile is explained and changes nothing", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    // Someone else gives the ticket to Noah first (from Studio, say).
    await sql`update tickets set assigned_to = ${team.noah.id} where id = ${ticket.id}`;
    const before = await ticketState(sql, ticket.id);
    const click = clickPayload(ticket, team.channel, team.ava.slack_user_id, "escalate_ticket");
    assert.equal((await sendSigned(click.form)).status, 200);
    const answer = (await slackCalls()).find((c) =>
      c.method === "response_url" && click.responseUrl.endsWith(c.headers["x-fake-path"])
    );
    assert.ok(answer, "an answer went to the response_url");
    assert.equal(answer.body.response_type, "ephemeral");
    assert.equal(answer.body.replace_original, false);
    assert.match(
      String(answer.body.text),
      new RegExp(
        `#T-${ticket.number} is now assigned to Noah .* \\(the message showed Mia .*\\); nothing was changed`,
      ),
    );
    assert.deepEqual(await ticketState(sql, ticket.id), before);
  });
});

Deno.test("a click with a bad signature is refused with 401 and changes nothing", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    const before = await ticketState(sql, ticket.id);
    const click = clickPayload(ticket, team.channel, team.mia.slack_user_id, "escalate_ticket");
    const res = await sendSigned(click.form, "not-the-signing-secret");
    assert.equal(res.status, 401);
    const unsigned = await post("slack-interactions", new URLSearchParams(click.form).toString(), {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(unsigned.status, 401);
    assert.deepEqual(await ticketState(sql, ticket.id), before);
    const [{ n }] = await sql`select count(*)::int as n from notifications
      where ticket_id = ${ticket.id} and kind in ('ticket_updated', 'ticket_escalated')`;
    assert.equal(n, 0);
  });
});

Deno.test("/ticket shows, takes, prioritises and resolves a ticket, and sets availability", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    const command = async (user: string, text: string) => {
      const res = await sendSigned({
        token: "legacy",
        team_id: "T0FAKE",
        channel_id: team.channel,
        user_id: user,
        command: "/ticket",
        text,
        response_url: `${env.fakeSlackUrl}/response/${uid()}`,
        trigger_id: "1.2.3",
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.response_type, "ephemeral");
      return String(res.body.text);
    };
    const n = ticket.number;
    assert.match(
      await command(team.noah.slack_user_id, `${n}`),
      new RegExp(`#T-${n}\\* Checkout fails · assigned · medium`),
    );
    // Taking over Mia's ticket is for a senior (or a manager): Noah is told, Ava does it.
    assert.match(
      await command(team.noah.slack_user_id, `#T-${n} assign me`),
      new RegExp(
        `^Only Mia .* \\(the assignee\\), a senior agent or a manager of .* may take over #T-${n}`,
      ),
    );
    assert.equal(
      await command(team.ava.slack_user_id, `#T-${n} assign me`),
      `#T-${n} is now assigned to you.`,
    );
    assert.equal((await ticketState(sql, ticket.id)).assigned_to, team.ava.id);
    assert.equal(
      await command(team.ava.slack_user_id, `${n} priority high`),
      `#T-${n} is now high (was medium).`,
    );
    assert.equal(await command(team.ava.slack_user_id, `${n} resolve`), `#T-${n} is resolved.`);
    assert.match(
      await command(team.ava.slack_user_id, `${n} resolve`),
      /was resolved already; nothing was changed/,
    );
    const state = await ticketState(sql, ticket.id);
    assert.equal(state.status, "resolved");
    assert.equal(state.priority, "high");
    const events = await sql`select event_type from ticket_events where ticket_id = ${ticket.id}
      and actor_type = 'agent' and actor_id = ${team.ava.id} order by event_type`;
    assert.deepEqual(events.map((e) => e.event_type), [
      "priority_changed",
      "reassigned",
      "resolved",
    ]);
    await updateOf(team.channel, ticket.ts, /Resolved by Ava/);

    assert.match(await command(team.noah.slack_user_id, "away"), /^You are away/);
    const [agent] = await sql`select availability from agents where id = ${team.noah.id}`;
    assert.equal(agent.availability, "away");
    assert.match(await command(team.noah.slack_user_id, "help"), /assign me/);
    assert.match(await command(team.noah.slack_user_id, `${n} dance`), /do not know "dance"/);
    assert.match(await command("U0STRANGER", `${n}`), /^You are not an agent in ISTS/);
  });
});

Deno.test("another team's junior can neither read nor change an escalated ticket, by command or click", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const other = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.ava.id, team.channel);
    await sql`update tickets set is_escalated = true, escalation_reasons = '{vip_customer}',
              priority = 'urgent' where id = ${ticket.id}`;
    await sql`update agents set skill_level = 'junior' where id = ${other.mia.id}`;
    const junior = other.mia.slack_user_id;
    const before = await ticketState(sql, ticket.id);
    const command = async (user: string, text: string) => {
      const res = await sendSigned({
        team_id: "T0FAKE",
        channel_id: team.channel,
        user_id: user,
        command: "/ticket",
        text,
        response_url: `${env.fakeSlackUrl}/response/${uid()}`,
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.response_type, "ephemeral");
      return String(res.body.text);
    };
    const n = ticket.number;
    const refused = `#T-${n} belongs to another team; only that team can see or change it. ` +
      "Nothing was changed.";
    for (const text of [`${n}`, `${n} priority low`, `${n} resolve`, `${n} assign me`]) {
      assert.equal(await command(junior, text), refused, `/ticket ${text}`);
    }
    // A click on the message (forwarded, say) is explained through the response_url.
    for (const [user, action] of [[junior, "reassign_ticket"], ["U0STRANGER", "escalate_ticket"]]) {
      const click = clickPayload(ticket, team.channel, user, action);
      assert.equal((await sendSigned(click.form)).status, 200);
      const answer = (await slackCalls()).find((c) =>
        c.method === "response_url" && click.responseUrl.endsWith(c.headers["x-fake-path"])
      );
      assert.equal(answer?.body.response_type, "ephemeral");
      assert.match(
        String(answer?.body.text),
        user === junior ? /belongs to another team/ : /^You are not an agent in ISTS/,
      );
    }
    assert.deepEqual(await ticketState(sql, ticket.id), before, "the ticket is as it was");
    const [{ n: updates }] = await sql`select count(*)::int as n from notifications
      where ticket_id = ${ticket.id} and kind in ('ticket_updated', 'ticket_escalated')`;
    assert.equal(updates, 0, "no message was changed");
  });
});

Deno.test("a message update that Slack rate-limits is retried from the job queue", async () => {
  await withSql(async (sql) => {
    const team = await createTeam(sql);
    const ticket = await assignedTicket(sql, team.id, team.mia.id, team.channel);
    await sql`update agents set last_assigned_at = now() where id = ${team.ava.id}`;
    await sql`update app_private.settings set value = '1' where key = 'job_backoff_base_seconds'`;
    try {
      // 429s beyond the WebClient's own retries: the job is tried again later.
      await fetch(`${env.fakeSlackUrl}/_fake/fail`, {
        method: "POST",
        body: JSON.stringify({ kind: "rate_limited", count: 6, retryAfterS: 1 }),
      }).then((r) => r.body?.cancel());
      const click = clickPayload(ticket, team.channel, team.mia.slack_user_id, "reassign_ticket");
      assert.equal((await sendSigned(click.form)).status, 200);
      assert.equal(
        (await ticketState(sql, ticket.id)).assigned_to,
        team.noah.id,
        "the action stands",
      );
      const rows = await waitFor("the update and the direct message to be sent", async () => {
        await sql`select app_private.rering_due_jobs()`;
        const rows = await sql`select kind, status, attempts from notifications
          where ticket_id = ${ticket.id} and (kind = 'ticket_updated' or target = ${team.noah.slack_user_id})
            and target in (${team.channel}, ${team.noah.slack_user_id})`;
        return rows.length === 2 && rows.every((r) => r.status === "sent") ? rows : undefined;
      }, 60_000);
      assert.ok(rows.some((r) => r.attempts >= 2), `sent after a retry: ${JSON.stringify(rows)}`);
      const updates = (await slackCalls()).filter((c) =>
        c.method === "chat.update" && c.body.ts === ticket.ts && !("failure" in c)
      );
      assert.equal(updates.length, 1, "the message is updated once");
    } finally {
      await sql`update app_private.settings set value = '10' where key = 'job_backoff_base_seconds'`;
    }
  });
});
