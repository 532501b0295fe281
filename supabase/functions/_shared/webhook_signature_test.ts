import assert from "node:assert/strict";
import { signatureHeaders, signatureProblem, signBody } from "./webhook_signature.ts";

const SECRET = "whsec-0123456789abcdef";
const BODY = '{"id":"e1","type":"ticket.created"}';

Deno.test("signatureProblem() accepts the headers signatureHeaders() made", () => {
  const h = signatureHeaders(SECRET, BODY, 1_800_000_000);
  const problem = signatureProblem(
    SECRET,
    {
      timestamp: h["x-ists-timestamp"],
      signature: h["x-ists-signature"],
    },
    BODY,
    1_800_000_010,
  );
  assert.equal(problem, null);
  assert.equal(h["x-ists-signature"], `v1=${signBody(SECRET, "1800000000", BODY)}`);
});

Deno.test("signatureProblem() refuses another body, another secret and an old timestamp", () => {
  const h = signatureHeaders(SECRET, BODY, 1_800_000_000);
  const headers = { timestamp: h["x-ists-timestamp"], signature: h["x-ists-signature"] };
  assert.match(
    signatureProblem(SECRET, headers, `${BODY} `, 1_800_000_000) ?? "",
    /does not match/,
  );
  assert.match(
    signatureProblem("another-secret-0000", headers, BODY, 1_800_000_000) ?? "",
    /match/,
  );
  assert.match(signatureProblem(SECRET, headers, BODY, 1_800_000_301) ?? "", /300 seconds/);
});

Deno.test("signatureProblem() accepts any of several v1 signatures during a rotation", () => {
  const ts = "1800000000";
  const signature = `v1=${"0".repeat(64)}, v1=${signBody(SECRET, ts, BODY)}`;
  assert.equal(signatureProblem(SECRET, { timestamp: ts, signature }, BODY, 1_800_000_000), null);
});
