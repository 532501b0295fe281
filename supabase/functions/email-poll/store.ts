/** The email-poll state in Postgres: the SQL functions app_private.email_poll_*. */
import type { Sql } from "../_shared/db.ts";
import { createSqlIntakeStore } from "../_shared/intake_store.ts";
import type { CommitResult, KnownMessage, PollStore } from "./handler.ts";

/** The PollStore backed by Postgres. */
export function createSqlPollStore(sql: Sql, leaseSeconds = 180): PollStore {
  return {
    async begin(mailbox, owner, lease) {
      const rows = await sql`
        select 1 from app_private.email_poll_begin(${mailbox}, ${owner}::uuid, ${lease})`;
      return rows.length > 0;
    },
    async sync(mailbox, owner, uidValidity, uidNext) {
      const [row] = await sql<{ last_uid: string; baseline_uid: string; changed: boolean }[]>`
        select last_uid, baseline_uid, changed
        from app_private.email_poll_sync_mailbox(${mailbox}, ${owner}::uuid,
          ${String(uidValidity)}::bigint, ${uidNext}::bigint)`;
      return {
        lastUid: Number(row.last_uid),
        baselineUid: Number(row.baseline_uid),
        changed: row.changed,
      };
    },
    async known(mailbox, uidValidity, afterUid) {
      const rows = await sql<
        {
          uid: string;
          status: KnownMessage["status"];
          attempts: number;
          next_ms: string | null;
          seen: boolean;
        }[]
      >`
        select uid, status, attempts, seen_at is not null as seen,
               (extract(epoch from next_attempt_at) * 1000)::bigint as next_ms
        from app_private.email_poll_messages
        where mailbox_key = ${mailbox} and uidvalidity = ${String(uidValidity)}::bigint
          and uid > ${afterUid}`;
      return new Map(rows.map((r) => [Number(r.uid), {
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.next_ms === null ? null : Number(r.next_ms),
        seen: r.seen,
      }]));
    },
    async commit(mailbox, owner, uidValidity, uid, work) {
      return await sql.begin(async (tx) => {
        await tx`select app_private.email_poll_renew(${mailbox}, ${owner}::uuid, ${leaseSeconds})`;
        const intake = createSqlIntakeStore(tx);
        let result: CommitResult;
        let details: Record<string, unknown>;
        if (work.kind === "intake") {
          const r = await intake.intake(work.key, work.message);
          result = { status: "done", intake: r };
          details = {
            message_id: work.message.messageId ?? null,
            ticket_id: r.ticketId,
            outcome: r.outcome,
          };
        } else if (work.kind === "dead_letter") {
          const id = await intake.deadLetter("email", work.reason, work.raw, {
            ...work.details,
            uidvalidity: String(uidValidity),
          });
          result = { status: "dead_letter", deadLetterId: id };
          details = { dead_letter_id: id, reason: work.reason };
        } else {
          result = { status: "skipped" };
          details = { reason: work.reason };
        }
        await tx`
          select app_private.email_poll_record(${mailbox}, ${String(uidValidity)}::bigint, ${uid},
            ${result.status}, ${tx.json(details as never)})`;
        return result;
      });
    },
    async fail(mailbox, owner, uidValidity, uid, failure) {
      const [row] = await sql<{ status: "failed" | "dead_letter" | "done" }[]>`
        select app_private.email_poll_fail(${mailbox}, ${owner}::uuid,
          ${String(uidValidity)}::bigint, ${uid}, ${failure.error}, ${failure.raw},
          ${sql.json(failure.details as never)}) as status`;
      return row.status;
    },
    async markSeen(mailbox, uidValidity, uid) {
      await sql`
        select app_private.email_poll_mark_seen(${mailbox}, ${String(uidValidity)}::bigint,
          ${[uid]}::bigint[])`;
    },
    async finish(mailbox, owner, lastUid, error) {
      await sql`
        select app_private.email_poll_finish(${mailbox}, ${owner}::uuid, ${lastUid}, ${error})`;
    },
  };
}
