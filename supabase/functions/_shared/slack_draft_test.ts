import assert from "node:assert/strict";
import {
  type AnswerDraft,
  decodeModalMetadata,
  draftActionsBlockId,
  editDraftModal,
  encodeModalMetadata,
  parseDraftActionsBlockId,
  reasonText,
  rejectDraftModal,
  renderAnswerDraft,
} from "./slack_draft.ts";

const RESPONSE = "99999999-8888-4777-8666-555555555555";
const AGENT = "11111111-2222-4333-8444-555555555555";

function draft(overrides: Partial<AnswerDraft> = {}): AnswerDraft {
  return {
    response_id: RESPONSE,
    ticket_id: "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f",
    ticket_number: 42,
    channel: "email",
    customer_name: "Jane <Customer>",
    customer_email: "jane@example.com",
    assignee_id: AGENT,
    ticket_status: "assigned",
    body: "Hi Jane,\n\nOpen Settings > Security & reset it.\n\nBest regards",
    draft_body: null,
    language: "en",
    review_status: "pending",
    review_reasons: [
      "gate_mentions_name",
      "low_confidence",
      "vip_customer",
      "sub_category_refund_request",
    ],
    quality_gates: {
      has_greeting: { pass: true },
      mentions_name: { pass: false, detail: "the answer never names Jane" },
    },
    confidence: "0.720",
    min_confidence: "0.9",
    model: "local-template",
    edit_distance: null,
    review_note: null,
    reviewed_at: null,
    reviewer_name: null,
    reviewer_slack_user_id: null,
    articles: [{ title: "Reset your password", url: "https://help.example.com/reset-password" }],
    ...overrides,
  };
}

type Block = { type: string; block_id?: string; elements?: Record<string, unknown>[] };

function blocks(d: AnswerDraft): Block[] {
  return renderAnswerDraft(d).blocks as Block[];
}

function allText(d: AnswerDraft): string {
  return JSON.stringify(blocks(d));
}

