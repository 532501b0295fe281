import assert from "node:assert/strict";
import { unsafeForAutoSend } from "./eval_responses.ts";

Deno.test("unsafeForAutoSend() flags a refund mentioned and bracketed tokens, not links", () => {
  assert.equal(unsafeForAutoSend("Hi Sam, see https://help.example.com/articles/x?a=[1]"), false);
  assert.equal(unsafeForAutoSend("Hi Sam, the refund is on its way."), true);
  assert.equal(unsafeForAutoSend("Hi [Name], here is how."), true);
  assert.equal(unsafeForAutoSend("Hi {{first_name}}"), true);
});
