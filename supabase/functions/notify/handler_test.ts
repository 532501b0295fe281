import assert from "node:assert/strict";
import { insightsFor, noticeFor, type TicketRow, ticketUrl } from "./handler.ts";

const ID = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const OPTIONS = { timeZone: "Europe/Berlin", viewUrl: `https://support.example.com/t/${ID}` };

function ticket(overrides: Partial<TicketRow> = {}): TicketRow {
  return {
    id: ID,
    ticket_number: 12345,
    sender_name: "Jane Customer",
    sender_email: "jane@example.com",
    tier: "standard",
    subject: "Cannot log into account",
    priority: "high",
    category: "account",
    sub_category: "password_reset",
    sentiment_emotion: "frustrated",
    sentiment_intensity: 7,
    is_escalated: false,
    escalation_reasons: [],
    team_name: "Account Support",
    agent_name: "Alice Agent",
    agent_slack_user_id: "U0ALICE",
    first_response_deadline: "2025-03-18T13:05:00Z",
    resolution_deadline: "2025-03-19T13:05:00Z",
    first_response_minutes: 240,
    signals: [],
    recent_tickets: 0,
    ...overrides,
  };
}

Deno.test("insightsFor() is empty without reasons, repeat contacts or signals", () => {
  assert.deepEqual(insightsFor(ticket({ signals: null })), []);
});

Deno.test("insightsFor() turns escalation reasons into readable texts", () => {
  const insights = insightsFor(ticket({
    escalation_reasons: [
      "vip_customer",
      "enterprise_customer",
      "negative_sentiment",
      "repeat_contact",
      "urgent_priority",
    ],
    recent_tickets: 3,
  }));
  assert.deepEqual(insights, [
    "VIP customer",
    "Enterprise customer",
    "Strong negative sentiment - escalate",
    "Repeat contact this week - needs escalation",
    "Urgent priority - senior agent required",
  ]);
});

Deno.test("insightsFor() shows an unknown reason as it is", () => {
  assert.deepEqual(insightsFor(ticket({ escalation_reasons: ["legal_threat"] })), [
    "legal_threat",
  ]);
});

Deno.test("insightsFor() adds a repeat contact line from the second recent ticket", () => {
  assert.deepEqual(insightsFor(ticket({ recent_tickets: 1 })), []);
  assert.deepEqual(insightsFor(ticket({ recent_tickets: 2 })), [
    "Contact number 2 from this customer in 7 days",
  ]);
});

Deno.test("insightsFor() leaves out the repeat contact line when repeat_contact is a reason", () => {
  const insights = insightsFor(
    ticket({ escalation_reasons: ["repeat_contact"], recent_tickets: 4 }),
  );
  assert.deepEqual(insights, ["Repeat contact this week - needs escalation"]);
});

Deno.test("insightsFor() appends signals after reasons and the repeat contact line", () => {
  const insights = insightsFor(ticket({
    escalation_reasons: ["vip_customer"],
    recent_tickets: 2,
    signals: ["keyword: locked out"],
  }));
  assert.deepEqual(insights, [
    "VIP customer",
    "Contact number 2 from this customer in 7 days",
    "keyword: locked out",
  ]);
});

Deno.test("insightsFor() caps signals so at most 6 insights are shown", () => {
  const signals = Array.from({ length: 10 }, (_, i) => `signal ${i + 1}`);
  const insights = insightsFor(ticket({ escalation_reasons: ["vip_customer"], signals }));
  assert.deepEqual(insights, [
    "VIP customer",
    "signal 1",
    "signal 2",
    "signal 3",
    "signal 4",
    "signal 5",
  ]);
});

Deno.test("insightsFor() adds no signals when reasons already fill 6 insights", () => {
  const reasons = ["a", "b", "c", "d", "e", "f", "g"];
  const insights = insightsFor(ticket({ escalation_reasons: reasons, signals: ["s"] }));
  assert.deepEqual(insights, reasons);
});