Deno.test("renderAnswerDraft() shows the draft escaped, as a quote, with Approve & send, Edit and Reject", () => {
  const b = blocks(draft());
  const text = allText(draft());
  assert.match(text, /AI draft for #T-42: waiting for review/);
  assert.match(text, />Open Settings &gt; Security &amp; reset it\./);
  assert.match(text, /Jane &lt;Customer&gt;/);
  const actions = b.find((x) => x.type === "actions")!;
  assert.deepEqual(actions.elements!.map((e) => e.action_id), [
    "approve_draft",
    "edit_draft",
    "reject_draft",
  ]);
  assert.ok(actions.elements!.every((e) => e.value === RESPONSE));
  assert.equal(actions.block_id, `draft_actions:${RESPONSE}:${AGENT}`);
});

Deno.test("renderAnswerDraft() says which gates failed and why it was not sent automatically", () => {
  const text = allText(draft());
  assert.match(
    text,
    /Quality gates failed:\*\\n• \*Customer's name\*: the answer never names Jane/,
  );
  assert.ok(!text.includes("*Greeting*"), "a gate that passed is not listed");
  assert.match(text, /Confidence 0\.72 is not above the auto-send threshold 0\.90/);
  assert.match(text, /VIP customer: answers are always reviewed/);
  assert.match(text, /refund request tickets are always reviewed/);
  assert.ok(!text.includes("gate_mentions_name"), "gate reasons are shown as gates");
  assert.match(text, /<https:\/\/help\.example\.com\/reset-password\|Reset your password>/);
});

Deno.test("renderAnswerDraft() leaves out Edit for a draft longer than Slack's editor holds", () => {
  const actions = blocks(draft({ body: "x".repeat(3001) })).find((b) => b.type === "actions")!;
  assert.deepEqual(actions.elements!.map((e) => e.action_id), ["approve_draft", "reject_draft"]);
});

Deno.test("renderAnswerDraft() stays within a section's 3,000 characters for a huge draft", () => {
  for (const b of blocks(draft({ body: "<&>".repeat(5000) }))) {
    const text = (b as { text?: { text: string } }).text?.text ?? "";
    assert.ok(text.length <= 3000, `${b.type} has ${text.length} characters`);
  }
  assert.match(allText(draft({ body: "y".repeat(5000) })), /Edit shows all of it|draft's start/);
});

Deno.test("renderAnswerDraft() shows a decision with who made it and drops the buttons", () => {
  const approved = draft({
    review_status: "approved",
    reviewer_name: "Mia Kowalski",
    reviewer_slack_user_id: "U0MIA0004",
    reviewed_at: 1_800_000_000,
  });
  assert.ok(!blocks(approved).some((b) => b.type === "actions"));
  assert.match(allText(approved), /Approved as written by <@U0MIA0004> · <!date\^1800000000\^/);
  assert.match(allText(approved), /approved and sent/);

  const edited = draft({ review_status: "edited", edit_distance: 1, reviewer_name: "Mia" });
  assert.match(allText(edited), /Edited by Mia \(1 character changed; the AI's draft is kept\)/);

  const rejected = draft({
    review_status: "rejected",
    review_note: "Wrong <plan>",
    reviewer_name: "Ava",
  });
  const text = allText(rejected);
  assert.match(text, /Rejected by Ava: Wrong &lt;plan&gt;/);
  assert.match(text, /\/ticket reply 42/);
  assert.match(renderAnswerDraft(rejected).text, /Rejected by Ava/);
});

Deno.test("draftActionsBlockId() round-trips and parseDraftActionsBlockId() refuses anything else", () => {
  const id = draftActionsBlockId({ responseId: RESPONSE, assignee: null });
  assert.equal(id, `draft_actions:${RESPONSE}:-`);
  assert.deepEqual(parseDraftActionsBlockId(id), { responseId: RESPONSE, assignee: null });
  assert.equal(parseDraftActionsBlockId(`ticket_actions:${RESPONSE}:-:assigned`), null);
  assert.equal(parseDraftActionsBlockId(`draft_actions:not-a-uuid:-`), null);
  assert.equal(parseDraftActionsBlockId(undefined), null);
});

Deno.test("reasonText() names languages, ticket states and unknown reasons readably", () => {
  assert.match(reasonText("language_de", draft()), /German \(de\)/);
  assert.equal(
    reasonText("ticket_in_progress", draft()),
    "The ticket was in progress when the answer was drafted",
  );
  assert.equal(reasonText("something_new", draft()), "something new");
  assert.match(reasonText("low_confidence", draft({ confidence: null })), /Confidence unknown/);
});

Deno.test("editDraftModal() holds the draft in a text box and carries the message's state", () => {
  const meta = { responseId: RESPONSE, assignee: AGENT, channel: "C0TEAM", ts: "1799.1" };
  const view = editDraftModal({
    response_id: RESPONSE,
    body: "Hi Jane,\nsteps",
    ticket_number: 42,
    channel: "email",
    customer: "Jane",
  }, meta) as Record<string, unknown>;
  assert.equal(view.type, "modal");
  assert.equal(view.callback_id, "edit_draft");
  assert.ok(String((view.title as { text: string }).text).length <= 24);
  assert.deepEqual(decodeModalMetadata(String(view.private_metadata)), meta);
  const input = (view.blocks as Record<string, unknown>[]).find((b) => b.type === "input")!;
  assert.equal(input.block_id, "draft_text");
  assert.deepEqual(
    { ...(input.element as Record<string, unknown>) },
    {
      type: "plain_text_input",
      action_id: "text",
      multiline: true,
      min_length: 1,
      max_length: 3000,
      initial_value: "Hi Jane,\nsteps",
    },
  );
});

Deno.test("rejectDraftModal() asks for the reason", () => {
  const view = rejectDraftModal({
    response_id: RESPONSE,
    body: "x",
    ticket_number: 123456789,
    channel: "slack",
    customer: "Jane",
  }, { responseId: RESPONSE, assignee: null, channel: null, ts: null }) as Record<string, unknown>;
  assert.equal(view.callback_id, "reject_draft");
  assert.ok(String((view.title as { text: string }).text).length <= 24);
  const input = (view.blocks as Record<string, unknown>[]).find((b) => b.type === "input")!;
  assert.equal(input.block_id, "reject_reason");
});

Deno.test("decodeModalMetadata() refuses metadata that is not ours", () => {
  assert.equal(decodeModalMetadata("not json"), null);
  assert.equal(decodeModalMetadata(JSON.stringify({ r: "x" })), null);
  assert.equal(decodeModalMetadata(undefined), null);
  const raw = encodeModalMetadata({
    responseId: RESPONSE,
    assignee: null,
    channel: null,
    ts: null,
  });
  assert.deepEqual(decodeModalMetadata(raw), {
    responseId: RESPONSE,
    assignee: null,
    channel: null,
    ts: null,
  });
});
