import assert from "node:assert/strict";
import { decodeHeader, emailText } from "./eval_email.ts";

Deno.test("emailText() decodes a quoted-printable plain body and the subject", () => {
  const raw = "From x@y  Mon Jan  1 00:00:00 2002\nSubject: =?utf-8?B?SGVsbG8gd29ybGQ=?=\n" +
    "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n" +
    "Caf=C3=A9 is open=\n today.\n";
  assert.deepEqual(emailText(raw), { subject: "Hello world", body: "Café is open today." });
});

Deno.test("emailText() prefers the plain part of multipart/alternative and decodes base64", () => {
  const raw = 'Subject: Hi\nContent-Type: multipart/alternative; boundary="b1"\n\n--b1\n' +
    "Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + btoa("plain text") +
    "\n--b1\nContent-Type: text/html\n\n<p>html text</p>\n--b1--\n";
  assert.equal(emailText(raw).body, "plain text");
});

Deno.test("emailText() turns an HTML-only body into text", () => {
  const raw =
    "Subject: Offer\nContent-Type: text/html\n\n<html><body><p>Buy&nbsp;now</p></body></html>";
  assert.equal(emailText(raw).body, "Buy now");
});

Deno.test("decodeHeader() decodes Q-encoded words", () => {
  assert.equal(decodeHeader("=?iso-8859-1?Q?R=E9sum=E9_ready?="), "Résumé ready");
});

Deno.test("emailText() reads a nested multipart whose boundary starts with the outer one", () => {
  const raw = 'Subject: Hi\nContent-Type: multipart/related; boundary="b1"\n\n--b1\n' +
    'Content-Type: multipart/alternative; boundary="b1AA"\n\n--b1AA\n' +
    "Content-Type: text/html\n\n<p>nested text</p>\n--b1AA--\n\n--b1\n" +
    "Content-Type: image/gif\n\nR0lGOD\n--b1--\n";
  assert.equal(emailText(raw).body, "nested text");
});

Deno.test("emailText() falls back to the HTML part when the plain alternative is empty", () => {
  const raw = 'Subject: Hi\nContent-Type: multipart/alternative; boundary="b1"\n\n--b1\n' +
    "Content-Type: text/plain\n\n\n--b1\nContent-Type: text/html\n\n<p>html text</p>\n--b1--\n";
  assert.equal(emailText(raw).body, "html text");
});
