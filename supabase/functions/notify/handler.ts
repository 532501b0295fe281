import type { Teammate, TicketNotice } from "../_shared/slack.ts";
import type { AnswerDraft } from "../_shared/slack_draft.ts";

/** A pending notification joined with what its message shows. */
export interface PendingNotification {
  id: string;
  kind:
    | "ticket_assigned"
    | "ticket_queued"
    | "customer_reply"
    | "pipeline_alert"
    | "inbound_reply"
    | "ticket_escalated"
    | "ticket_updated"
    | "daily_report"
    | "answer_draft"
    | "answer_draft_updated"
    | "slack_receipt";
  channel: "slack" | "email";
  target: string | null;
  payload: Record<string, unknown>;
  ticket: TicketRow | null;
  /** answer_draft and answer_draft_updated: the draft as it is now (null: deleted). */
  draft?: AnswerDraft | null;
}

/** The ticket facts a notification needs. */
export interface TicketRow {
  id: string;
  ticket_number: number;
  sender_name: string | null;
  sender_email: string;
  tier: "standard" | "vip" | "enterprise";
  subject: string;
  priority: "urgent" | "high" | "medium" | "low";
  category: string | null;
  sub_category: string | null;
  sentiment_emotion: string | null;
  sentiment_intensity: number | null;
  is_escalated: boolean;
  escalation_reasons: string[];
  team_name: string | null;
  agent_name: string | null;
  agent_slack_user_id: string | null;
  first_response_deadline: string | null;
  resolution_deadline: string | null;
  first_response_minutes: number | null;
  signals: string[] | null;
  recent_tickets: number;
  /** Present from the Slack console on: the state the message's buttons act on. */
  status?: string;
  assigned_to?: string | null;
  /** Available teammates for the "Reassign to…" menu. */
  teammates?: { id: string; name: string; active_tickets: number; max_tickets: number }[] | null;
}

const REASON_TEXT: Record<string, string> = {
  vip_customer: "VIP customer",
  enterprise_customer: "Enterprise customer",
  negative_sentiment: "Strong negative sentiment - escalate",
  repeat_contact: "Repeat contact this week - needs escalation",
  urgent_priority: "Urgent priority - senior agent required",
};

/** Human-readable AI insights for the Slack message. */
export function insightsFor(ticket: TicketRow): string[] {
  const insights = ticket.escalation_reasons.map((r) => REASON_TEXT[r] ?? r);
  if (ticket.recent_tickets >= 2 && !ticket.escalation_reasons.includes("repeat_contact")) {
    insights.push(`Contact number ${ticket.recent_tickets} from this customer in 7 days`);
  }
  for (const signal of ticket.signals ?? []) {
    if (insights.length >= 6) break;
    insights.push(signal);
  }
  return insights;
}

/** Builds the TicketNotice rendered into the "New Ticket Assigned" message. */
export function noticeFor(
  ticket: TicketRow,
  options: { timeZone: string; viewUrl: string; note?: string | null; noteAt?: number | null },
): TicketNotice {
  const created = new Date();
  return {
    ticketId: ticket.id,
    ticketNumber: Number(ticket.ticket_number),
    customerName: ticket.sender_name,
    customerEmail: ticket.sender_email,
    customerTier: ticket.tier,
    subject: ticket.subject,
    priority: ticket.priority,
    category: ticket.category ?? "general",
    subCategory: ticket.sub_category ?? "other",
    emotion: ticket.sentiment_emotion ?? "neutral",
    intensity: ticket.sentiment_intensity ?? 1,
    insights: insightsFor(ticket),
    isEscalated: ticket.is_escalated,
    teamName: ticket.team_name ?? "General Support",
    agentName: ticket.agent_name,
    agentSlackUserId: ticket.agent_slack_user_id,
    firstResponseDeadline: ticket.first_response_deadline ?? created.toISOString(),
    resolutionDeadline: ticket.resolution_deadline ?? created.toISOString(),
    firstResponseHours: Math.round((ticket.first_response_minutes ?? 0) / 6) / 10,
    viewUrl: options.viewUrl,
    timeZone: options.timeZone,
    ...(ticket.status === undefined ? {} : {
      status: ticket.status,
      agentId: ticket.assigned_to ?? null,
      teammates: (ticket.teammates ?? []).map((t): Teammate => ({
        id: t.id,
        name: t.name,
        activeTickets: Number(t.active_tickets),
        maxTickets: Number(t.max_tickets),
      })),
    }),
    ...(options.note ? { note: options.note, noteAt: options.noteAt ?? null } : {}),
  };
}

/** Fills {{id}} and {{number}} of the ticket URL template. */
export function ticketUrl(template: string, ticket: { id: string; ticket_number: number }): string {
  return template.replaceAll("{{id}}", ticket.id).replaceAll(
    "{{number}}",
    String(ticket.ticket_number),
  );
}
