import assert from "node:assert/strict";
import OpenAI from "openai";
import { backoffMs, failureOf, retryAfterOf } from "./openai_call.ts";

function apiError(status: number, code: string | null, headers: Record<string, string> = {}) {
  return OpenAI.APIError.generate(
    status,
    { error: { message: "m", type: "t", code } },
    undefined,
    new Headers(headers),
  );
}

Deno.test("retryAfterOf() reads retry-after-ms, Retry-After seconds and an HTTP date", () => {
  const now = Date.parse("2025-03-01T12:00:00Z");
  assert.equal(retryAfterOf(new Headers({ "retry-after-ms": "250", "retry-after": "9" })), 250);
  assert.equal(retryAfterOf(new Headers({ "retry-after": "2" })), 2000);
  assert.equal(retryAfterOf(new Headers({ "retry-after": "0.5" })), 500);
  const date = new Headers({ "retry-after": "Sat, 01 Mar 2025 12:00:03 GMT" });
  assert.equal(retryAfterOf(date, now), 3000);
  assert.equal(retryAfterOf(new Headers({ "retry-after": "soon" })), undefined);
  assert.equal(retryAfterOf(new Headers()), undefined);
  assert.equal(retryAfterOf(undefined), undefined);
});

Deno.test("backoffMs() doubles per attempt with jitter and stops growing at 8 s", () => {
  assert.equal(backoffMs(1, () => 0), 250);
  assert.equal(backoffMs(1, () => 0.999999), 499.99975);
  assert.equal(backoffMs(2, () => 0), 500);
  assert.equal(backoffMs(3, () => 0), 1000);
  assert.equal(backoffMs(10, () => 0), 4000);
  assert.ok(backoffMs(10, () => 0.999999) < 8000);
});

Deno.test("failureOf() maps SDK errors to failure kinds", () => {
  const kind = (error: unknown) => failureOf(error).kind;
  assert.equal(kind(apiError(429, "rate_limit_exceeded")), "rate_limited");
  assert.equal(kind(apiError(429, "insufficient_quota")), "quota_exceeded");
  assert.equal(kind(apiError(400, "context_length_exceeded")), "context_length_exceeded");
  assert.equal(kind(apiError(400, null)), "bad_request");
  assert.equal(kind(apiError(401, "invalid_api_key")), "auth");
  assert.equal(kind(apiError(404, null)), "bad_request");
  assert.equal(kind(apiError(408, null)), "server_error");
  assert.equal(kind(apiError(502, null)), "server_error");
  assert.equal(kind(new OpenAI.APIConnectionTimeoutError()), "timeout");
  assert.equal(kind(new OpenAI.APIConnectionError({ message: "refused" })), "connection");
  assert.equal(kind(new SyntaxError("Unexpected end")), "malformed");
  assert.equal(failureOf(apiError(429, null, { "retry-after": "3" })).retryAfterMs, 3000);
});
