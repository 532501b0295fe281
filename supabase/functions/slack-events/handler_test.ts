import assert from "node:assert/strict";
import {
  createSlackEventsHandler,
  type ReceivedEvent,
  routeSlackEventsRequest,
  type SlackEventsDeps,
  slackSignature,
  verifySlackRequest,
} from "./handler.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const NOW_MS = 1_700_000_000_000;
const NOW_S = String(NOW_MS / 1000);
const encode = (text: string) => new TextEncoder().encode(text);

interface Received {
  eventId: string;
  envelope: Record<string, unknown>;
  options: { ignoreReason: string | null; retryNum: number | null; retryReason: string | null };
}

function handler(overrides: Partial<SlackEventsDeps> = {}, answer: Partial<ReceivedEvent> = {}) {
  const received: Received[] = [];
  const handle = createSlackEventsHandler({
    inbox: {
      receive(eventId, envelope, options) {
        received.push({ eventId, envelope, options });
        return Promise.resolve({ slackEventId: 41, duplicate: false, status: "queued", ...answer });
      },
    },
    signingSecret: SECRET,
    supportChannels: ["C0SUPPORT"],
    log: () => {},
    now: () => NOW_MS,
    ...overrides,
  });
  return { handle, received };
}

function envelope(event: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    token: "legacy",
    team_id: "T0TEAM",
    api_app_id: "A0APP",
    type: "event_callback",
    event_id: "Ev0001",
    event_time: 1_700_000_000,
    authorizations: [{ team_id: "T0TEAM", user_id: "U0OURBOT", is_bot: true }],
    event: {
      type: "message",
      channel: "C0SUPPORT",
      channel_type: "channel",
      user: "U0JANE",
      text: "Our invoices page shows an error",
      ts: "1700000000.000100",
      ...event,
    },
    ...extra,
  };
}

async function signed(
  body: string,
  headers: Record<string, string> = {},
  timestamp = NOW_S,
): Promise<Request> {
  return new Request("http://local/functions/v1/slack-events", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await slackSignature(SECRET, timestamp, encode(body)),
      ...headers,
    },
    body,
  });
}

// Signature ---------------------------------------------------------------------------------

Deno.test("slackSignature() matches the example in Slack's documentation", async () => {
  // https://api.slack.com/authentication/verifying-requests-from-slack
  const body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&" +
    "channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&" +
    "command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F" +
    "T1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121." +
    "803a0bc887a14d10d2c447fce8b6703c";
  assert.equal(
    await slackSignature(SECRET, "1531420618", encode(body)),
    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
  );
});

Deno.test("verifySlackRequest() accepts a good signature within the window", async () => {
  const body = encode('{"type":"event_callback"}');
  for (const timestamp of [NOW_S, String(NOW_MS / 1000 - 299), String(NOW_MS / 1000 + 299)]) {
    const headers = new Headers({
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": await slackSignature(SECRET, timestamp, body),
    });
    await verifySlackRequest(headers, body, { secret: SECRET, nowMs: NOW_MS });
  }
});

Deno.test("verifySlackRequest() refuses bad, stale, future and missing signatures with 401", async () => {
  const body = encode('{"type":"event_callback"}');
  const good = await slackSignature(SECRET, NOW_S, body);
  const stale = String(NOW_MS / 1000 - 301);
  const future = String(NOW_MS / 1000 + 301);
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ "x-slack-request-timestamp": NOW_S, "x-slack-signature": "v0=" + "0".repeat(64) }, /match/],
    [{
      "x-slack-request-timestamp": NOW_S,
      "x-slack-signature": await slackSignature("other", NOW_S, body),
    }, /match/],
    [{
      "x-slack-request-timestamp": stale,
      "x-slack-signature": await slackSignature(SECRET, stale, body),
    }, /5 minutes/],
    [{
      "x-slack-request-timestamp": future,
      "x-slack-signature": await slackSignature(SECRET, future, body),
    }, /5 minutes/],
    [{ "x-slack-signature": good }, /required/],
    [{ "x-slack-request-timestamp": NOW_S }, /required/],
    [{ "x-slack-request-timestamp": "soon", "x-slack-signature": good }, /not a number/],
  ];
  for (const [headers, message] of cases) {
    const error = await verifySlackRequest(new Headers(headers), body, {
      secret: SECRET,
      nowMs: NOW_MS,
    }).then(() => null, (e) => e);
    assert.equal(error?.status, 401, JSON.stringify(headers));
    assert.match(error.message, message);
  }
});

