import assert from "node:assert/strict";
import { startFakeSlack } from "./fake_slack.ts";

const AUTH = { authorization: "Bearer xoxb-test" };

async function call(
  url: string,
  method: string,
  init: { body?: Record<string, unknown>; form?: Record<string, string>; headers?: HeadersInit },
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers ?? AUTH);
  let body: string | undefined;
  if (init.form) {
    headers.set("content-type", "application/x-www-form-urlencoded");
    body = new URLSearchParams(init.form).toString();
  } else {
    headers.set("content-type", "application/json; charset=utf-8");
    body = JSON.stringify(init.body ?? {});
  }
  const res = await fetch(`${url}${method}`, { method: "POST", headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) };
}

Deno.test("startFakeSlack() serves chat.postMessage with a JSON body", async () => {
  await using slack = await startFakeSlack();
  assert.match(slack.url, /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  const blocks = [{ type: "section", text: { type: "mrkdwn", text: "hi" } }];
  const res = await call(slack.url, "chat.postMessage", {
    body: { channel: "C1", text: "hi", blocks },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.ok, true);
  assert.equal(res.body.channel, "C1");
  assert.match(String(res.body.ts), /^\d{10}\.000001$/);
  assert.deepEqual((res.body.message as Record<string, unknown>).blocks, blocks);
  assert.deepEqual(slack.calls[0].body.blocks, blocks);
});

Deno.test("startFakeSlack() decodes JSON-encoded blocks in a form body", async () => {
  await using slack = await startFakeSlack();
  const blocks = [{ type: "divider" }];
  const res = await call(slack.url, "chat.postMessage", {
    form: { channel: "C1", text: "hi", blocks: JSON.stringify(blocks) },
  });
  assert.equal(res.body.ok, true);
  assert.deepEqual(slack.calls[0].body.blocks, blocks);
  assert.equal(slack.calls[0].headers["content-type"], "application/x-www-form-urlencoded");
});

Deno.test("startFakeSlack() hands out increasing message timestamps", async () => {
  await using slack = await startFakeSlack();
  const a = await call(slack.url, "chat.postMessage", { body: { channel: "C1", text: "a" } });
  const b = await call(slack.url, "chat.postMessage", { body: { channel: "C1", text: "b" } });
  assert.ok(String(a.body.ts) < String(b.body.ts));
});

Deno.test("startFakeSlack() answers not_authed without a token and invalid_auth for a bad one", async () => {
  await using slack = await startFakeSlack();
  const none = await call(slack.url, "auth.test", { body: {}, headers: {} });
  assert.deepEqual(none.body, { ok: false, error: "not_authed" });
  const bad = await call(slack.url, "auth.test", {
    body: {},
    headers: { authorization: "Bearer x" },
  });
  assert.deepEqual(bad.body, { ok: false, error: "invalid_auth" });
  const form = await call(slack.url, "auth.test", { form: { token: "xoxb-1" }, headers: {} });
  assert.equal(form.body.ok, true);
});

Deno.test("startFakeSlack() answers channel_not_found for C_MISSING", async () => {
  await using slack = await startFakeSlack();
  const res = await call(slack.url, "chat.postMessage", {
    body: { channel: "C_MISSING", text: "hi" },
  });
  assert.deepEqual(res.body, { ok: false, error: "channel_not_found" });
});

Deno.test("startFakeSlack() answers invalid_blocks for unparsable or more than 50 blocks", async () => {
  await using slack = await startFakeSlack();
  const many = Array.from({ length: 51 }, () => ({ type: "divider" }));
  const tooMany = await call(slack.url, "chat.postMessage", {
    body: { channel: "C1", text: "hi", blocks: many },
  });
  assert.equal(tooMany.body.error, "invalid_blocks");
  const broken = await call(slack.url, "chat.postMessage", {
    form: { channel: "C1", text: "hi", blocks: "[{not json" },
  });
  assert.equal(broken.body.error, "invalid_blocks");
  const longHeader = await call(slack.url, "chat.postMessage", {
    body: {
      channel: "C1",
      blocks: [{ type: "header", text: { type: "plain_text", text: "x".repeat(151) } }],
    },
  });
  assert.equal(longHeader.body.error, "invalid_blocks");
});

Deno.test("startFakeSlack() updates a posted message and rejects an unknown one", async () => {
  await using slack = await startFakeSlack();
  const posted = await call(slack.url, "chat.postMessage", { body: { channel: "C1", text: "a" } });
  const updated = await call(slack.url, "chat.update", {
    body: { channel: "C1", ts: posted.body.ts, text: "b" },
  });
  assert.equal(updated.body.ok, true);
  assert.equal(updated.body.text, "b");
  const missing = await call(slack.url, "chat.update", {
    body: { channel: "C1", ts: "1.000999", text: "b" },
  });
  assert.equal(missing.body.error, "message_not_found");
});

Deno.test("startFakeSlack() serves postEphemeral, conversations.open and users.info", async () => {
  await using slack = await startFakeSlack();
  const eph = await call(slack.url, "chat.postEphemeral", {
    body: { channel: "C1", user: "U1", text: "psst" },
  });
  assert.match(String(eph.body.message_ts), /^\d+\.\d{6}$/);
  const dm = await call(slack.url, "conversations.open", { form: { users: "U123" } });
  assert.deepEqual(dm.body.channel, { id: "D123" });
  const user = await call(slack.url, "users.info", { form: { user: "U123" } });
  assert.equal((user.body.user as Record<string, unknown>).id, "U123");
  const gone = await call(slack.url, "users.info", { form: { user: "U_MISSING" } });
  assert.equal(gone.body.error, "user_not_found");
  const hidden = await call(slack.url, "users.info", { form: { user: "U_NOEMAIL" } });
  const profile = (hidden.body.user as { profile: Record<string, unknown> }).profile;
  assert.equal(profile.email, undefined);
  const bot = await call(slack.url, "users.info", { form: { user: "U0FAKEBOT" } });
  assert.equal((bot.body.user as Record<string, unknown>).is_bot, true);
  const down = await fetch(`${slack.url}users.info`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
    body: "user=U_UNAVAILABLE",
  });
  assert.equal(down.status, 503);
  await down.body?.cancel();
});

Deno.test("failNext() fails exactly the next count requests", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("rate_limited", { count: 2, retryAfterS: 7 });
  slack.failNext("server_error", { status: 503 });
  const body = { channel: "C1", text: "hi" };
  const first = await call(slack.url, "chat.postMessage", { body });
  assert.equal(first.status, 429);
  assert.equal(first.headers.get("retry-after"), "7");
  assert.equal((await call(slack.url, "chat.postMessage", { body })).status, 429);
  const res = await fetch(`${slack.url}chat.postMessage`, { method: "POST", headers: AUTH });
  assert.equal(res.status, 503);
  await res.body?.cancel();
  assert.equal((await call(slack.url, "chat.postMessage", { body })).body.ok, true);
  assert.deepEqual(slack.calls.map((c) => c.failure), [
    "rate_limited",
    "rate_limited",
    "server_error",
    undefined,
  ]);
});

