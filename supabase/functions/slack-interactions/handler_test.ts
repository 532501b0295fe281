import assert from "node:assert/strict";
import type { SlackModals } from "../_shared/slack.ts";
import { slackSignature } from "../_shared/slack_signature.ts";
import { type ConsoleAnswer, createSlackInteractionsHandler } from "./handler.ts";
import type { ConsoleCall } from "./request.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW_MS = 1_700_000_000_000;
const NOW_S = String(NOW_MS / 1000);
const TICKET = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";

function setup(
  answer: ConsoleAnswer = { ok: true, text: "done" },
  options: { secret?: string; modals?: "ok" | "fail" | "none" } = { secret: SECRET },
) {
  const acts: Array<{ user: string; call: ConsoleCall }> = [];
  const responses: Array<{ url: string; body: Record<string, unknown> }> = [];
  const opened: Array<{ triggerId: string; view: Record<string, unknown> }> = [];
  const modals: SlackModals | null = options.modals === "none" ? null : {
    open(triggerId, view) {
      if (options.modals === "fail") {
        return Promise.reject(new Error('Slack answered "expired_trigger_id"'));
      }
      opened.push({ triggerId, view: view as Record<string, unknown> });
      return Promise.resolve();
    },
  };
  const handle = createSlackInteractionsHandler({
    modals,
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
  return { handle, acts, responses, opened };
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
    modals: null,
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

const RESPONSE = "99999999-8888-4777-8666-555555555555";
const AGENT = "11111111-2222-4333-8444-555555555555";
const DRAFT = {
  response_id: RESPONSE,
  body: "Hi Jane,\nthe steps",
  ticket_number: 42,
  channel: "email",
  customer: "Jane",
};

function draftClick(actionId: string) {
  return {
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "U0MIA0004" },
      trigger_id: "123.456.abc",
      container: { type: "message", channel_id: "C1", message_ts: "1.3" },
      response_url: "https://hooks.slack.com/actions/T0/2/def",
      actions: [{
        action_id: actionId,
        block_id: `draft_actions:${RESPONSE}:${AGENT}`,
        value: RESPONSE,
      }],
    }),
  };
}

function submission(callbackId: string, value: string) {
  const input = callbackId === "edit_draft"
    ? { draft_text: { text: { type: "plain_text_input", value } } }
    : { reject_reason: { reason: { type: "plain_text_input", value } } };
  return {
    payload: JSON.stringify({
      type: "view_submission",
      user: { id: "U0MIA0004" },
      view: {
        id: "V1",
        callback_id: callbackId,
        private_metadata: JSON.stringify({ r: RESPONSE, a: AGENT, c: "C1", t: "1.3" }),
        state: { values: input },
      },
    }),
  };
}

Deno.test("Approve & send decides the draft with the state its message showed", async () => {
  const { handle, acts, responses } = setup({ ok: true, text: "Approved" });
  assert.equal((await handle(await signed(draftClick("approve_draft")))).status, 200);
  assert.deepEqual(acts[0].call, {
    action: "approve_draft",
    args: {
      response_id: RESPONSE,
      expected: { assignee: AGENT },
      message: { channel: "C1", ts: "1.3" },
    },
  });
  assert.equal(responses.length, 0);
});

Deno.test("Edit checks the draft, then opens the window holding it with the click's trigger_id", async () => {
  const { handle, acts, opened } = setup({ ok: true, text: "", draft: DRAFT });
  assert.equal((await handle(await signed(draftClick("edit_draft")))).status, 200);
  assert.equal(acts[0].call.action, "review_draft");
  assert.equal(acts[0].call.args.decision, "edit");
  assert.equal(opened.length, 1);
  assert.equal(opened[0].triggerId, "123.456.abc");
  assert.equal(opened[0].view.callback_id, "edit_draft");
  assert.match(JSON.stringify(opened[0].view), /Hi Jane,\\nthe steps/);
});

Deno.test("Reject opens the window asking for the reason", async () => {
  const { handle, opened } = setup({ ok: true, text: "", draft: DRAFT });
  await handle(await signed(draftClick("reject_draft")));
  assert.equal(opened[0].view.callback_id, "reject_draft");
});

Deno.test("Edit on a draft decided meanwhile explains why and opens nothing", async () => {
  const text = "The draft for #T-42 was already approved by Noah; nothing was changed.";
  const { handle, opened, responses } = setup({ ok: false, text });
  await handle(await signed(draftClick("edit_draft")));
  assert.equal(opened.length, 0);
  assert.equal(responses[0].body.text, text);
});

Deno.test("a window Slack will not open is explained through the response_url", async () => {
  const { handle, responses } = setup({ ok: true, text: "", draft: DRAFT }, {
    secret: SECRET,
    modals: "fail",
  });
  assert.equal((await handle(await signed(draftClick("edit_draft")))).status, 200);
  assert.match(String(responses[0].body.text), /expired_trigger_id.*click again/);
});

Deno.test("without a bot token Edit explains that windows need it", async () => {
  const { handle, responses } = setup({ ok: true, text: "", draft: DRAFT }, {
    secret: SECRET,
    modals: "none",
  });
  await handle(await signed(draftClick("reject_draft")));
  assert.match(String(responses[0].body.text), /SLACK_BOT_TOKEN/);
});

Deno.test("a submitted Edit window sends the edited text and closes with an empty 200", async () => {
  const { handle, acts } = setup({ ok: true, text: "Edited" });
  const res = await handle(await signed(submission("edit_draft", "Hi Jane, new text")));
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "");
  assert.deepEqual(acts[0].call, {
    action: "edit_draft",
    args: {
      response_id: RESPONSE,
      expected: { assignee: AGENT },
      message: { channel: "C1", ts: "1.3" },
      text: "Hi Jane, new text",
    },
  });
});

Deno.test("a submitted window's input problem is shown at its field", async () => {
  const { handle } = setup({ ok: false, text: "Say why", field: "reject_reason" });
  const res = await handle(await signed(submission("reject_draft", " ")));
  assert.deepEqual(await res.json(), {
    response_action: "errors",
    errors: { reject_reason: "Say why" },
  });
});

Deno.test("a submitted window on a ticket that changed meanwhile explains it in the window", async () => {
  const text = "#T-42 was resolved meanwhile; the draft was not sent.";
  const { handle } = setup({ ok: false, text });
  const body = await (await handle(await signed(submission("edit_draft", "x")))).json();
  assert.equal(body.response_action, "update");
  assert.match(JSON.stringify(body.view), /resolved meanwhile/);
});

Deno.test("/ticket reply sends the agent's answer with its case and lines kept", async () => {
  const { handle, acts } = setup({ ok: true, text: "Your answer to #T-12 is on its way" });
  const res = await handle(
    await signed({
      command: "/ticket",
      text: "reply T-12 Hi Jane,\nPlease restart &amp; retry.",
      user_id: "U0MIA0004",
    }),
  );
  assert.deepEqual(await res.json(), {
    response_type: "ephemeral",
    text: "Your answer to #T-12 is on its way",
  });
  assert.deepEqual(acts[0].call, {
    action: "reply",
    args: {
      ticket_number: 12,
      text: "Hi Jane,\nPlease restart & retry.",
      source: { via: "slack_command" },
    },
  });
});
