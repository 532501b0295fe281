import assert from "node:assert/strict";
import { HttpError, json, readJson, requireBearer, safeEqual, withErrors } from "./http.ts";

type Logged = { msg: string; fields: Record<string, unknown> };

function recorder(): {
  log: (msg: string, fields: Record<string, unknown>) => void;
  calls: Logged[];
} {
  const calls: Logged[] = [];
  return { log: (msg, fields) => calls.push({ msg, fields }), calls };
}

function failWith(error: unknown): (req: Request) => Promise<Response> {
  return () => Promise.reject(error);
}

function post(body: BodyInit | null, headers: HeadersInit = {}): Request {
  return new Request("http://local/fn", { method: "POST", body, headers });
}

const JSON_TYPE = { "content-type": "application/json" };

function assertHttpError(status: number): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof HttpError, `expected HttpError, got ${error}`);
    assert.equal(error.status, status);
    return true;
  };
}

Deno.test("json() sets a JSON content type and keeps status and headers", async () => {
  const res = json({ ok: true }, { status: 201, headers: { "x-extra": "1" } });
  assert.equal(res.status, 201);
  assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(res.headers.get("x-extra"), "1");
  assert.deepEqual(await res.json(), { ok: true });
});

Deno.test("withErrors() passes a successful response through", async () => {
  const res = await withErrors(() => Promise.resolve(new Response("hi", { status: 202 })))(
    new Request("http://local/"),
  );
  assert.equal(res.status, 202);
  assert.equal(await res.text(), "hi");
});

Deno.test("withErrors() maps an HttpError to its status and a JSON error body", async () => {
  const { log, calls } = recorder();
  const handler = withErrors(failWith(new HttpError(404, "Cannot find ticket")), log);
  const res = await handler(new Request("http://local/"));
  assert.equal(res.status, 404);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  assert.deepEqual(await res.json(), { error: "Cannot find ticket" });
  assert.equal(calls.length, 0);
});

Deno.test("withErrors() includes the details of an HttpError", async () => {
  const details = [{ field: "email", problem: "must be an email address" }];
  const res = await withErrors(failWith(new HttpError(422, "Cannot accept", details)))(
    new Request("http://local/"),
  );
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), { error: "Cannot accept", details });
});

Deno.test("withErrors() sets Retry-After for a 429 with retryAfterSeconds", async () => {
  const error = new HttpError(429, "Slow down", { retryAfterSeconds: 30 });
  const res = await withErrors(failWith(error))(new Request("http://local/"));
  assert.equal(res.status, 429);
  assert.equal(res.headers.get("retry-after"), "30");
  assert.deepEqual(await res.json(), { error: "Slow down", details: { retryAfterSeconds: 30 } });
});

Deno.test("withErrors() sets no Retry-After for a 429 without retryAfterSeconds", async () => {
  for (const details of [undefined, { other: 1 }, "30"]) {
    const res = await withErrors(failWith(new HttpError(429, "Slow down", details)))(
      new Request("http://local/"),
    );
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("retry-after"), null);
    await res.body?.cancel();
  }
});

Deno.test("withErrors() sets no Retry-After for other statuses", async () => {
  const error = new HttpError(503, "Busy", { retryAfterSeconds: 5 });
  const res = await withErrors(failWith(error))(new Request("http://local/"));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get("retry-after"), null);
  await res.body?.cancel();
});

Deno.test("withErrors() turns an unknown error into a 500 that does not leak it", async () => {
  const { log, calls } = recorder();
  const secret = "password=hunter2 at db.internal:5432";
  const res = await withErrors(failWith(new Error(secret)), log)(new Request("http://local/x"));
  assert.equal(res.status, 500);
  const text = await res.text();
  assert.deepEqual(JSON.parse(text), { error: "Internal error" });
  assert.ok(!text.includes("hunter2"));
  assert.equal(calls.length, 1);
  assert.equal(calls[0].msg, "unhandled error");
  assert.equal(calls[0].fields.url, "http://local/x");
  assert.match(String(calls[0].fields.error), /hunter2/);
});

Deno.test("withErrors() turns a thrown non-Error value into a 500", async () => {
  const { log, calls } = recorder();
  const res = await withErrors(failWith("plain string"), log)(new Request("http://local/"));
  assert.equal(res.status, 500);
  assert.deepEqual(await res.json(), { error: "Internal error" });
  assert.equal(calls[0].fields.error, "plain string");
});

Deno.test("readJson() parses a JSON body", async () => {
  const value = await readJson(post(JSON.stringify({ a: [1, "ü"] }), JSON_TYPE), 1024);
  assert.deepEqual(value, { a: [1, "ü"] });
});

