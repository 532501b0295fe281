import type postgres from "postgres";
import { type ReceivedMail, receivedMail } from "../../scripts/lib/smtp_server.ts";
import { env, post } from "./helpers.ts";

/** Where the test SMTP server writes what it receives (scripts/test.ts passes it). */
export const MAIL_DIR = Deno.env.get("ISTS_TEST_SMTP_MAIL_DIR") ?? ".local/smtp/mail";
const SECRET = Deno.env.get("ISTS_TEST_EMAIL_SECRET") ?? "ists-test-mail-secret";

/** Posts a raw e-mail to email-inbound. */
export async function postMail(
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const raw = [...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), "", body, ""].join("\r\n");
  return await post("email-inbound", raw, {
    "content-type": "message/rfc822",
    authorization: `Bearer ${SECRET}`,
  });
}

/** The messages the test SMTP server received for an address, oldest first. */
export async function mailTo(address: string): Promise<ReceivedMail[]> {
  return (await receivedMail(MAIL_DIR)).filter((m) => m.rcptTos.includes(address));
}

/** A header of a raw message, unfolded; null when absent. */
export function header(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, " ");
  const line = head.split(/\r?\n/).find((l) =>
    l.toLowerCase().startsWith(`${name.toLowerCase()}:`)
  );
  return line ? line.slice(name.length + 1).trim() : null;
}

/** Runs due send and webhooks jobs now instead of after their backoff (and rings them). */
export async function nudge(sql: postgres.Sql): Promise<void> {
  await sql`update app_private.jobs set run_after = now()
            where stage in ('send', 'webhooks') and status = 'queued' and run_after > now()`;
  await sql`update public.webhook_deliveries set next_attempt_at = now()
            where status = 'pending' and next_attempt_at > now()`;
  await sql`select app_private.rering_due_jobs(), app_private.ring_due_webhook_deliveries()`;
}

/** Polls `check` (nudging the queues) until it returns a value, or fails after timeoutMs. */
export async function eventually<T>(
  sql: postgres.Sql,
  what: string,
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 40_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let rounds = 0;
  while (true) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    if (++rounds % 5 === 0) await nudge(sql);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The delivery record of one answer. */
export interface Delivery {
  id: string;
  delivery_status: string | null;
  delivery_attempts: number;
  delivery_error: string | null;
  delivered_via: string | null;
  external_message_id: string | null;
  sent_at: Date | null;
}

/** Waits until an answer's delivery settles in one of the statuses. */
export async function waitForDelivery(
  sql: postgres.Sql,
  responseId: string,
  statuses = ["sent"],
  timeoutMs = 40_000,
): Promise<Delivery> {
  return await eventually(sql, `response ${responseId} to be ${statuses.join("/")}`, async () => {
    const [row] = await sql<Delivery[]>`
      select id, delivery_status, delivery_attempts, delivery_error, delivered_via, external_message_id, sent_at
      from public.responses where id = ${responseId}`;
    return row && statuses.includes(row.delivery_status ?? "") ? row : null;
  }, timeoutMs);
}

/** Writes an agent's answer on a ticket (as Studio or the Slack console would); returns its id. */
export async function agentAnswer(
  sql: postgres.Sql,
  ticketId: string,
  body: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const [agent] = await sql<{ id: string }[]>`
    select coalesce(t.assigned_to, (select a.id from public.agents a order by a.name limit 1)) as id
    from public.tickets t where t.id = ${ticketId}`;
  const [row] = await sql<{ id: string }[]>`
    insert into public.responses ${
    sql({
      ticket_id: ticketId,
      direction: "outbound",
      channel: (await sql`select channel from public.tickets where id = ${ticketId}`)[0].channel,
      body,
      sender_type: "agent",
      sender_id: agent.id,
      ...extra,
    } as never)
  } returning id`;
  return row.id;
}

/** Every call the fake Slack received (it runs in the test runner's process). */
export async function slackCalls(): Promise<{ method: string; body: Record<string, unknown> }[]> {
  const res = await fetch(`${env.fakeSlackUrl}/_fake/calls`);
  return await res.json();
}

/** Makes the fake Slack fail its next request(s). */
export async function slackFailNext(
  kind: string,
  options: Record<string, unknown> = {},
): Promise<void> {
  const res = await fetch(`${env.fakeSlackUrl}/_fake/fail`, {
    method: "POST",
    body: JSON.stringify({ kind, ...options }),
  });
  await res.body?.cancel();
}
