import assert from "node:assert/strict";
import { HttpError } from "../_shared/http.ts";
import { authenticate, type IntakeAuthConfig, signBody } from "./auth.ts";

const NOW = 1_800_000_000;
const SECRET = "old-secret-0123456789";
const CONFIG: IntakeAuthConfig = {
  apiKeys: ["key-one"],
  hmacSecrets: ["new-secret-0123456789", SECRET],
  publicForm: false,
  corsOrigins: ["https://forms.example.com"],
};

function request(headers: Record<string, string>): Request {
  return new Request("http://local/functions/v1/intake", { method: "POST", headers, body: "{}" });
}

function status401(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("signBody() is the hex HMAC-SHA256 of timestamp.body", () => {
  // printf '1800000000.{}' | openssl dgst -sha256 -hmac old-secret-0123456789
  const expected = "b6cfe0b6bef251d6269166ce91a660cb5eb8b71d558d30838baf24e55ff4756c";
  assert.equal(signBody(SECRET, "1800000000", "{}"), expected);
  assert.equal(signBody(SECRET, "1800000000", new TextEncoder().encode("{}")), expected);
});

Deno.test("authenticate() accepts a signature made with any configured secret", () => {
  const body = new TextEncoder().encode('{"email":"a@example.com"}');
  const caller = authenticate(
    request({
      "x-ists-timestamp": String(NOW - 60),
      "x-ists-signature": `v1=${signBody(SECRET, String(NOW - 60), body)}`,
    }),
    CONFIG,
    NOW,
  );
  assert.equal(caller.kind, "signature");
  if (caller.kind !== "signature") return;
  caller.signature.update(body.subarray(0, 5));
  caller.signature.update(body.subarray(5));
  caller.signature.verify();
});

Deno.test("authenticate() refuses a signature over another body", () => {
  const caller = authenticate(
    request({
      "x-ists-timestamp": String(NOW),
      "x-ists-signature": `v1=${signBody(SECRET, String(NOW), "{}")}`,
    }),
    CONFIG,
    NOW,
  );
  assert.equal(caller.kind, "signature");
  if (caller.kind !== "signature") return;
  caller.signature.update(new TextEncoder().encode("{ }"));
  status401(() => caller.signature.verify(), /does not match the body/);
});

Deno.test("authenticate() refuses a timestamp more than 5 minutes away", () => {
  for (const ts of [NOW - 301, NOW + 301]) {
    const headers = {
      "x-ists-timestamp": String(ts),
      "x-ists-signature": `v1=${signBody(SECRET, String(ts), "{}")}`,
    };
    status401(() => authenticate(request(headers), CONFIG, NOW), /more than 300 seconds/);
  }
});

Deno.test("authenticate() refuses malformed signature headers", () => {
  const sig = `v1=${signBody(SECRET, String(NOW), "{}")}`;
  status401(
    () => authenticate(request({ "x-ists-signature": sig }), CONFIG, NOW),
    /x-ists-timestamp must be unix seconds/,
  );
  status401(
    () =>
      authenticate(
        request({ "x-ists-timestamp": String(NOW), "x-ists-signature": "sha256=abc" }),
        CONFIG,
        NOW,
      ),
    /must be v1=/,
  );
});

Deno.test("authenticate() accepts an API key and refuses a wrong one", () => {
  assert.equal(authenticate(request({ "x-api-key": "key-one" }), CONFIG, NOW).kind, "api_key");
  status401(
    () => authenticate(request({ "x-api-key": "key-two" }), CONFIG, NOW),
    /unknown API key/,
  );
});

Deno.test("authenticate() names both ways to authenticate when neither is sent", () => {
  status401(
    () => authenticate(request({}), CONFIG, NOW),
    /send an API key in x-api-key or sign the request/,
  );
});

Deno.test("authenticate() lets a public form post only from an allowed origin", () => {
  const config = { ...CONFIG, publicForm: true };
  assert.deepEqual(
    authenticate(request({ origin: "https://forms.example.com" }), config, NOW),
    { kind: "public", open: false },
  );
  status401(
    () => authenticate(request({ origin: "https://evil.example.net" }), config, NOW),
    /API key/,
  );
  status401(() => authenticate(request({}), config, NOW), /API key/);
  status401(
    () =>
      authenticate(
        request({ origin: "https://forms.example.com", "x-api-key": "nope" }),
        config,
        NOW,
      ),
    /unknown API key/,
  );
});

Deno.test("authenticate() leaves the endpoint open when nothing is configured", () => {
  const open = { apiKeys: [], hmacSecrets: [], publicForm: false, corsOrigins: [] };
  assert.deepEqual(authenticate(request({ "x-api-key": "anything" }), open, NOW), {
    kind: "public",
    open: true,
  });
});