Deno.test("verifySlackRequest() refuses a body changed after signing", async () => {
  const headers = new Headers({
    "x-slack-request-timestamp": NOW_S,
    "x-slack-signature": await slackSignature(SECRET, NOW_S, encode('{"a":1}')),
  });
  const error = await verifySlackRequest(headers, encode('{"a":2}'), {
    secret: SECRET,
    nowMs: NOW_MS,
  }).then(() => null, (e) => e);
  assert.equal(error?.status, 401);
});

// The handler -------------------------------------------------------------------------------

Deno.test("createSlackEventsHandler() answers url_verification with the challenge", async () => {
  const { handle, received } = handler({ supportChannels: [] });
  const res = await handle(
    await signed(JSON.stringify({ type: "url_verification", challenge: "3eZbrw1aBm2rZgRNFdxV" })),
  );
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { challenge: "3eZbrw1aBm2rZgRNFdxV" });
  assert.equal(received.length, 0);
});

Deno.test("createSlackEventsHandler() stores a customer message as queued and answers 200", async () => {
  const { handle, received } = handler();
  const body = envelope();
  const res = await handle(await signed(JSON.stringify(body)));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    ok: true,
    slack_event_id: 41,
    duplicate: false,
    status: "queued",
  });
  assert.equal(received.length, 1);
  assert.equal(received[0].eventId, "Ev0001");
  assert.deepEqual(received[0].envelope, body);
  assert.deepEqual(received[0].options, { ignoreReason: null, retryNum: null, retryReason: null });
});

Deno.test("createSlackEventsHandler() passes Slack's retry headers and answers a repeat 200", async () => {
  const { handle, received } = handler({}, { duplicate: true, status: "processed" });
  const res = await handle(
    await signed(JSON.stringify(envelope()), {
      "x-slack-retry-num": "2",
      "x-slack-retry-reason": "http_timeout",
    }),
  );
  assert.equal(res.status, 200);
  assert.equal((await res.json()).duplicate, true);
  assert.deepEqual(received[0].options, {
    ignoreReason: null,
    retryNum: 2,
    retryReason: "http_timeout",
  });
});

Deno.test("createSlackEventsHandler() stores edits, bots and other channels as ignored", async () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ subtype: "message_changed", user: undefined }, /edit/],
    [{ subtype: "message_deleted" }, /deletion/],
    [{ subtype: "bot_message", bot_id: "B0OTHER" }, /bot/],
    [{ user: "U0OURBOT" }, /own bot/],
    [{ channel: "C0RANDOM" }, /C0RANDOM is not the support channel/],
  ];
  for (const [event, reason] of cases) {
    const { handle, received } = handler();
    const res = await handle(await signed(JSON.stringify(envelope(event))));
    assert.equal(res.status, 200);
    assert.match(String(received[0].options.ignoreReason), reason);
  }
});

