import type { Sql } from "../_shared/db.ts";
import { type NormalisedMessage, toIntakeJson } from "../_shared/normalise.ts";
import type {
  IntakeOptions,
  IntakeOutcome,
  IntakeResult,
  RateLimited,
  TicketIntakeStore,
} from "./handler.ts";

interface LimitColumns {
  retry_after_seconds: number | null;
  limited_by: "ip" | "sender" | null;
}

function limited(row: LimitColumns): RateLimited | undefined {
  return row.limited_by
    ? { limitedBy: row.limited_by, retryAfterSeconds: Number(row.retry_after_seconds) }
    : undefined;
}

/** Stores messages with app_private.submit_intake (one round trip: dedupe, rate limits, ticket). */
export function createSqlIntakeStore(sql: Sql): TicketIntakeStore {
  return {
    async intake(
      key: string,
      message: NormalisedMessage,
      options: IntakeOptions = {},
    ): Promise<IntakeResult | RateLimited> {
      const [row] = await sql<
        ({
          ticket_id: string;
          ticket_number: string;
          duplicate: boolean;
          outcome: IntakeOutcome;
        } & LimitColumns)[]
      >`
        select ticket_id, ticket_number, duplicate, retry_after_seconds, limited_by, outcome
        from app_private.submit_intake(${key}, ${sql.json(toIntakeJson(message) as never)}, ${
        options.clientIp ?? null
      })`;
      return limited(row) ?? {
        ticketId: row.ticket_id,
        ticketNumber: Number(row.ticket_number),
        duplicate: row.duplicate,
        outcome: row.outcome,
      };
    },
    async recordHoneypot({ clientIp, context }) {
      const [row] = await sql<({ ticket_number: string } & LimitColumns)[]>`
        select ticket_number, retry_after_seconds, limited_by
        from app_private.record_intake_honeypot(${clientIp}, ${sql.json(context as never)})`;
      return limited(row) ?? { ticketNumber: Number(row.ticket_number) };
    },
    async deadLetter(channel, reason, raw, details) {
      const [row] = await sql<{ id: string }[]>`
        select app_private.intake_dead_letter(${channel}, ${reason}, ${raw}, ${
        sql.json(details as never)
      }) as id`;
      return Number(row.id);
    },
  };
}
