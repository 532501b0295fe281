import assert from "node:assert/strict";
import { env, post, uniqueEmail, waitForTicket, withSql } from "./helpers.ts";

async function slackCalls(): Promise<{ method: string; body: Record<string, unknown> }[]> {
  const res = await fetch(`${env.fakeSlackUrl}/_fake/calls`);
  return await res.json();
}

Deno.test("a ticket flows from intake to an agent with an SLA timer and a Slack message", async () => {
  const res = await post("intake", {
    email: uniqueEmail("flow"),
    name: "Flo Walker",
    subject: "Export to CSV crashes",
    body: "When I click Export in the reports page the app crashes with error 500. " +
      "Steps: open Reports, pick last month, click Export. It happens every time.",
  });
  assert.equal(res.status, 201);
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id));
    assert.equal(t.category, "technical");
    assert.equal(t.team, "Technical Support");
    assert.equal(t.status, "assigned");
    assert.ok(t.agent);
    const [sla] = await sql`select s.priority, s.first_response_deadline - t.created_at as first,
        s.resolution_deadline = t.sla_deadline as same
      from sla_tracking s join tickets t on t.id = s.ticket_id where s.ticket_id = ${t.id}`;
    assert.ok(sla, "sla_tracking row exists");
    assert.ok(sla.same);
    const [analysis] =
      await sql`select model_name, confidence from ai_analysis where ticket_id = ${t.id}`;
    assert.equal(analysis.model_name, "local");
    const events = (await sql`select event_type from ticket_events where ticket_id = ${t.id}
      order by created_at`).map((e) => e.event_type);
    for (const e of ["created", "analyzed", "routed", "assigned", "notified"]) {
      assert.ok(events.includes(e), `event ${e} in ${events}`);
    }
    // The team channel and the assignee's direct message.
    const notes = await sql`select status, external_id, target from notifications
      where ticket_id = ${t.id} and kind = 'ticket_assigned'`;
    assert.equal(notes.length, 2);
    for (const n of notes) {
      assert.equal(n.status, "sent");
      assert.ok(n.external_id);
    }
    const [agent] = await sql`select a.slack_user_id from agents a join tickets t
      on t.assigned_to = a.id where t.id = ${t.id}`;
    const [{ ticket_number }] = await sql`select ticket_number from tickets where id = ${t.id}`;
    // The "New Ticket" messages; its AI draft (if it waits for review) goes into their thread.
    const posted = (await slackCalls()).filter((c) =>
      c.method === "chat.postMessage" && String(c.body.text).includes(`#T-${ticket_number}`) &&
      !c.body.thread_ts
    );
    assert.deepEqual(
      posted.map((c) => c.body.channel).sort(),
      ["C01234DEF", agent.slack_user_id].sort(),
    );
    const teamPost = posted.find((c) => c.body.channel === "C01234DEF")!;
    const actions = (teamPost.body.blocks as { type: string; elements?: { action_id: string }[] }[])
      .find((b) => b.type === "actions");
    // The three buttons, then the "Reassign to…" menu of the available teammates.
    assert.deepEqual(actions?.elements?.map((e) => e.action_id), [
      "view_ticket",
      "reassign_ticket",
      "escalate_ticket",
      "reassign_to",
    ]);
  });
});

Deno.test("a short, calm password reset request is auto-resolved with an answer", async () => {
  const res = await post("intake", {
    email: uniqueEmail("reset"),
    name: "Rita Reset",
    subject: "Password reset",
    body: "Hi, I forgot my password and need to reset it. Can you send me a reset link? Thanks!",
  });
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id));
    assert.equal(t.sub_category, "password_reset");
    assert.equal(t.status, "resolved");
    assert.equal(t.is_auto_resolved, true);
    const [r] = await sql`select body, was_ai_generated from responses where ticket_id = ${t.id}`;
    assert.match(r.body, /^Hi Rita,/);
    assert.ok(r.was_ai_generated);
    assert.doesNotMatch(r.body, /\{\{/);
  });
});

Deno.test("an angry VIP is escalated and goes to a senior agent", async () => {
  const res = await post("intake", {
    email: "olivia.grant@example.com",
    name: "Olivia Grant",
    subject: "Charged twice AGAIN",
    body: `You charged my card twice this month. This is the third time I am writing and nobody
answers. This is completely unacceptable. Refund the duplicate charge today or I cancel. ${crypto.randomUUID()}`,
  });
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id));
    assert.equal(t.category, "billing");
    assert.equal(t.is_escalated, true);
    assert.ok(t.escalation_reasons.includes("vip_customer"));
    assert.ok(["urgent", "high"].includes(t.priority));
    if (t.status === "assigned") assert.ok(["senior", "expert"].includes(String(t.skill_level)));
  });
});

