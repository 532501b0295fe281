import type postgres from "postgres";

/** What a ticket looks like once the pipeline is done with it. */
export interface TicketOutcome {
  id: string;
  ticket_number: number;
  status: string;
  category: string | null;
  sub_category: string | null;
  priority: string;
  sentiment_emotion: string | null;
  sentiment_intensity: number | null;
  ai_confidence: string | null;
  team: string | null;
  agent: string | null;
  is_auto_resolved: boolean;
  is_escalated: boolean;
  escalation_reasons: string[];
  first_response_deadline: Date | null;
  resolution_deadline: Date | null;
  notified: boolean;
  dead: boolean;
  subject: string;
}

/** Statuses after which the pipeline has nothing more to do for a ticket. */
export const SETTLED = ["assigned", "queued", "resolved", "closed", "in_progress"];

/** Loads the outcome of the given tickets. */
export async function loadOutcomes(sql: postgres.Sql, ids: string[]): Promise<TicketOutcome[]> {
  if (ids.length === 0) return [];
  return await sql<TicketOutcome[]>`
    select t.id, t.ticket_number, t.status, t.category, t.sub_category, t.priority,
           t.sentiment_emotion, t.sentiment_intensity, t.ai_confidence::text, tm.name as team,
           ag.name as agent, t.is_auto_resolved, t.is_escalated, t.escalation_reasons,
           s.first_response_deadline, s.resolution_deadline, t.subject,
           not exists (select 1 from app_private.jobs j where j.ticket_id = t.id
                       and j.status in ('queued', 'running') and j.stage <> 'send') as notified,
           exists (select 1 from app_private.jobs j where j.ticket_id = t.id and j.status = 'dead') as dead
    from public.tickets t
    left join public.teams tm on tm.id = t.team_id
    left join public.agents ag on ag.id = t.assigned_to
    left join public.sla_tracking s on s.ticket_id = t.id
    where t.id = any(${ids}::uuid[])
    order by t.ticket_number`;
}

/**
 * True when the pipeline has finished with the ticket (routed and answered, or dead-lettered).
 * Delivery of an auto-sent answer (the send stage) is not part of it.
 */
export function isSettled(t: TicketOutcome): boolean {
  return t.dead || (SETTLED.includes(t.status) && t.notified);
}

/** Waits until every ticket is settled or the timeout passes; reports progress. */
export async function waitForPipeline(
  sql: postgres.Sql,
  ids: string[],
  options: { timeoutMs: number; onProgress?: (done: number, total: number) => void },
): Promise<TicketOutcome[]> {
  const deadline = Date.now() + options.timeoutMs;
  while (true) {
    const outcomes = await loadOutcomes(sql, ids);
    const done = outcomes.filter(isSettled).length;
    options.onProgress?.(done, ids.length);
    if (done === ids.length || Date.now() > deadline) return outcomes;
    await new Promise((r) => setTimeout(r, 250));
  }
}
