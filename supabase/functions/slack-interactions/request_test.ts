import assert from "node:assert/strict";
import { actionsBlockId } from "../_shared/slack.ts";
import { parseCommand, parseSlackRequest, parseTicketRef } from "./request.ts";

const TICKET = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const AGENT = "0b8f2f0e-1111-4c55-9d0e-0a1b2c3d4e5f";
const OTHER = "9a9a9a9a-2222-4c55-9d0e-0a1b2c3d4e5f";

function interaction(action: Record<string, unknown>): URLSearchParams {
  return new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "U0LIAM003" },
      container: { type: "message", channel_id: "C01234DEF", message_ts: "1700000000.000100" },
      response_url: "https://hooks.slack.com/actions/T0/1/abc",
      actions: [action],
    }),
  });
}

Deno.test("parseTicketRef() reads numbers, #T- references and UUIDs", () => {
  assert.deepEqual(parseTicketRef("1234"), { ticket_number: 1234 });
  assert.deepEqual(parseTicketRef("#T-1234"), { ticket_number: 1234 });
  assert.deepEqual(parseTicketRef("t1234"), { ticket_number: 1234 });
  assert.deepEqual(parseTicketRef("#12"), { ticket_number: 12 });
  assert.deepEqual(parseTicketRef(TICKET.toUpperCase()), { ticket_id: TICKET });
  assert.equal(parseTicketRef("abc"), null);
  assert.equal(parseTicketRef("0"), null);
});

Deno.test("parseCommand() reads status, assign me, resolve, escalate and priority", () => {
  assert.deepEqual(parseCommand("1234"), { action: "status", args: { ticket_number: 1234 } });
  assert.deepEqual(parseCommand(" #T-1234  assign   me "), {
    action: "assign_me",
    args: { ticket_number: 1234 },
  });
  assert.deepEqual(parseCommand("1234 assign to me"), {
    action: "assign_me",
    args: { ticket_number: 1234 },
  });
  assert.deepEqual(parseCommand("1234 resolve"), {
    action: "resolve",
    args: { ticket_number: 1234 },
  });
  assert.deepEqual(parseCommand("1234 escalate"), {
    action: "escalate",
    args: { ticket_number: 1234 },
  });
  assert.deepEqual(parseCommand("1234 reassign"), {
    action: "reassign",
    args: { ticket_number: 1234 },
  });
  assert.deepEqual(parseCommand("1234 priority HIGH"), {
    action: "priority",
    args: { ticket_number: 1234, priority: "high" },
  });
});

Deno.test("parseCommand() sets one's own availability", () => {
  for (const value of ["available", "away", "offline"]) {
    assert.deepEqual(parseCommand(value), {
      action: "availability",
      args: { availability: value },
    });
  }
});

Deno.test("parseCommand() answers help and explains bad input", () => {
  assert.match((parseCommand("") as { reply: string }).reply, /\/ticket 1234 assign me/);
  assert.match((parseCommand("help") as { reply: string }).reply, /availability/);
  assert.match((parseCommand("abc") as { reply: string }).reply, /cannot read "abc"/);
  assert.match((parseCommand("12 priority soon") as { reply: string }).reply, /not a priority/);
  assert.match((parseCommand("12 dance") as { reply: string }).reply, /do not know "dance"/);
  assert.match((parseCommand("away now") as { reply: string }).reply, /just `\/ticket away`/);
});

Deno.test("parseSlackRequest() reads Reassign with the state its block carries", () => {
  const blockId = actionsBlockId({ ticketId: TICKET, assignee: AGENT, status: "assigned" });
  const request = parseSlackRequest(interaction({
    action_id: "reassign_ticket",
    block_id: blockId,
    value: TICKET,
  }));
  assert.deepEqual(request, {
    kind: "call",
    source: "button",
    slackUserId: "U0LIAM003",
    responseUrl: "https://hooks.slack.com/actions/T0/1/abc",
    call: {
      action: "reassign",
      args: {
        ticket_id: TICKET,
        expected: { assignee: AGENT, status: "assigned" },
        message: { channel: "C01234DEF", ts: "1700000000.000100" },
      },
    },
  });
});

Deno.test("parseSlackRequest() reads Escalate of a queued ticket's message", () => {
  const blockId = actionsBlockId({ ticketId: TICKET, assignee: null, status: "queued" });
  const request = parseSlackRequest(interaction({
    action_id: "escalate_ticket",
    block_id: blockId,
    value: TICKET,
  }));
  assert.equal(request.kind, "call");
  if (request.kind !== "call") return;
  assert.equal(request.call.action, "escalate");
  assert.deepEqual(request.call.args.expected, { assignee: "", status: "queued" });
});