Deno.test("stage functions refuse calls without the service-role token", async () => {
  for (const fn of ["triage", "route", "notify"]) {
    const none = await post(fn, {});
    assert.equal(none.status, 401);
    assert.match(String(none.body.error), /missing bearer token/);
    const wrong = await post(fn, {}, {
      "content-type": "application/json",
      authorization: "Bearer nope",
    });
    assert.equal(wrong.status, 401);
    const ok = await post(fn, {}, {
      "content-type": "application/json",
      authorization: `Bearer ${env.serviceKey}`,
    });
    assert.ok([200, 202].includes(ok.status), `${fn}: ${ok.status}`);
  }
});

Deno.test("a lost webhook is recovered by the every-minute re-ring sweep", async () => {
  await withSql(async (sql) => {
    const [{ value }] =
      await sql`select value from app_private.settings where key = 'functions_base_url'`;
    await sql`update app_private.settings set value = '' where key = 'functions_base_url'`;
    let id = "";
    try {
      const res = await post("intake", {
        email: uniqueEmail("lost"),
        subject: "Webhook lost",
        body: "Our Zapier integration stopped receiving events yesterday.",
      });
      id = String(res.body.ticket_id);
      await new Promise((r) => setTimeout(r, 500));
      const [t] = await sql`select status from tickets where id = ${id}`;
      assert.equal(t.status, "new", "nothing rings while the URL is unset");
    } finally {
      await sql`update app_private.settings set value = ${value} where key = 'functions_base_url'`;
    }
    const [{ stages }] = await sql`select app_private.rering_due_jobs() as stages`;
    assert.ok(stages.includes("triage"));
    const t = await waitForTicket(sql, id);
    assert.ok(["assigned", "queued"].includes(t.status));
  });
});

Deno.test("a failing job is retried with backoff, then dead-lettered, logged and alerted", async () => {
  await withSql(async (sql) => {
    await sql`update app_private.settings set value = '0.05' where key = 'job_backoff_base_seconds'`;
    try {
      // A triage job without a ticket fails every attempt in the real triage function.
      const [{ id }] = await sql`insert into app_private.jobs (stage, ticket_id, payload)
        values ('triage', null, '{"test": "dead-letter"}') returning id`;
      const deadline = Date.now() + 30_000;
      let status = "queued";
      const runAfters: Date[] = [];
      while (status !== "dead" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 150));
        const [job] = await sql`select status, run_after from app_private.jobs where id = ${id}`;
        status = job.status;
        if (status === "queued") runAfters.push(job.run_after);
        await sql`select app_private.rering_due_jobs()`;
      }
      assert.equal(status, "dead");
      const [job] = await sql`select attempts, last_error from app_private.jobs where id = ${id}`;
      assert.equal(job.attempts, 4, "the first attempt and 3 retries");
      assert.match(job.last_error, /not found/);
      const [dead] = await sql`select * from pipeline_dead_letters where job_id = ${id}`;
      assert.ok(dead);
      const [log] = await sql`select severity from error_logs
        where error_type = 'job_dead_lettered' and context ->> 'job_id' = ${String(id)}`;
      assert.equal(log.severity, "critical");
      const [alert] = await sql`select kind from notifications where kind = 'pipeline_alert'
        and payload ->> 'text' like ${
        "%" + "failed 4 times" + "%"
      } order by created_at desc limit 1`;
      assert.ok(alert);
    } finally {
      await sql`update app_private.settings set value = '10' where key = 'job_backoff_base_seconds'`;
    }
  });
});

Deno.test("a rate-limited Slack post is retried and the message still arrives", async () => {
  await fetch(`${env.fakeSlackUrl}/_fake/fail`, {
    method: "POST",
    body: JSON.stringify({ kind: "rate_limited", count: 1, retryAfterS: 1 }),
  }).then((r) => r.body?.cancel());
  const res = await post("intake", {
    email: uniqueEmail("ratelimit"),
    subject: "API returns 502",
    body: "Our calls to the orders API return 502 Bad Gateway since 10:00.",
  });
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id));
    const [n] = await sql`select status from notifications where ticket_id = ${t.id}
      and kind in ('ticket_assigned', 'ticket_queued')`;
    assert.equal(n.status, "sent");
  });
});

Deno.test("pg_cron runs the every-minute sweep in the local stack", async () => {
  await withSql(async (sql) => {
    const deadline = Date.now() + 75_000;
    let runs: { status: string; return_message: string }[] = [];
    while (Date.now() < deadline) {
      runs = await sql`select d.status, d.return_message from cron.job_run_details d
        join cron.job j on j.jobid = d.jobid where j.jobname = 'ists-rering-due-jobs'
        order by d.start_time desc limit 3`;
      if (runs.some((r) => r.status === "succeeded")) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.ok(
      runs.some((r) => r.status === "succeeded"),
      `no successful run: ${JSON.stringify(runs)}`,
    );
  });
});