Deno.test("failNext('malformed') answers 200 with a body that is not JSON", async () => {
  await using slack = await startFakeSlack();
  slack.failNext("malformed");
  const res = await fetch(`${slack.url}auth.test`, { method: "POST", headers: AUTH });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.throws(() => JSON.parse(text), SyntaxError);
});

Deno.test("close() releases a request hanging after failNext('timeout')", async () => {
  const slack = await startFakeSlack();
  slack.failNext("timeout");
  const pending = fetch(`${slack.url}auth.test`, { method: "POST", headers: AUTH })
    .then(async (res) => {
      await res.body?.cancel();
      return res.status;
    });
  while (slack.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  await slack.close();
  assert.equal(await pending, 504);
});

Deno.test("startFakeSlack() records posts to a response URL", async () => {
  await using slack = await startFakeSlack();
  const base = slack.url.replace(/\/api\/$/, "");
  const res = await fetch(`${base}/response/T1/abc`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", text: "nope" }),
  });
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "ok");
  assert.equal(slack.calls[0].method, "response_url");
  assert.equal(slack.calls[0].headers["x-fake-path"], "/response/T1/abc");
  assert.deepEqual(slack.calls[0].body, { response_type: "ephemeral", text: "nope" });
});

function modal(overrides: Record<string, unknown> = {}) {
  return {
    type: "modal",
    callback_id: "edit_draft",
    title: { type: "plain_text", text: "Edit #T-1" },
    submit: { type: "plain_text", text: "Send" },
    blocks: [{
      type: "input",
      block_id: "draft_text",
      label: { type: "plain_text", text: "Answer" },
      element: { type: "plain_text_input", action_id: "text", initial_value: "Hi" },
    }],
    ...overrides,
  };
}