Deno.test("noticeFor() copies the ticket's facts and the options", () => {
  const notice = noticeFor(ticket({ is_escalated: true, tier: "vip" }), OPTIONS);
  assert.deepEqual(notice, {
    ticketId: ID,
    ticketNumber: 12345,
    customerName: "Jane Customer",
    customerEmail: "jane@example.com",
    customerTier: "vip",
    subject: "Cannot log into account",
    priority: "high",
    category: "account",
    subCategory: "password_reset",
    emotion: "frustrated",
    intensity: 7,
    insights: [],
    isEscalated: true,
    teamName: "Account Support",
    agentName: "Alice Agent",
    agentSlackUserId: "U0ALICE",
    firstResponseDeadline: "2025-03-18T13:05:00Z",
    resolutionDeadline: "2025-03-19T13:05:00Z",
    firstResponseHours: 4,
    viewUrl: OPTIONS.viewUrl,
    timeZone: "Europe/Berlin",
  });
});

Deno.test("noticeFor() fills defaults for a ticket that was not triaged or assigned", () => {
  const before = Date.now();
  const notice = noticeFor(
    ticket({
      sender_name: null,
      category: null,
      sub_category: null,
      sentiment_emotion: null,
      sentiment_intensity: null,
      team_name: null,
      agent_name: null,
      agent_slack_user_id: null,
      first_response_deadline: null,
      resolution_deadline: null,
      first_response_minutes: null,
    }),
    OPTIONS,
  );
  const after = Date.now();
  assert.equal(notice.customerName, null);
  assert.equal(notice.category, "general");
  assert.equal(notice.subCategory, "other");
  assert.equal(notice.emotion, "neutral");
  assert.equal(notice.intensity, 1);
  assert.equal(notice.teamName, "General Support");
  assert.equal(notice.agentName, null);
  assert.equal(notice.agentSlackUserId, null);
  assert.equal(notice.firstResponseHours, 0);
  for (const deadline of [notice.firstResponseDeadline, notice.resolutionDeadline]) {
    const at = Date.parse(deadline);
    assert.ok(at >= before && at <= after, deadline);
  }
});

Deno.test("noticeFor() converts a ticket number sent as a string to a number", () => {
  const row = ticket({ ticket_number: "987" as unknown as number });
  assert.equal(noticeFor(row, OPTIONS).ticketNumber, 987);
});

Deno.test("noticeFor() turns response minutes into hours with one decimal", () => {
  const hours = (minutes: number) =>
    noticeFor(ticket({ first_response_minutes: minutes }), OPTIONS).firstResponseHours;
  assert.equal(hours(60), 1);
  assert.equal(hours(90), 1.5);
  assert.equal(hours(20), 0.3);
  assert.equal(hours(1440), 24);
});

Deno.test("noticeFor() includes the ticket's insights", () => {
  const notice = noticeFor(ticket({ escalation_reasons: ["urgent_priority"] }), OPTIONS);
  assert.deepEqual(notice.insights, ["Urgent priority - senior agent required"]);
});

Deno.test("ticketUrl() fills every {{id}} and {{number}}", () => {
  const url = ticketUrl("https://desk.example.com/t/{{number}}?id={{id}}&ref={{number}}", {
    id: ID,
    ticket_number: 42,
  });
  assert.equal(url, `https://desk.example.com/t/42?id=${ID}&ref=42`);
});

Deno.test("ticketUrl() returns a template without placeholders unchanged", () => {
  assert.equal(
    ticketUrl("https://desk.example.com/inbox", { id: ID, ticket_number: 1 }),
    "https://desk.example.com/inbox",
  );
});

Deno.test("noticeFor() passes the state, teammates and note the Slack console needs", () => {
  const notice = noticeFor(
    ticket({
      status: "assigned",
      assigned_to: "0b8f2f0e-1111-4c55-9d0e-0a1b2c3d4e5f",
      teammates: [{
        id: "9a9a9a9a-2222-4c55-9d0e-0a1b2c3d4e5f",
        name: "Mia",
        active_tickets: 2,
        max_tickets: 8,
      }],
    }),
    { ...OPTIONS, note: "Reassigned to Alice by Liam", noteAt: 1_700_000_000 },
  );
  assert.equal(notice.status, "assigned");
  assert.equal(notice.agentId, "0b8f2f0e-1111-4c55-9d0e-0a1b2c3d4e5f");
  assert.deepEqual(notice.teammates, [
    { id: "9a9a9a9a-2222-4c55-9d0e-0a1b2c3d4e5f", name: "Mia", activeTickets: 2, maxTickets: 8 },
  ]);
  assert.equal(notice.note, "Reassigned to Alice by Liam");
  assert.equal(notice.noteAt, 1_700_000_000);
});
