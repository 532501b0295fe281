import assert from "node:assert/strict";
import { slackSignature } from "../_shared/slack_signature.ts";
import { type ConsoleAnswer, createSlackInteractionsHandler } from "./handler.ts";
import type { ConsoleCall } from "./request.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW_MS = 1_700_000_000_000;
const NOW_S = String(NOW_MS / 1000);
const TICKET = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";

function setup(
  answer: ConsoleAnswer = { ok: true, text: "done" },
  options: { secret?: string } = { secret: SECRET },
) {
  const acts: Array<{ user: string; call: ConsoleCall }> = [];
  const responses: Array<{ url: string; body: Record<string, unknown> }> = [];
  const handle = createSlackInteractionsHandler({
    store: {
      act(user, call) {
        acts.push({ user, call });
        return Promise.resolve(answer);
      },
    },
    signingSecret: options.secret,
    respond(url, body) {
      responses.push({ url, body });
      return Promise.resolve();
    },
    log: () => {},
    now: () => NOW_MS,
  });
  return { handle, acts, responses };
}

async function signed(
  form: Record<string, string>,
  options: { secret?: string; timestamp?: string; type?: string } = {},
): Promise<Request> {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? NOW_S;
  return new Request("http://local/functions/v1/slack-interactions", {
    method: "POST",
    headers: {
      "content-type": options.type ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await slackSignature(
        options.secret ?? SECRET,
        timestamp,
        new TextEncoder().encode(body),
      ),
    },
    body,
  });
}

function click(actionId = "escalate_ticket") {
  return {
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "U0LIAM003" },
      container: { type: "message", channel_id: "C1", message_ts: "1.2" },
      response_url: "https://hooks.slack.com/actions/T0/1/abc",
      actions: [{ action_id: actionId, block_id: "ticket_actions", value: TICKET }],
    }),
  };
}

Deno.test("the handler refuses a bad signature with 401 and acts on nothing", async () => {
  const { handle, acts } = setup();
  const res = await handle(await signed(click(), { secret: "not-the-secret" }));
  assert.equal(res.status, 401);
  assert.equal(acts.length, 0);
});

Deno.test("the handler refuses a request signed more than 5 minutes ago", async () => {
  const { handle, acts } = setup();
  const res = await handle(await signed(click(), { timestamp: String(NOW_MS / 1000 - 301) }));
  assert.equal(res.status, 401);
  assert.equal(acts.length, 0);
});

Deno.test("the handler answers 503 without a signing secret and 405 for GET", async () => {
  assert.equal((await setup(undefined, {}).handle(await signed(click()))).status, 503);
  const get = new Request("http://local/functions/v1/slack-interactions");
  assert.equal((await setup().handle(get)).status, 405);
});

Deno.test("the handler refuses a body that is not a Slack form post", async () => {
  const { handle } = setup();
  assert.equal((await handle(await signed(click(), { type: "application/json" }))).status, 415);
});

Deno.test("a button click runs its action and answers an empty 200", async () => {
  const { handle, acts, responses } = setup({ ok: true, text: "#T-1 escalated" });
  const res = await handle(await signed(click()));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "");
  assert.equal(acts.length, 1);
  assert.equal(acts[0].user, "U0LIAM003");
  assert.equal(acts[0].call.action, "escalate");
  assert.deepEqual(acts[0].call.args.message, { channel: "C1", ts: "1.2" });
  assert.equal(responses.length, 0, "the updated message shows a success");
});

Deno.test("a refused click is explained ephemerally through the response_url", async () => {
  const text =
    "#T-1 is now assigned to Mia Kowalski (the message showed Liam Okafor); nothing was changed.";
  const { handle, responses } = setup({ ok: false, text });
  const res = await handle(await signed(click("reassign_ticket")));
  assert.equal(res.status, 200);
  assert.deepEqual(responses, [{
    url: "https://hooks.slack.com/actions/T0/1/abc",
    body: { response_type: "ephemeral", replace_original: false, text },
  }]);
});

Deno.test("a failing response_url does not fail the click", async () => {
  const handle = createSlackInteractionsHandler({
    store: { act: () => Promise.resolve({ ok: false, text: "no" }) },
    signingSecret: SECRET,
    respond: () => Promise.reject(new Error("timeout")),
    log: () => {},
    now: () => NOW_MS,
  });
  assert.equal((await handle(await signed(click()))).status, 200);
});

Deno.test("View Ticket is acknowledged without an action", async () => {
  const { handle, acts } = setup();
  const res = await handle(await signed(click("view_ticket")));
  assert.equal(res.status, 200);
  assert.equal(acts.length, 0);
});

Deno.test("a /ticket command answers ephemerally with the action's text", async () => {
  const { handle, acts } = setup({ ok: false, text: "You are not an agent in ISTS" });
  const res = await handle(
    await signed({
      command: "/ticket",
      text: "12 resolve",
      user_id: "U0STRANGER",
      response_url: "https://hooks.slack.com/commands/T0/1/abc",
    }),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    response_type: "ephemeral",
    text: "You are not an agent in ISTS",
  });
  assert.deepEqual(acts[0].call, { action: "resolve", args: { ticket_number: 12 } });
});

Deno.test("/ticket help and bad input are answered without touching the database", async () => {
  const { handle, acts } = setup();
  const help = await (await handle(await signed({ command: "/ticket", text: "", user_id: "U1" })))
    .json();
  assert.equal(help.response_type, "ephemeral");
  assert.match(help.text, /assign me/);
  const bad = await (await handle(await signed({ command: "/ticket", text: "x y", user_id: "U1" })))
    .json();
  assert.match(bad.text, /cannot read "x"/);
  assert.equal(acts.length, 0);
});