Deno.test("parseSlackRequest() reads the teammates menu as a reassignment to the chosen agent", () => {
  const blockId = actionsBlockId({ ticketId: TICKET, assignee: AGENT, status: "in_progress" });
  const request = parseSlackRequest(interaction({
    type: "static_select",
    action_id: "reassign_to",
    block_id: blockId,
    selected_option: { text: { type: "plain_text", text: "Mia" }, value: OTHER },
  }));
  assert.equal(request.kind, "call");
  if (request.kind !== "call") return;
  assert.deepEqual(request.call.args.target_agent_id, OTHER);
  assert.equal(request.call.args.ticket_id, TICKET);
});

Deno.test("parseSlackRequest() acts on a legacy message without a state check", () => {
  const request = parseSlackRequest(interaction({
    action_id: "reassign_ticket",
    block_id: "ticket_actions",
    value: TICKET,
  }));
  assert.equal(request.kind, "call");
  if (request.kind !== "call") return;
  assert.equal(request.call.args.expected, undefined);
});

Deno.test("parseSlackRequest() ignores View Ticket, foreign actions and other interactions", () => {
  assert.equal(
    parseSlackRequest(interaction({ action_id: "view_ticket", value: TICKET })).kind,
    "ignore",
  );
  assert.equal(
    parseSlackRequest(interaction({ action_id: "other_app", value: "x" })).kind,
    "ignore",
  );
  assert.equal(
    parseSlackRequest(interaction({ action_id: "reassign_to", selected_option: { value: OTHER } }))
      .kind,
    "ignore",
    "a menu choice without the ticket's block",
  );
  const shortcut = new URLSearchParams({ payload: JSON.stringify({ type: "shortcut" }) });
  assert.equal(parseSlackRequest(shortcut).kind, "ignore");
  assert.equal(parseSlackRequest(new URLSearchParams({ payload: "{" })).kind, "ignore");
  assert.equal(parseSlackRequest(new URLSearchParams({ foo: "bar" })).kind, "ignore");
});

Deno.test("parseSlackRequest() reads a /ticket slash command", () => {
  const form = new URLSearchParams({
    command: "/ticket",
    text: "42 priority urgent",
    user_id: "U0MIA0004",
    team_id: "T0",
    channel_id: "C01234DEF",
    response_url: "https://hooks.slack.com/commands/T0/1/abc",
    trigger_id: "1.2.3",
  });
  assert.deepEqual(parseSlackRequest(form), {
    kind: "call",
    source: "command",
    slackUserId: "U0MIA0004",
    responseUrl: "https://hooks.slack.com/commands/T0/1/abc",
    call: { action: "priority", args: { ticket_number: 42, priority: "urgent" } },
  });
  const help = new URLSearchParams({ command: "/ticket", text: "", user_id: "U1" });
  assert.equal(parseSlackRequest(help).kind, "reply");
});

Deno.test("parseCommand() reads /ticket reply in both orders and refuses an empty answer", () => {
  assert.deepEqual(parseCommand("42 reply  Thanks, Jane!"), {
    action: "reply",
    args: { ticket_number: 42, text: "Thanks, Jane!", source: { via: "slack_command" } },
  });
  assert.deepEqual(parseCommand("REPLY #T-7 <https://help.example.com|the guide>"), {
    action: "reply",
    args: {
      ticket_number: 7,
      text: "the guide (https://help.example.com)",
      source: { via: "slack_command" },
    },
  });
  assert.match((parseCommand("reply 42") as { reply: string }).reply, /Write the answer/);
  assert.match((parseCommand("reply") as { reply: string }).reply, /Say which ticket/);
  assert.match((parseCommand("reply nope hello") as { reply: string }).reply, /cannot read "nope"/);
});

Deno.test("parseSlackRequest() ignores a draft button whose value names another draft", () => {
  const draftId = "99999999-8888-4777-8666-555555555555";
  const other = "99999999-8888-4777-8666-000000000000";
  const form = new URLSearchParams({
    payload: JSON.stringify({
      type: "block_actions",
      user: { id: "U1" },
      actions: [{
        action_id: "approve_draft",
        block_id: `draft_actions:${draftId}:-`,
        value: other,
      }],
    }),
  });
  assert.equal(parseSlackRequest(form).kind, "ignore");
});

Deno.test("parseSlackRequest() ignores windows that are not ours and view_closed", () => {
  const foreign = new URLSearchParams({
    payload: JSON.stringify({
      type: "view_submission",
      user: { id: "U1" },
      view: { callback_id: "someone_elses", private_metadata: "", state: { values: {} } },
    }),
  });
  assert.equal(parseSlackRequest(foreign).kind, "ignore");
  const closed = new URLSearchParams({
    payload: JSON.stringify({ type: "view_closed", user: { id: "U1" }, view: {} }),
  });
  assert.equal(parseSlackRequest(closed).kind, "ignore");
});