Deno.test("readJson() accepts a content type with parameters in any case", async () => {
  const req = post("{}", { "content-type": "Application/JSON; charset=UTF-8" });
  assert.deepEqual(await readJson(req, 1024), {});
});

Deno.test("readJson() rejects a missing or non-JSON content type with 415", async () => {
  await assert.rejects(readJson(post("{}"), 1024), assertHttpError(415));
  await assert.rejects(
    readJson(post("{}", { "content-type": "text/plain" }), 1024),
    assertHttpError(415),
  );
});

Deno.test("readJson() rejects a declared content-length above the limit with 413", async () => {
  const req = post("{}", { ...JSON_TYPE, "content-length": "2048" });
  await assert.rejects(readJson(req, 1024), assertHttpError(413));
});

Deno.test("readJson() rejects a body larger than the limit without content-length with 413", async () => {
  const req = post(JSON.stringify({ text: "x".repeat(2000) }), JSON_TYPE);
  assert.equal(req.headers.get("content-length"), null);
  await assert.rejects(readJson(req, 1024), assertHttpError(413));
});

Deno.test("readJson() rejects an understated content-length with a larger body with 413", async () => {
  const req = post(JSON.stringify({ text: "x".repeat(2000) }), {
    ...JSON_TYPE,
    "content-length": "10",
  });
  await assert.rejects(readJson(req, 1024), assertHttpError(413));
});

Deno.test("readJson() accepts a body of exactly the limit", async () => {
  const body = JSON.stringify("x".repeat(1022));
  assert.equal(body.length, 1024);
  assert.equal(await readJson(post(body, JSON_TYPE), 1024), "x".repeat(1022));
});

Deno.test("readJson() counts bytes, not characters", async () => {
  const body = JSON.stringify("é".repeat(600));
  assert.ok(body.length < 1024);
  await assert.rejects(readJson(post(body, JSON_TYPE), 1024), assertHttpError(413));
});

Deno.test("readJson() rejects invalid JSON with 400", async () => {
  await assert.rejects(readJson(post("{nope", JSON_TYPE), 1024), assertHttpError(400));
  await assert.rejects(readJson(post("", JSON_TYPE), 1024), assertHttpError(400));
});

Deno.test("readJson() rejects a body that is not UTF-8 with 400", async () => {
  const bytes = new Uint8Array([0x22, 0xff, 0xfe, 0x22]);
  await assert.rejects(readJson(post(bytes, JSON_TYPE), 1024), assertHttpError(400));
});

Deno.test("safeEqual() is true only for identical strings", () => {
  assert.equal(safeEqual("secret-key", "secret-key"), true);
  assert.equal(safeEqual("", ""), true);
  assert.equal(safeEqual("grüße", "grüße"), true);
  assert.equal(safeEqual("secret-key", "secret-kez"), false);
  assert.equal(safeEqual("secret-key", "Secret-key"), false);
});

Deno.test("safeEqual() is false when one string is a prefix of the other", () => {
  assert.equal(safeEqual("secret", "secret-key"), false);
  assert.equal(safeEqual("secret-key", "secret"), false);
  assert.equal(safeEqual("", "x"), false);
});

Deno.test("safeEqual() is false for different strings with the same UTF-8 bytes' length", () => {
  assert.equal(safeEqual("é", "ab"), false);
});

function withAuth(value?: string): Request {
  const headers: HeadersInit = value === undefined ? {} : { authorization: value };
  return new Request("http://local/", { method: "POST", headers });
}

Deno.test("requireBearer() throws 401 without an authorization header", () => {
  assert.throws(() => requireBearer(withAuth(), ["tok"]), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.match(error.message, /missing bearer token/);
    return true;
  });
});

Deno.test("requireBearer() throws 401 for another scheme or an empty token", () => {
  for (const header of ["Basic dG9rOg==", "Bearer", "Bearer ", "tok"]) {
    assert.throws(() => requireBearer(withAuth(header), ["tok"]), assertHttpError(401), header);
  }
});

Deno.test("requireBearer() throws 401 for a wrong token", () => {
  assert.throws(() => requireBearer(withAuth("Bearer nope"), ["tok"]), (error: unknown) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.match(error.message, /invalid bearer token/);
    return true;
  });
});

Deno.test("requireBearer() throws 401 when no token is accepted at all", () => {
  assert.throws(() => requireBearer(withAuth("Bearer tok"), []), assertHttpError(401));
});

Deno.test("requireBearer() accepts any of the configured tokens", () => {
  requireBearer(withAuth("Bearer tok"), ["tok"]);
  requireBearer(withAuth("Bearer second"), ["first", "second"]);
});

Deno.test("requireBearer() accepts the scheme in any case and extra spaces", () => {
  requireBearer(withAuth("bearer tok"), ["tok"]);
  requireBearer(withAuth("BEARER   tok"), ["tok"]);
});
