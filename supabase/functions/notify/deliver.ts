import type { Sql } from "../_shared/db.ts";
import type { Log } from "../_shared/log.ts";
import { renderTicketAssigned, SlackError, type SlackNotifier } from "../_shared/slack.ts";
import { type ClaimedJob, settledOutcomes } from "../_shared/stage.ts";
import { type DailyReportPayload, renderDailyReport } from "./daily_report.ts";
import { noticeFor, type PendingNotification, ticketUrl } from "./handler.ts";

/** Dependencies of the notify stage. */
export interface NotifyDeps {
  sql: Sql;
  /** Null when no Slack token is configured: messages are kept in the outbox. */
  slack: SlackNotifier | null;
  log: Log;
}

/** Delivers the pending notifications of one job's ticket (a ticket-less job: every ticket-less
 * one, such as pipeline alerts and the daily report). */
export function createNotifyProcessor(deps: NotifyDeps) {
  const { sql } = deps;
  return async (jobs: ClaimedJob[]) =>
    settledOutcomes(await Promise.allSettled(jobs.map((job) => deliverJob(deps, job, sql))));
}

async function deliverJob(deps: NotifyDeps, job: ClaimedJob, sql: Sql): Promise<void> {
  let retryLater: Error | null = null;
  await sql.begin(async (tx) => {
    await tx`select app_private.use_async_commit()`;
    const [settings] = await tx<{ time_zone: string; url_template: string }[]>`
      select coalesce(nullif(app_private.get_setting('time_zone'), ''), 'UTC') as time_zone,
             coalesce(nullif(app_private.get_setting('ticket_url_template'), ''),
                      rtrim(app_private.get_setting('functions_base_url'), '/')
                        || '/rest/v1/tickets?id=eq.{{id}}') as url_template`;
    const pending = await tx<PendingNotification[]>`
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
        ) end as ticket
      from public.notifications n
      left join public.tickets t on t.id = n.ticket_id
      left join public.customers c on c.id = t.customer_id
      left join public.teams tm on tm.id = t.team_id
      left join public.agents ag on ag.id = t.assigned_to
      left join public.sla_tracking s on s.ticket_id = t.id
      where n.status = 'pending'
        -- Answers to the customer are the send stage's (it settles their outbox rows).
        and n.kind <> 'customer_reply'
        and (n.ticket_id = ${job.ticketId} or (${job.ticketId}::uuid is null and n.ticket_id is null))
      order by n.created_at
      for update of n skip locked`;

    for (const n of pending) {
      const message = render(n, settings.time_zone, settings.url_template);
      let status: "sent" | "stored" | "failed" = "stored";
      let note: string | null = null;
      let externalId: string | null = null;
      let postedChannel: string | null = null;
      if (n.kind === "ticket_updated" && typeof n.payload.ts !== "string") {
        note = "no message ts to update";
        status = "failed";
      } else if (n.channel === "slack" && deps.slack && n.target) {
        try {
          // A ticket_updated row replaces a posted message: repeating it is harmless.
          const posted = n.kind === "ticket_updated"
            ? await deps.slack.updateMessage(n.target, String(n.payload.ts), message)
            : await deps.slack.postMessage(n.target, message);
          status = "sent";
          externalId = posted.ts;
          postedChannel = posted.channel;
        } catch (error) {
          note = error instanceof Error ? error.message : String(error);
          if (error instanceof SlackError && !error.retryable) {
            status = "failed";
          } else {
            retryLater = error instanceof Error ? error : new Error(note);
            await tx`update public.notifications set attempts = attempts + 1, last_error = ${note}
                     where id = ${n.id}`;
            continue;
          }
        }
      } else if (n.channel === "slack") {
        note = !deps.slack
          ? "Slack is not configured"
          : n.ticket
          ? "no Slack channel configured for this team"
          : "no Slack channel configured (settings report_slack_channel_id, alerts_slack_channel_id)";
      } else {
        note = "email delivery is not configured; kept in the outbox";
      }
      // The channel Slack posted to (a D… id for a direct message), for later chat.update calls.
      const payload = {
        ...n.payload,
        ...message,
        ...(postedChannel ? { posted_channel: postedChannel } : {}),
      };
      await tx`
        update public.notifications
        set status = ${status}, attempts = attempts + 1, last_error = ${note},
            external_id = ${externalId}, payload = ${sql.json(payload as never)},
            sent_at = case when ${status} = 'sent' then now() else sent_at end
        where id = ${n.id}`;
      if (n.ticket) {
        await tx`
          insert into public.ticket_events (ticket_id, event_type, event_data, actor_type)
          values (${n.ticket.id}, 'notified', ${
          sql.json({ kind: n.kind, channel: n.channel, target: n.target, status, note })
        }, 'system')`;
      }
    }
    if (!retryLater) {
      await tx`select app_private.require_complete_job(${job.jobId}, ${job.attempt})`;
    }
  });
  if (retryLater) throw retryLater;
}

function render(
  n: PendingNotification,
  timeZone: string,
  urlTemplate: string,
): { text: string; blocks: unknown[] } {
  if (
    (n.kind === "ticket_assigned" || n.kind === "ticket_queued" || n.kind === "ticket_updated") &&
    n.ticket
  ) {
    const note = n.kind === "ticket_updated" && typeof n.payload.note === "string"
      ? n.payload.note
      : null;
    const at = Number(n.payload.at);
    return renderTicketAssigned(
      noticeFor(n.ticket, {
        timeZone,
        viewUrl: ticketUrl(urlTemplate, n.ticket),
        note,
        noteAt: Number.isSafeInteger(at) ? at : null,
      }),
    );
  }
  if (n.kind === "daily_report" && n.payload.report) {
    return renderDailyReport(n.payload as unknown as DailyReportPayload);
  }
  if (n.kind === "customer_reply" && n.ticket) {
    const subject = String(n.payload.subject ?? `Re: ${n.ticket.subject}`);
    return { text: subject, blocks: [] };
  }
  const text = String(n.payload.text ?? "ISTS notification");
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text } }] };
}
