import assert from "node:assert/strict";
import {
  type AutomatedInput,
  classifyAutomated,
  type OwnMail,
  WEAK_AUTOMATED_KINDS,
} from "./automated.ts";

const own: OwnMail = { domains: ["support.example.com"], addresses: ["help@support.example.com"] };

function verdict(overrides: Partial<AutomatedInput> & { header?: [string, string][] } = {}) {
  const { header = [], ...rest } = overrides;
  return classifyAutomated({
    headers: new Map(header.map(([k, v]) => [k.toLowerCase(), v])),
    fromAddress: "lena@example.com",
    subject: "Question about my account",
    messageId: "m-1@mail.example.com",
    deliveryStatus: null,
    feedbackReport: false,
    text: "Hello, I have a question.",
    ...rest,
  }, own);
}

Deno.test("classifyAutomated leaves an ordinary person's mail alone", () => {
  assert.deepEqual(verdict(), { kind: null, reason: null, bounce: null });
  assert.equal(verdict({ header: [["Auto-Submitted", "no"]] }).kind, null);
  assert.equal(verdict({ header: [["X-Auto-Response-Suppress", "None"]] }).kind, null);
});

Deno.test("classifyAutomated suppresses only on strong machine signals", () => {
  assert.equal(verdict({ header: [["Auto-Submitted", "auto-replied"]] }).kind, "auto_reply");
  assert.equal(verdict({ header: [["Auto-Submitted", "auto-generated"]] }).kind, "auto_reply");
  assert.equal(verdict({ header: [["X-Autoreply", "yes"]] }).kind, "auto_reply");
  assert.equal(verdict({ header: [["X-Autorespond", "yes"]] }).kind, "auto_reply");
  assert.equal(verdict({ messageId: "x@support.example.com" }).kind, "loop");
  assert.equal(verdict({ fromAddress: "help@support.example.com" }).kind, "loop");
  assert.equal(verdict({ header: [["X-Loop", "help@support.example.com"]] }).kind, "loop");
  const bounce = verdict({
    fromAddress: "mailer-daemon@mx.example.net",
    subject: "Undelivered Mail Returned to Sender",
    header: [["X-Failed-Recipients", "gone@example.com"]],
  });
  assert.equal(bounce.kind, "bounce");
  assert.deepEqual(bounce.bounce?.recipients, ["gone@example.com"]);
});

Deno.test("classifyAutomated only flags weak cues a person's mail can carry", () => {
  const cases: Array<[string, Partial<AutomatedInput> & { header?: [string, string][] }]> = [
    ["a subject that starts like an absence note", { subject: "Absence of invoice for November" }],
    ["an out-of-office subject without machine headers", { subject: "Out of office: back Monday" }],
    ["a human writing from postmaster@", {
      fromAddress: "postmaster@shop.example.com",
      subject: "Our mail server rejects your newsletter",
    }],
    ["X-Auto-Response-Suppress, which Outlook sets on ordinary mail", {
      header: [["X-Auto-Response-Suppress", "All"]],
    }],
    ["Precedence: bulk", { header: [["Precedence", "bulk"]] }],
    ["Precedence: list", { header: [["Precedence", "list"]] }],
    ["a mailing list", { header: [["List-Id", "<team.lists.example.com>"]] }],
    ["an X-Loop that is not ours", { header: [["X-Loop", "tickets@helpdesk.example.org"]] }],
  ];
  for (const [what, input] of cases) {
    const v = verdict(input);
    assert.ok(v.kind !== null && WEAK_AUTOMATED_KINDS.has(v.kind), `${what}: ${JSON.stringify(v)}`);
    assert.ok(v.reason, `${what} says why`);
  }
  assert.equal(verdict({ subject: "Absence of invoice for November" }).kind, "possible_auto_reply");
  assert.equal(verdict({ header: [["Precedence", "bulk"]] }).kind, "bulk");
});
