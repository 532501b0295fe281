import assert from "node:assert/strict";
import { classifyMailError } from "./smtp.ts";

Deno.test("classifyMailError() retries a 4xx deferral and gives up on a 5xx refusal", () => {
  assert.equal(
    classifyMailError({ message: "451 try later", responseCode: 451 }, true).kind,
    "retry",
  );
  assert.equal(
    classifyMailError({ message: "550 refused", responseCode: 550 }, true).kind,
    "permanent",
  );
});

Deno.test("classifyMailError() retries a failure before the message was handed over", () => {
  const error = { message: "connect ECONNREFUSED", code: "ESOCKET" };
  assert.equal(classifyMailError(error, false).kind, "retry");
});

Deno.test("classifyMailError() calls a broken connection after the whole message uncertain", () => {
  const error = { message: "Connection closed unexpectedly", code: "ECONNECTION" };
  const classified = classifyMailError(error, true);
  assert.equal(classified.kind, "uncertain");
  assert.match(classified.message, /may have been accepted/);
});
