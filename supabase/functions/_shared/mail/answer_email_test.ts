import assert from "node:assert/strict";
import { answerEmail, answerHtml, answerSubject, type EmailAnswer } from "./answer_email.ts";

const FROM = { name: "Acme Support", address: "help@support.example.com" };

function answer(overrides: Partial<EmailAnswer> = {}): EmailAnswer {
  return {
    body: "Hi Jane,\n\nReset it here: https://help.example.com/reset\n\nBest regards",
    automatic: true,
    agentName: null,
    ticketNumber: 42,
    subject: "Cannot log in",
    toEmail: "jane@example.com",
    toName: "Jane Doe",
    messageId: "<ists.r1@support.example.com>",
    inReplyTo: "<CAF1@mail.example.com>",
    references: ["<CAF1@mail.example.com>"],
    ...overrides,
  };
}

Deno.test("answerSubject() adds Re: and the ticket reference once", () => {
  assert.equal(answerSubject("Cannot log in", 42), "Re: Cannot log in [#T-42]");
  assert.equal(answerSubject("RE: Fwd: Cannot log in [#T-42]", 42), "Re: Cannot log in [#T-42]");
  assert.equal(answerSubject("  ", 7), "Re: Your request [#T-7]");
});

Deno.test("answerEmail() marks an automatic answer Auto-Submitted and threads it", () => {
  const email = answerEmail(answer(), FROM, "Acme");
  assert.equal(email.headers["Auto-Submitted"], "auto-replied");
  assert.deepEqual(email.from, FROM);
  assert.equal(email.messageId, "<ists.r1@support.example.com>");
  assert.equal(email.inReplyTo, "<CAF1@mail.example.com>");
  assert.deepEqual(email.references, ["<CAF1@mail.example.com>"]);
  assert.equal(email.subject, "Re: Cannot log in [#T-42]");
});

Deno.test("answerEmail() leaves Auto-Submitted off a person's answer and names the agent", () => {
  const email = answerEmail(answer({ automatic: false, agentName: "Mia Kowalski" }), FROM, "Acme");
  assert.equal(email.headers["Auto-Submitted"], undefined);
  assert.equal(email.from.name, "Mia Kowalski (Acme Support)");
});

Deno.test("answerHtml() escapes the text and links only http(s) URLs", () => {
  const html = answerHtml(
    'Hi <b>Jane</b> & "co"\n\nSee https://help.example.com/a?x=1&y=2.\njavascript:alert(1)',
  );
  assert.match(html, /Hi &lt;b&gt;Jane&lt;\/b&gt; &amp; &quot;co&quot;/);
  assert.match(html, /<a href="https:\/\/help\.example\.com\/a\?x=1&amp;y=2">/);
  assert.doesNotMatch(html, /<b>|href="javascript/);
  assert.match(html, /<br>/);
});
