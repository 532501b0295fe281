import assert from "node:assert/strict";
import OpenAI from "openai";
import {
  defaultAnswer,
  type FakeChatRequest,
  type JsonSchema,
  startFakeOpenAi,
} from "./fake_openai.ts";

const AUTH = { authorization: "Bearer sk-test", "content-type": "application/json" };

const SCHEMA: JsonSchema = {
  type: "object",
  properties: {
    category: { type: "string", enum: ["billing", "technical", "account", "general"] },
    sentiment: {
      type: "object",
      properties: {
        emotion: { type: "string", enum: ["angry", "neutral", "happy"] },
        intensity: { type: "integer", minimum: 1, maximum: 10 },
      },
      required: ["emotion", "intensity"],
      additionalProperties: false,
    },
  },
  required: ["category", "sentiment"],
  additionalProperties: false,
};

function request(schema: JsonSchema = SCHEMA, name = "triage"): FakeChatRequest {
  return {
    model: "gpt-4o-mini",
    messages: [
      { role: "system", content: "Classify." },
      {
        role: "user",
        content: "<customer_message>\nSubject: Refund\n\nYou charged my card twice, I am " +
          "furious! Refund the duplicate payment now.\n</customer_message>",
      },
    ],
    response_format: { type: "json_schema", json_schema: { name, strict: true, schema } },
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; headers: Headers; text: string; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/chat/completions`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    // Left empty: the test looks at `text`.
  }
  return { status: res.status, headers: res.headers, text, json };
}

function content(json: Record<string, unknown>): Record<string, unknown> {
  const choice = (json.choices as Array<{ message: { content: string } }>)[0];
  return JSON.parse(choice.message.content);
}

Deno.test("startFakeOpenAi() answers a chat completion shaped into the requested schema", async () => {
  await using fake = await startFakeOpenAi();
  assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  const res = await post(fake.url, request());
  assert.equal(res.status, 200);
  assert.equal(res.json.object, "chat.completion");
  assert.match(String(res.json.id), /^chatcmpl-/);
  const choice = (res.json.choices as Array<Record<string, unknown>>)[0];
  assert.equal(choice.finish_reason, "stop");
  const answer = content(res.json) as { category: string; sentiment: Record<string, unknown> };
  assert.equal(answer.category, "billing");
  assert.deepEqual(Object.keys(answer.sentiment), ["emotion", "intensity"]);
  assert.ok(["angry", "neutral", "happy"].includes(String(answer.sentiment.emotion)));
  assert.ok(Number.isInteger(answer.sentiment.intensity));
  const usage = res.json.usage as Record<string, number>;
  assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  assert.equal(fake.calls.length, 1);
  assert.equal(fake.calls[0].body?.model, "gpt-4o-mini");
});

Deno.test("startFakeOpenAi() works with the official SDK, including GET /models", async () => {
  await using fake = await startFakeOpenAi();
  const client = new OpenAI({ apiKey: "sk-test", baseURL: fake.url, maxRetries: 0 });
  const models = await client.models.list();
  assert.deepEqual(models.data.map((m) => m.id), ["gpt-4o-mini", "gpt-4o"]);
  const completion = await client.chat.completions.create(request() as never);
  assert.equal(completion.choices[0].message.role, "assistant");
  assert.equal(JSON.parse(completion.choices[0].message.content ?? "").category, "billing");
});

Deno.test("startFakeOpenAi() requires a Bearer token and checks it when given one", async () => {
  await using open = await startFakeOpenAi();
  const none = await post(open.url, request(), { "content-type": "application/json" });
  assert.equal(none.status, 401);
  assert.equal((none.json.error as Record<string, unknown>).type, "invalid_request_error");
  await using strict = await startFakeOpenAi({ apiKey: "sk-right" });
  const wrong = await post(strict.url, request());
  assert.equal(wrong.status, 401);
  assert.equal((wrong.json.error as Record<string, unknown>).code, "invalid_api_key");
});

Deno.test("startFakeOpenAi() rejects a strict schema that OpenAI would reject", async () => {
  await using fake = await startFakeOpenAi();
  const loose = { ...SCHEMA, required: ["category"] };
  const res = await post(fake.url, request(loose));
  assert.equal(res.status, 400);
  const error = res.json.error as Record<string, unknown>;
  assert.equal(error.code, "invalid_json_schema");
  assert.match(String(error.message), /Missing 'sentiment'/);
  const open = await post(fake.url, request({ ...SCHEMA, additionalProperties: true }));
  assert.match(
    String((open.json.error as Record<string, unknown>).message),
    /additionalProperties/,
  );
});

Deno.test("startFakeOpenAi() serves under another base path such as Azure's /openai/v1", async () => {
  await using fake = await startFakeOpenAi({ basePath: "/openai/v1" });
  assert.match(fake.url, /\/openai\/v1$/);
  assert.equal((await post(fake.url, request())).status, 200);
  const root = await fetch(new URL("/v1/chat/completions", fake.url), {
    method: "POST",
    headers: AUTH,
    body: "{}",
  });
  assert.equal(root.status, 404);
  await root.body?.cancel();
});

Deno.test("startFakeOpenAi() uses respond() for custom answers", async () => {
  await using fake = await startFakeOpenAi({ respond: () => ({ category: "shipping" }) });
  const res = await post(fake.url, request());
  assert.deepEqual(content(res.json), { category: "shipping" });
});

Deno.test("failNext('rate_limited') sends 429 with Retry-After and retry-after-ms", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("rate_limited", { retryAfterS: 3, retryAfterMs: 2500 });
  const res = await post(fake.url, request());
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "3");
  assert.equal(res.headers.get("retry-after-ms"), "2500");
  assert.equal((res.json.error as Record<string, unknown>).code, "rate_limit_exceeded");
  assert.equal(fake.calls[0].failure, "rate_limited");
  assert.equal((await post(fake.url, request())).status, 200);
});

Deno.test("failNext('server_error') sends the chosen status, count times", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("server_error", { status: 503, count: 2 });
  fake.failNext("server_error", { status: 502 });
  assert.equal((await post(fake.url, request())).status, 503);
  assert.equal((await post(fake.url, request())).status, 503);
  const gateway = await post(fake.url, request());
  assert.equal(gateway.status, 502);
  assert.match(gateway.text, /Bad Gateway/);
  assert.equal((await post(fake.url, request())).status, 200);
});

Deno.test("failNext('malformed') sends 200 with a body that is not JSON", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("malformed");
  fake.failNext("malformed", { contentType: "application/json" });
  const html = await post(fake.url, request());
  assert.equal(html.status, 200);
  assert.match(html.headers.get("content-type") ?? "", /text\/html/);
  const json = await post(fake.url, request());
  assert.equal(json.status, 200);
  assert.throws(() => JSON.parse(json.text), SyntaxError);
});

Deno.test("failNext('context_length_exceeded') sends OpenAI's 400 error", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("context_length_exceeded");
  const res = await post(fake.url, request());
  assert.equal(res.status, 400);
  const error = res.json.error as Record<string, unknown>;
  assert.equal(error.code, "context_length_exceeded");
  assert.equal(error.type, "invalid_request_error");
  assert.match(String(error.message), /maximum context length/);
});

Deno.test("failNext('length') cuts the JSON and reports finish_reason length", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("length");
  const res = await post(fake.url, { ...request(), max_completion_tokens: 50 });
  const choice =
    (res.json.choices as Array<{ finish_reason: string; message: { content: string } }>)[0];
  assert.equal(choice.finish_reason, "length");
  assert.throws(() => JSON.parse(choice.message.content), SyntaxError);
  assert.equal((res.json.usage as Record<string, number>).completion_tokens, 50);
});

Deno.test("failNext('invalid_label') answers valid JSON with labels outside the schema", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("invalid_label");
  const res = await post(fake.url, request());
  const answer = content(res.json) as { category: string; sentiment: { emotion: string } };
  assert.equal(answer.category, "shipping");
  assert.equal(answer.sentiment.emotion, "ecstatic");
});

Deno.test("failNext('refusal') answers with a refusal and no content", async () => {
  await using fake = await startFakeOpenAi();
  fake.failNext("refusal");
  const res = await post(fake.url, request());
  const message = (res.json.choices as Array<{ message: Record<string, unknown> }>)[0].message;
  assert.equal(message.content, null);
  assert.match(String(message.refusal), /can't help/);
});

Deno.test("failNext('timeout') hangs until close(), after the client gave up", async () => {
  const fake = await startFakeOpenAi();
  fake.failNext("timeout");
  const controller = new AbortController();
  const pending = fetch(`${fake.url}/chat/completions`, {
    method: "POST",
    headers: AUTH,
    body: JSON.stringify(request()),
    signal: controller.signal,
  });
  while (fake.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
  controller.abort();
  await assert.rejects(pending, { name: "AbortError" });
  assert.equal(fake.inFlight, 1);
  await fake.close();
  assert.equal(fake.inFlight, 0);
});

Deno.test("close() releases a request that is still hanging", async () => {
  const fake = await startFakeOpenAi();
  fake.failNext("timeout");
  const pending = post(fake.url, request());
  while (fake.inFlight === 0) await new Promise((r) => setTimeout(r, 5));
  await fake.close();
  const res = await pending;
  assert.equal(res.status, 504);
});

Deno.test("failNext() refuses unknown kinds and a count below 1", async () => {
  await using fake = await startFakeOpenAi();
  assert.throws(() => fake.failNext("nope" as never), TypeError);
  assert.throws(() => fake.failNext("refusal", { count: 0 }), RangeError);
});

Deno.test("startFakeOpenAi() tracks the most requests in flight at once", async () => {
  await using fake = await startFakeOpenAi({ latencyMs: 30 });
  await Promise.all(Array.from({ length: 5 }, () => post(fake.url, request())));
  assert.equal(fake.maxInFlight, 5);
  assert.equal(fake.inFlight, 0);
  fake.reset();
  assert.equal(fake.maxInFlight, 0);
  assert.equal(fake.calls.length, 0);
});

Deno.test("control endpoints let another process inject failures and read calls", async () => {
  await using fake = await startFakeOpenAi();
  const root = new URL("/", fake.url).href;
  const fail = await fetch(`${root}_fake/fail`, {
    method: "POST",
    body: JSON.stringify({ kind: "server_error", count: 1, status: 503 }),
  });
  assert.deepEqual(await fail.json(), { ok: true });
  assert.equal((await post(fake.url, request())).status, 503);
  const calls = await (await fetch(`${root}_fake/calls`)).json();
  assert.equal(calls.length, 1);
  assert.equal(calls[0].failure, "server_error");
  assert.equal(calls[0].body.model, "gpt-4o-mini");
  const bad = await fetch(`${root}_fake/fail`, { method: "POST", body: '{"kind":"nope"}' });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
  await (await fetch(`${root}_fake/reset`, { method: "POST" })).body?.cancel();
  assert.equal(fake.calls.length, 0);
});

Deno.test("the fake answers the spam probability it was told for matching customer text", () => {
  const request = {
    model: "gpt-4o-mini",
    messages: [{
      role: "user",
      content:
        "<customer_message>\nSubject: Hi\n\nPlease call me back, ref ZX-91.\n</customer_message>",
    }],
  };
  const plain = defaultAnswer(request) as { spam_probability: number };
  assert.equal(plain.spam_probability, 0.02);
  const told = defaultAnswer(request, [{ match: "ZX-91", probability: 0.91 }]) as {
    spam_probability: number;
  };
  assert.equal(told.spam_probability, 0.91);
});

Deno.test("startFakeOpenAi() answers embeddings with normalised vectors in input order", async () => {
  await using fake = await startFakeOpenAi();
  const res = await fetch(`${fake.url}/embeddings`, {
    method: "POST",
    headers: AUTH,
    body: JSON.stringify({
      model: "text-embedding-3-small",
      input: ["reset password", "invoice"],
      encoding_format: "float",
    }),
  });
  const json = await res.json();
  assert.equal(res.status, 200);
  assert.deepEqual(json.data.map((d: { index: number }) => d.index), [0, 1]);
  const v = json.data[0].embedding as number[];
  assert.equal(v.length, 1536);
  assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-3);
  assert.ok(json.usage.prompt_tokens > 0);
  const bad = await fetch(`${fake.url}/embeddings`, {
    method: "POST",
    headers: AUTH,
    body: JSON.stringify({ model: "text-embedding-3-small", input: [] }),
  });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();
});
