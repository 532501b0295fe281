import assert from "node:assert/strict";
import { collapseWhitespace, idempotencyKey, normaliseBody, subjectFromBody } from "./normalise.ts";

const MESSAGE = {
  email: "jane@example.com",
  subject: "Cannot log in",
  body: "I reset my password twice.\n\nStill locked out.",
};

Deno.test("idempotencyKey() returns 64 lowercase hex characters", async () => {
  assert.match(await idempotencyKey(MESSAGE), /^[0-9a-f]{64}$/);
});

Deno.test("idempotencyKey() is the same for case and whitespace variants of a message", async () => {
  const key = await idempotencyKey(MESSAGE);
  const variant = await idempotencyKey({
    email: "  Jane@Example.COM ",
    subject: "  cannot   LOG\tin ",
    body: "i reset my  password twice.\r\n\r\n\r\n  STILL locked out.  ",
  });
  assert.equal(variant, key);
});

Deno.test("idempotencyKey() differs for a different sender", async () => {
  const other = await idempotencyKey({ ...MESSAGE, email: "john@example.com" });
  assert.notEqual(other, await idempotencyKey(MESSAGE));
});

Deno.test("idempotencyKey() differs for a different body", async () => {
  const other = await idempotencyKey({ ...MESSAGE, body: "I reset my password once." });
  assert.notEqual(other, await idempotencyKey(MESSAGE));
});

Deno.test("idempotencyKey() differs for a different subject", async () => {
  const other = await idempotencyKey({ ...MESSAGE, subject: "Cannot log out" });
  assert.notEqual(other, await idempotencyKey(MESSAGE));
});

Deno.test("idempotencyKey() does not confuse text moved between subject and body", async () => {
  const a = await idempotencyKey({ email: "a@b.co", subject: "hello world", body: "x" });
  const b = await idempotencyKey({ email: "a@b.co", subject: "hello", body: "world x" });
  assert.notEqual(a, b);
});

Deno.test("collapseWhitespace() turns runs of whitespace into one space and trims", () => {
  assert.equal(collapseWhitespace("  a \t b\r\n\n c  "), "a b c");
  assert.equal(collapseWhitespace(" \n\t "), "");
});

Deno.test("normaliseBody() turns CRLF and lone CR into LF", () => {
  assert.equal(normaliseBody("one\r\ntwo\rthree\nfour"), "one\ntwo\nthree\nfour");
});

Deno.test("normaliseBody() removes trailing spaces and tabs of every line", () => {
  assert.equal(normaliseBody("one  \ntwo\t \nthree"), "one\ntwo\nthree");
});

Deno.test("normaliseBody() keeps a single blank line", () => {
  assert.equal(normaliseBody("one\n\ntwo"), "one\n\ntwo");
});

Deno.test("normaliseBody() collapses 3 or more line breaks into one blank line", () => {
  assert.equal(normaliseBody("one\n\n\ntwo"), "one\n\ntwo");
  assert.equal(normaliseBody("one\r\n\r\n\r\n\r\n\r\ntwo"), "one\n\ntwo");
});

Deno.test("normaliseBody() treats whitespace-only lines as blank", () => {
  assert.equal(normaliseBody("one\n  \n\t\n   \ntwo"), "one\n\ntwo");
});

Deno.test("normaliseBody() trims the text and keeps indentation inside it", () => {
  assert.equal(normaliseBody("\n\n  one\n    two\n\n"), "one\n    two");
});

Deno.test("normaliseBody() composes characters to NFC", () => {
  const decomposed = "Cafe\u0301";
  assert.equal(normaliseBody(decomposed), "Caf\u00e9");
});

Deno.test("subjectFromBody() returns a short body unchanged but collapsed", () => {
  assert.equal(subjectFromBody("Hello\n\nthere   friend"), "Hello there friend");
});

Deno.test("subjectFromBody() keeps a body of exactly 80 characters without an ellipsis", () => {
  const body = "x".repeat(80);
  assert.equal(subjectFromBody(body), body);
});

Deno.test("subjectFromBody() cuts a long body at a word boundary and adds an ellipsis", () => {
  const body = "word ".repeat(30).trim();
  const subject = subjectFromBody(body);
  assert.ok(subject.endsWith("word…"), subject);
  assert.ok(subject.length <= 81, `length ${subject.length}`);
  assert.doesNotMatch(subject.slice(0, -1), /\s$/);
  assert.ok(body.startsWith(subject.slice(0, -1)));
});

Deno.test("subjectFromBody() drops a word cut in half", () => {
  const body = `${"a".repeat(75)} abcdefghij more`;
  assert.equal(subjectFromBody(body), `${"a".repeat(75)}…`);
});

Deno.test("subjectFromBody() cuts a single long word at 80 characters", () => {
  assert.equal(subjectFromBody("y".repeat(200)), `${"y".repeat(80)}…`);
});
