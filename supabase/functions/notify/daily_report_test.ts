import assert from "node:assert/strict";
import { type DailyReportRow, formatReportDate, renderDailyReport } from "./daily_report.ts";

const ROW: DailyReportRow = {
  date: "2024-12-15",
  time_zone: "Europe/Berlin",
  total_tickets: 247,
  tickets_resolved: 201,
  tickets_auto_resolved: 95,
  avg_first_response_minutes: 32.4,
  avg_resolution_hours: 4.21,
  sla_compliance_rate: 94.2,
  sla_breaches: 14,
  top_sub_categories: [
    { category: "billing", sub_category: "refund_request", tickets: 43 },
    { category: "technical", sub_category: "bug_report", tickets: 38 },
    { category: "account", sub_category: "password_reset", tickets: 31 },
  ],
  ai_classification_accuracy: 92,
  ai_responses_generated: 112,
  ai_responses_sent: 95,
  ai_approval_rate: 85,
  total_ai_cost: 4.8712,
  computed_at: "2024-12-16T08:00:00Z",
};

function texts(blocks: unknown[]): string[] {
  return (blocks as { text?: { text: string } }[]).map((b) => b.text?.text ?? "");
}

Deno.test("renderDailyReport() lays the report out like the seed's Slack report", () => {
  const { blocks, text } = renderDailyReport({
    organisation: "Example Support",
    dashboard_url: "https://support.example.com/dashboard",
    report: ROW,
  });
  assert.deepEqual(texts(blocks).slice(0, 5), [
    "Daily Support Metrics - Dec 15, 2024",
    "*Total Tickets:* 247\n*Resolved:* 201 (81%)\n*Auto-Resolved:* 95 (38%)",
    "*Performance:*\nAvg First Response: 32 min\nAvg Resolution: 4.2 hours\nSLA Compliance: 94%\nBreaches: 14 tickets",
    "*Top Issues:*\n1. billing > refund_request (43 tickets)\n2. technical > bug_report (38 tickets)\n" +
    "3. account > password_reset (31 tickets)",
    "*AI Metrics:*\nClassification Accuracy: 92%\nAI Responses Generated: 112\n" +
    "AI Responses Sent: 95 (85% approval rate)\nTotal AI Cost: $4.87",
  ]);
  assert.match(text, /^Daily Support Metrics - Dec 15, 2024: 247 tickets, 201 resolved \(81%\)/);
});

Deno.test("renderDailyReport() links the dashboard with a View Full Dashboard button", () => {
  const { blocks } = renderDailyReport({
    dashboard_url: "https://support.example.com/dashboard",
    report: ROW,
  });
  const actions =
    (blocks as { type: string; elements?: { url?: string; text: { text: string } }[] }[])
      .find((b) => b.type === "actions");
  assert.equal(actions?.elements?.[0].text.text, "View Full Dashboard");
  assert.equal(actions?.elements?.[0].url, "https://support.example.com/dashboard");
});

Deno.test("renderDailyReport() shows an empty day with dashes, not NaN", () => {
  const { blocks } = renderDailyReport({
    dashboard_url: null,
    report: {
      ...ROW,
      total_tickets: 0,
      tickets_resolved: 0,
      tickets_auto_resolved: 0,
      avg_first_response_minutes: null,
      avg_resolution_hours: null,
      sla_compliance_rate: null,
      sla_breaches: 0,
      top_sub_categories: [],
      ai_classification_accuracy: null,
      ai_responses_generated: 0,
      ai_responses_sent: 0,
      ai_approval_rate: null,
      total_ai_cost: 0,
    },
  });
  const all = texts(blocks).join("\n");
  assert.doesNotMatch(all, /NaN|undefined|null/);
  assert.match(all, /\*Resolved:\* 0\n/);
  assert.match(all, /Avg First Response: —/);
  assert.match(all, /_No tickets_/);
  assert.match(all, /AI Responses Sent: 0\nTotal AI Cost: \$0\.00/);
  assert.ok(
    !(blocks as { type: string }[]).some((b) => b.type === "actions"),
    "no link without a URL",
  );
});

Deno.test("renderDailyReport() shows long first responses in hours and escapes labels", () => {
  const { blocks } = renderDailyReport({
    report: {
      ...ROW,
      avg_first_response_minutes: 150,
      avg_resolution_hours: 0.5,
      top_sub_categories: [{ category: "<b>", sub_category: "a&b", tickets: 1 }],
    },
  });
  const all = texts(blocks).join("\n");
  assert.match(all, /Avg First Response: 2\.5 hours/);
  assert.match(all, /Avg Resolution: 30 min/);
  assert.match(all, /1\. &lt;b&gt; > a&amp;b \(1 ticket\)/);
});

Deno.test("formatReportDate() names the local day itself", () => {
  assert.equal(formatReportDate("2026-03-29"), "Mar 29, 2026");
  assert.equal(formatReportDate("2026-01-01"), "Jan 1, 2026");
});

Deno.test("renderDailyReport() adds the edit rate of the reviewed drafts to the approval rate", () => {
  const { blocks } = renderDailyReport({
    report: {
      ...ROW,
      ai_approval_rate: 75,
      ai_review_outcomes: { pending: 1, approved: 1, edited: 2, rejected: 1, auto_sent: 1 },
    },
  });
  assert.match(texts(blocks)[4], /AI Responses Sent: 95 \(75% approval rate, 50% edited\)/);
});