Deno.test("createSlackEventsHandler() refuses unsigned or badly signed requests and stores nothing", async () => {
  const { handle, received } = handler();
  const body = JSON.stringify(envelope());
  const forged = await signed(body, { "x-slack-signature": "v0=" + "a".repeat(64) });
  assert.equal((await handle(forged)).status, 401);
  const stale = await signed(body, {}, String(NOW_MS / 1000 - 600));
  assert.equal((await handle(stale)).status, 401);
  const unsigned = new Request("http://local/", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  const res = await handle(unsigned);
  assert.equal(res.status, 401);
  assert.match((await res.json()).error, /X-Slack-Signature/);
  assert.equal(received.length, 0);
});

Deno.test("createSlackEventsHandler() answers 503 when the signing secret or channel is not set", async () => {
  const noSecret = handler({ signingSecret: undefined });
  const res = await noSecret.handle(await signed(JSON.stringify(envelope())));
  assert.equal(res.status, 503);
  assert.match((await res.json()).error, /SLACK_SIGNING_SECRET/);

  const noChannel = handler({ supportChannels: [] });
  const res2 = await noChannel.handle(await signed(JSON.stringify(envelope())));
  assert.equal(res2.status, 503);
  assert.match((await res2.json()).error, /ISTS_SLACK_SUPPORT_CHANNEL/);
  assert.equal(noChannel.received.length, 0);
});

Deno.test("createSlackEventsHandler() answers bad input with a clear 4xx and stores nothing", async () => {
  const cases: Array<[Request, number, RegExp]> = [
    [await signed("{"), 400, /not valid UTF-8 JSON/],
    [await signed("[1]"), 422, /JSON object/],
    [await signed(JSON.stringify({ type: "url_verification" })), 422, /challenge/],
    [await signed(JSON.stringify({ type: "event_callback", event: {} })), 422, /event_callback/],
    [await signed(JSON.stringify(envelope({}, { event_id: "" }))), 422, /event_callback/],
    [new Request("http://local/", { method: "GET" }), 405, /POST/],
    [await signed("x".repeat(1024 * 1024 + 1)), 413, /larger/],
  ];
  for (const [req, status, message] of cases) {
    const { handle, received } = handler();
    const res = await handle(req);
    assert.equal(res.status, status, message.source);
    assert.match((await res.json()).error, message);
    assert.equal(received.length, 0);
  }
});

Deno.test("createSlackEventsHandler() names the invalid fields of an event_callback", async () => {
  const { handle } = handler();
  const res = await handle(await signed(JSON.stringify(envelope({ type: 7 }))));
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.ok(body.details.some((d: { field: string }) => d.field === "event.type"));
});

Deno.test("createSlackEventsHandler() acknowledges app_rate_limited and unknown types without storing", async () => {
  const { handle, received } = handler();
  const limited = await handle(
    await signed(JSON.stringify({ type: "app_rate_limited", minute_rate_limited: 1 })),
  );
  assert.equal(limited.status, 200);
  const other = await handle(await signed(JSON.stringify({ type: "something_new" })));
  assert.equal(other.status, 200);
  assert.equal(received.length, 0);
});

Deno.test("createSlackEventsHandler() drops NUL characters before storing", async () => {
  const { handle, received } = handler();
  const res = await handle(await signed(JSON.stringify(envelope({ text: "a\u0000b" }))));
  assert.equal(res.status, 200);
  assert.equal((received[0].envelope.event as { text: string }).text, "ab");
});

Deno.test("createSlackEventsHandler() answers 503 with Retry-After while the database is down", async () => {
  const { handle } = handler({
    inbox: {
      receive: () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })),
    },
  });
  const res = await handle(await signed(JSON.stringify(envelope())));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), "5");
});

Deno.test("routeSlackEventsRequest() sends the queue's bearer calls to the stage, the rest to events", async () => {
  const route = routeSlackEventsRequest({
    events: () => Promise.resolve(new Response("events")),
    stage: () => Promise.resolve(new Response("stage")),
  });
  const call = async (headers: Record<string, string>) =>
    await (await route(new Request("http://local/", { method: "POST", headers }))).text();
  assert.equal(await call({ authorization: "Bearer service" }), "stage");
  assert.equal(await call({ "x-slack-signature": "v0=1" }), "events");
  assert.equal(await call({ authorization: "Bearer x", "x-slack-signature": "v0=1" }), "events");
  assert.equal(await call({}), "events");
});
