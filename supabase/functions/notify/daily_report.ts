import { escapeMrkdwn } from "../_shared/slack.ts";

/** The analytics_daily row a daily_report notification carries (numbers as JSON numbers). */
export interface DailyReportRow {
  date: string;
  time_zone: string | null;
  total_tickets: number | null;
  tickets_resolved: number | null;
  tickets_auto_resolved: number | null;
  avg_first_response_minutes: number | null;
  avg_resolution_hours: number | null;
  sla_compliance_rate: number | null;
  sla_breaches: number | null;
  top_sub_categories: { category: string; sub_category: string; tickets: number }[] | null;
  ai_classification_accuracy: number | null;
  ai_responses_generated: number | null;
  ai_responses_sent: number | null;
  ai_approval_rate: number | null;
  /** Drafts per review status; the edit rate is edited ÷ (approved + edited + rejected). */
  ai_review_outcomes?:
    | Partial<Record<"pending" | "approved" | "edited" | "rejected" | "auto_sent", number>>
    | null;
  total_ai_cost: number | null;
  computed_at: string | null;
}

/** What app_private.post_daily_report puts in the notification's payload. */
export interface DailyReportPayload {
  organisation?: string;
  dashboard_url?: string | null;
  report: DailyReportRow;
}

const DASH = "—";

function count(value: number | null): number {
  return Number(value ?? 0);
}

function percent(value: number | null): string {
  return value === null || value === undefined ? DASH : `${Math.round(Number(value))}%`;
}

function share(part: number | null, whole: number | null): string {
  const w = count(whole);
  return w === 0 ? "" : ` (${Math.round((100 * count(part)) / w)}%)`;
}

function minutes(value: number | null): string {
  if (value === null || value === undefined) return DASH;
  const m = Number(value);
  return m < 90 ? `${Math.round(m)} min` : `${(m / 60).toFixed(1)} hours`;
}

function hours(value: number | null): string {
  if (value === null || value === undefined) return DASH;
  const h = Number(value);
  return h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} hours`;
}

/** "Dec 15, 2024" for 2024-12-15 (the local day itself, no time-zone shift). */
export function formatReportDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-US", {
    timeZone: "UTC",
    month: "short",
    day: "numeric",
    year: "numeric",
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** Renders the seed's "Daily Support Metrics" report as a Block Kit message. */
export function renderDailyReport(
  payload: DailyReportPayload,
): { text: string; blocks: unknown[] } {
  const r = payload.report;
  const title = `Daily Support Metrics - ${formatReportDate(r.date)}`;
  const total = count(r.total_tickets);
  const top = (r.top_sub_categories ?? []).slice(0, 5);
  const issues = top.length === 0
    ? "_No tickets_"
    : top.map((t, i) =>
      `${i + 1}. ${escapeMrkdwn(t.category)} > ${escapeMrkdwn(t.sub_category)} (${t.tickets} ${
        t.tickets === 1 ? "ticket" : "tickets"
      })`
    ).join("\n");
  const cost = r.total_ai_cost === null || r.total_ai_cost === undefined
    ? DASH
    : `$${Number(r.total_ai_cost).toFixed(2)}`;
  const outcomes = r.ai_review_outcomes ?? {};
  const reviewed = count(outcomes.approved ?? null) + count(outcomes.edited ?? null) +
    count(outcomes.rejected ?? null);
  const edited = reviewed > 0
    ? `, ${Math.round((100 * count(outcomes.edited ?? null)) / reviewed)}% edited`
    : "";
  const approval = r.ai_approval_rate === null || r.ai_approval_rate === undefined
    ? ""
    : ` (${percent(r.ai_approval_rate)} approval rate${edited})`;
  const sections = [
    [
      `*Total Tickets:* ${total}`,
      `*Resolved:* ${count(r.tickets_resolved)}${share(r.tickets_resolved, total)}`,
      `*Auto-Resolved:* ${count(r.tickets_auto_resolved)}${share(r.tickets_auto_resolved, total)}`,
    ].join("\n"),
    [
      "*Performance:*",
      `Avg First Response: ${minutes(r.avg_first_response_minutes)}`,
      `Avg Resolution: ${hours(r.avg_resolution_hours)}`,
      `SLA Compliance: ${percent(r.sla_compliance_rate)}`,
      `Breaches: ${count(r.sla_breaches)} ${count(r.sla_breaches) === 1 ? "ticket" : "tickets"}`,
    ].join("\n"),
    `*Top Issues:*\n${issues}`,
    [
      "*AI Metrics:*",
      `Classification Accuracy: ${percent(r.ai_classification_accuracy)}`,
      `AI Responses Generated: ${count(r.ai_responses_generated)}`,
      `AI Responses Sent: ${count(r.ai_responses_sent)}${approval}`,
      `Total AI Cost: ${cost}`,
    ].join("\n"),
  ];
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: title, emoji: true } },
    ...sections.map((text) => ({ type: "section", text: { type: "mrkdwn", text } })),
  ];
  const url = payload.dashboard_url ?? "";
  if (/^https?:\/\/\S+$/.test(url)) {
    blocks.push({
      type: "actions",
      elements: [{
        type: "button",
        text: { type: "plain_text", text: "View Full Dashboard", emoji: true },
        action_id: "view_dashboard",
        url,
      }],
    });
  }
  const about = [payload.organisation, r.time_zone ? `days in ${r.time_zone}` : null]
    .filter(Boolean).join(" · ");
  if (about) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(about) }] });
  }
  const text = `${title}: ${total} tickets, ${count(r.tickets_resolved)} resolved${
    share(r.tickets_resolved, total)
  }, SLA compliance ${percent(r.sla_compliance_rate)}, AI cost ${cost}`;
  return { text, blocks };
}
