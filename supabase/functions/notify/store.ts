/** The Postgres side of the notify stage: the outbox rows and their delivery attempts. */
import type { Sql } from "../_shared/db.ts";
import type { PendingNotification } from "./handler.ts";

/** How an attempt ended, as app_private.finish_notification_delivery() records it. */
export type DeliveryOutcome =
  | {
    status: "sent";
    externalId: string;
    payload: Record<string, unknown>;
    note?: string | null;
    /** The message an earlier, uncertain attempt had posted (nothing was posted now). */
    found?: boolean;
  }
  | { status: "failed" | "stored"; note: string; payload?: Record<string, unknown> }
  | { status: "pending"; note: string; uncertain: boolean };

/** One leased attempt (app_private.begin_notification_delivery()). */
export type DeliveryLease =
  | { kind: "leased"; token: string; checkSinceS: number | null }
  | { kind: "busy" }
  | { kind: "done" };

/** Settings of the messages (app_private.settings). */
export interface NotifySettings {
  timeZone: string;
  /** ticket_url_template: the View Ticket link with {{id}} / {{number}}; null: the signed page. */
  urlTemplate: string | null;
  /** Where the ticket-view function is served (ticket_view_base_url, else functions_base_url). */
  viewBaseUrl: string;
  /** How long a signed link stays valid (ticket_view_link_days). */
  viewLinkDays: number;
}

/** Where a draft goes: a channel and, when the ticket has a posted message, its thread. */
export type DraftThread =
  | { wait: true }
  | { wait: false; channel: string | null; threadTs: string | null };

/** Storage port of the notify stage. */
export interface NotificationStore {
  /** What the messages show: time zone and where the View Ticket button links to. */
  settings(): Promise<NotifySettings>;
  /** The pending notifications of a job's ticket (or the ticket-less alerts), oldest first. */
  pending(ticketId: string | null): Promise<PendingNotification[]>;
  begin(id: string): Promise<DeliveryLease>;
  /** Records the outcome at once (its own transaction); false when it no longer applied. */
  finish(id: string, token: string, outcome: DeliveryOutcome): Promise<boolean>;
  /** Marks the job done; false when its claim went stale (the recorded work stays). */
  complete(jobId: number, attempt: number): Promise<boolean>;
  /**
   * Where an answer_draft is posted, decided once (app_private.pin_answer_draft_thread):
   * the channel and the thread of the ticket's message, or wait while that is not posted yet.
   */
  pinDraftThread(id: string): Promise<DraftThread>;
  /** Logs a problem worth an operator's look (error_logs). */
  warn(ticketId: string | null, type: string, message: string, context: object): Promise<void>;
}

