import assert from "node:assert/strict";
import { silentLog } from "../_shared/log.ts";
import { type Mailer, MailSendError } from "../_shared/mail/smtp.ts";
import { SlackError, type SlackThreadPoster } from "../_shared/slack.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";
import {
  createSendProcessor,
  type Delivery,
  type DeliveryResult,
  type SendStore,
} from "./handler.ts";

const JOB: ClaimedJob = { jobId: 1, ticketId: "t1", payload: {}, attempt: 1 };
const FROM = { name: "Acme Support", address: "help@support.example.com" };

function email(overrides: Partial<Delivery> = {}): Delivery {
  return {
    responseId: "r1",
    claim: "c1",
    attempt: 1,
    body: "Hi Jane,\n\nDone.\n\nBest regards",
    automatic: true,
    agentName: null,
    ticketNumber: 42,
    channel: "email",
    subject: "Cannot log in",
    toEmail: "jane@example.com",
    toName: "Jane",
    messageId: "<ists.r1@support.example.com>",
    inReplyTo: null,
    references: [],
    ...overrides,
  } as Delivery;
}

function slackDelivery(verify: boolean): Delivery {
  return {
    responseId: "r2",
    claim: "c2",
    attempt: verify ? 2 : 1,
    body: "Hi Sam",
    automatic: false,
    agentName: "Mia",
    ticketNumber: 43,
    channel: "slack",
    slackChannel: "C0SUPPORT",
    threadTs: "1700000000.000100",
    verify,
    claimedAt: 1_700_000_100,
  };
}

function store(deliveries: Delivery[], busy = 0) {
  const recorded: { results: DeliveryResult[]; busy: number }[] = [];
  const s: SendStore = {
    claim: () => Promise.resolve({ deliveries, busy, orgName: "Acme" }),
    record(_job, results, b): Promise<JobOutcome> {
      recorded.push({ results, busy: b });
      return Promise.resolve({ outcome: "done" });
    },
  };
  return { store: s, recorded };
}

function mailer(fail?: MailSendError): Mailer & { sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    send(e) {
      if (fail) return Promise.reject(fail);
      sent.push(e.subject);
      return Promise.resolve({ response: "250 OK", accepted: [e.to.address] });
    },
  };
}

Deno.test("the send processor mails an e-mail answer and records it sent with its Message-ID", async () => {
  const { store: s, recorded } = store([email()]);
  const m = mailer();
  const process = createSendProcessor({
    store: s,
    mail: { mailer: m, from: FROM, messageIdDomain: "support.example.com" },
    slack: null,
    log: silentLog,
  });
  assert.deepEqual(await process([JOB]), [{ outcome: "done" }]);
  assert.deepEqual(m.sent, ["Re: Cannot log in [#T-42]"]);
  assert.deepEqual(recorded[0].results, [{
    response_id: "r1",
    claim: "c1",
    outcome: "sent",
    via: "email",
    external_id: "<ists.r1@support.example.com>",
  }]);
});

Deno.test("the send processor records SMTP failures as retry, failed or uncertain", async () => {
  for (
    const [kind, outcome] of [["retry", "retry"], ["permanent", "failed"], [
      "uncertain",
      "uncertain",
    ]] as const
  ) {
    const { store: s, recorded } = store([email()]);
    const process = createSendProcessor({
      store: s,
      mail: {
        mailer: mailer(new MailSendError("boom", kind, null)),
        from: FROM,
        messageIdDomain: "support.example.com",
      },
      slack: null,
      log: silentLog,
    });
    await process([JOB]);
    assert.equal(recorded[0].results[0].outcome, outcome, kind);
  }
});

function poster(found: string | null, fail?: SlackError) {
  const calls: string[] = [];
  const p: SlackThreadPoster = {
    post(channel, threadTs) {
      calls.push(`post ${channel} ${threadTs}`);
      return fail ? Promise.reject(fail) : Promise.resolve({ ok: true, channel, ts: "1700.2" });
    },
    find(_c, _t, id, since) {
      calls.push(`find ${id} ${since}`);
      return Promise.resolve(found);
    },
  };
  return { p, calls };
}

Deno.test("a retried Slack answer already in the thread is recorded, not posted again", async () => {
  const { store: s, recorded } = store([slackDelivery(true)]);
  const { p, calls } = poster("1700.1");
  await createSendProcessor({ store: s, mail: null, slack: p, log: silentLog })([JOB]);
  assert.deepEqual(calls, ["find r2 1699999980"]);
  assert.equal(recorded[0].results[0].external_id, "1700.1");
  assert.equal(recorded[0].results[0].outcome, "sent");
});

Deno.test("a first Slack attempt posts in the thread; a timeout is retried, a refusal failed", async () => {
  const first = store([slackDelivery(false)]);
  const ok = poster(null);
  await createSendProcessor({ store: first.store, mail: null, slack: ok.p, log: silentLog })([JOB]);
  assert.deepEqual(ok.calls, ["post C0SUPPORT 1700000000.000100"]);
  assert.equal(first.recorded[0].results[0].external_id, "1700.2");

  for (
    const [error, outcome] of [
      [new SlackError("timeout", { code: "timeout", retryable: true }), "retry"],
      [new SlackError("gone", { code: "channel_not_found", retryable: false }), "failed"],
    ] as const
  ) {
    const { store: s, recorded } = store([slackDelivery(false)]);
    await createSendProcessor({
      store: s,
      mail: null,
      slack: poster(null, error).p,
      log: silentLog,
    })(
      [JOB],
    );
    assert.equal(recorded[0].results[0].outcome, outcome);
  }
});

Deno.test("a job whose claim went stale is skipped", async () => {
  const s: SendStore = {
    claim: () => Promise.reject(new Error("job 1 attempt 1 is no longer claimed")),
    record: () => Promise.reject(new Error("not called")),
  };
  const outcomes = await createSendProcessor({ store: s, mail: null, slack: null, log: silentLog })(
    [JOB],
  );
  assert.deepEqual(outcomes, [{ outcome: "stale" }]);
});