Deno.test("views.open opens a modal once per trigger_id, as Slack does", async () => {
  await using slack = await startFakeSlack();
  const opened = await call(slack.url, "views.open", {
    form: { trigger_id: "123.456.abc", view: JSON.stringify(modal()) },
    headers: AUTH,
  });
  assert.equal(opened.body.ok, true);
  const view = opened.body.view as Record<string, unknown>;
  assert.match(String(view.id), /^V\d+$/);
  assert.equal(view.callback_id, "edit_draft");
  assert.deepEqual(slack.calls[0].body.view, modal());
  const again = await call(slack.url, "views.open", {
    body: { trigger_id: "123.456.abc", view: modal() },
  });
  assert.equal(again.body.error, "exchanged_trigger_id");
  const bad = await call(slack.url, "views.open", { body: { trigger_id: "nope", view: modal() } });
  assert.equal(bad.body.error, "invalid_trigger_id");
});

Deno.test("views.open refuses a view beyond Slack's limits with invalid_arguments", async () => {
  await using slack = await startFakeSlack();
  const long = await call(slack.url, "views.open", {
    body: {
      trigger_id: "1.2.ab",
      view: modal({ title: { type: "plain_text", text: "A title longer than 24 chars" } }),
    },
  });
  assert.equal(long.body.error, "invalid_arguments");
  assert.match(
    String((long.body.response_metadata as { messages: string[] }).messages[0]),
    /title/,
  );
  const noSubmit = await call(slack.url, "views.open", {
    body: { trigger_id: "1.3.ab", view: modal({ submit: undefined }) },
  });
  assert.equal(noSubmit.body.error, "invalid_arguments");
  const tooLong = await call(slack.url, "views.open", {
    body: {
      trigger_id: "1.4.ab",
      view: modal({
        blocks: [{
          type: "input",
          label: { type: "plain_text", text: "Answer" },
          element: {
            type: "plain_text_input",
            action_id: "text",
            max_length: 10,
            initial_value: "more than ten characters",
          },
        }],
      }),
    },
  });
  assert.equal(tooLong.body.error, "invalid_arguments");
});

Deno.test("reactions.add records a reaction once and then answers already_reacted", async () => {
  await using slack = await startFakeSlack();
  const args = { channel: "C1", timestamp: "1.000001", name: "white_check_mark" };
  assert.equal((await call(slack.url, "reactions.add", { form: args })).body.ok, true);
  assert.equal(
    (await call(slack.url, "reactions.add", { form: args })).body.error,
    "already_reacted",
  );
  const base = slack.url.replace(/\/api\/$/, "");
  assert.deepEqual(await (await fetch(`${base}/_fake/reactions`)).json(), [
    { channel: "C1", ts: "1.000001", name: "white_check_mark" },
  ]);
  const missing = await call(slack.url, "reactions.add", {
    form: { ...args, channel: "C_MISSING" },
  });
  assert.equal(missing.body.error, "channel_not_found");
});