/** The Postgres-backed store; every call is its own short transaction. */
export function createSqlNotificationStore(sql: Sql): NotificationStore {
  return {
    async settings() {
      const [row] = await sql<
        {
          time_zone: string;
          url_template: string | null;
          view_base_url: string;
          link_days: number;
        }[]
      >`
        select coalesce(nullif(app_private.get_setting('time_zone'), ''), 'UTC') as time_zone,
               nullif(app_private.get_setting('ticket_url_template'), '') as url_template,
               rtrim(coalesce(nullif(app_private.get_setting('ticket_view_base_url'), ''),
                              app_private.get_setting('functions_base_url'), ''), '/') as view_base_url,
               coalesce(nullif(app_private.get_setting('ticket_view_link_days'), '')::integer, 30)
                 as link_days`;
      return {
        timeZone: row.time_zone,
        urlTemplate: row.url_template,
        viewBaseUrl: row.view_base_url,
        viewLinkDays: Number(row.link_days),
      };
    },
    async pending(ticketId) {
      return await sql<PendingNotification[]>`
        select n.id, n.kind, n.channel, n.target, n.payload,
          case when t.id is null then null else json_build_object(
            'id', t.id, 'ticket_number', t.ticket_number, 'sender_name', t.sender_name,
            'sender_email', t.sender_email, 'tier', c.tier, 'subject', t.subject,
            'priority', t.priority, 'category', t.category, 'sub_category', t.sub_category,
            'sentiment_emotion', t.sentiment_emotion, 'sentiment_intensity', t.sentiment_intensity,
            'is_escalated', t.is_escalated, 'escalation_reasons', t.escalation_reasons,
            'team_name', tm.name, 'agent_name', ag.name, 'agent_slack_user_id', ag.slack_user_id,
            'first_response_deadline', s.first_response_deadline,
            'resolution_deadline', s.resolution_deadline,
            'first_response_minutes', s.first_response_minutes,
            'signals', (select a.reasoning -> 'signals' from public.ai_analysis a
                        where a.ticket_id = t.id order by a.created_at desc limit 1),
            'recent_tickets', (select count(*) from public.tickets r where r.customer_id = t.customer_id
                               and r.created_at > t.created_at - interval '7 days'
                               and r.created_at <= t.created_at),
            'status', t.status, 'assigned_to', t.assigned_to,
            'teammates', (select coalesce(json_agg(json_build_object('id', m.id, 'name', m.name,
                                    'active_tickets', m.active_tickets, 'max_tickets', m.max_concurrent_tickets)
                                    order by m.name, m.id), '[]')
                          from (select * from public.agents m where m.team_id = t.team_id and m.is_available
                                and m.id is distinct from t.assigned_to order by m.name, m.id limit 100) m)
          ) end as ticket,
          case when n.kind in ('answer_draft', 'answer_draft_updated')
               then app_private.answer_draft_view((n.payload ->> 'response_id')::uuid) end as draft
        from public.notifications n
        left join public.tickets t on t.id = n.ticket_id
        left join public.customers c on c.id = t.customer_id
        left join public.teams tm on tm.id = t.team_id
        left join public.agents ag on ag.id = t.assigned_to
        left join public.sla_tracking s on s.ticket_id = t.id
        where n.status = 'pending'
          -- Answers to the customer are the send stage's (it settles their outbox rows).
          and n.kind <> 'customer_reply'
          -- A ticket-less job delivers every ticket-less row (pipeline alerts, the daily report).
          and (n.ticket_id = ${ticketId} or (${ticketId}::uuid is null and n.ticket_id is null))
        order by n.created_at, n.id`;
    },
    async begin(id) {
      const [row] = await sql<
        { token: string | null; check_since: number | null; busy: boolean }[]
      >`
        select token, check_since, busy from app_private.begin_notification_delivery(${id})`;
      if (!row) return { kind: "done" };
      if (row.busy || !row.token) return { kind: "busy" };
      return {
        kind: "leased",
        token: row.token,
        checkSinceS: row.check_since === null ? null : Number(row.check_since),
      };
    },
    async finish(id, token, outcome) {
      const details = outcome.status === "sent"
        ? {
          external_id: outcome.externalId,
          payload: outcome.payload,
          note: outcome.note ?? null,
          ...(outcome.found ? { found: true } : {}),
        }
        : outcome.status === "pending"
        ? { note: outcome.note, uncertain: outcome.uncertain }
        : { note: outcome.note, payload: outcome.payload ?? {} };
      const [row] = await sql<{ applied: boolean }[]>`
        select app_private.finish_notification_delivery(${id}, ${token}, ${outcome.status},
          ${sql.json(details as never)}) as applied`;
      return row.applied;
    },
    async pinDraftThread(id) {
      const [row] = await sql<{ pin: { wait: boolean; channel?: string; thread_ts?: string } }[]>`
        select app_private.pin_answer_draft_thread(${id}) as pin`;
      if (row.pin.wait) return { wait: true };
      return { wait: false, channel: row.pin.channel ?? null, threadTs: row.pin.thread_ts ?? null };
    },
    async complete(jobId, attempt) {
      const [row] = await sql<{ done: boolean }[]>`
        select app_private.complete_job(${jobId}, ${attempt}) as done`;
      return row.done;
    },
    async warn(ticketId, type, message, context) {
      await sql`
        insert into public.error_logs (workflow_name, node_name, error_type, error_message, ticket_id,
                                       context, severity)
        values ('pipeline', 'notify', ${type}, ${message}, ${ticketId}, ${
        sql.json(context as never)
      },
                'warning')`;
    },
  };
}
