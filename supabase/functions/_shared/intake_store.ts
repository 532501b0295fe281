/**
 * The one intake path every channel uses: app_private.intake_message (deduplicate, thread,
 * store) and app_private.intake_dead_letter (keep what cannot become a ticket).
 */
import type { Queryable } from "./db.ts";
import { type NormalisedMessage, toIntakeJson } from "./normalise.ts";

/** What intake did with a message. */
export type IntakeOutcome =
  | "created"
  | "duplicate"
  | "reply"
  | "reopened"
  | "auto_reply"
  | "suppressed"
  | "bounce";

/** Result of storing a message; ticket fields are null when no ticket is involved. */
export interface IntakeResult {
  ticketId: string | null;
  ticketNumber: number | null;
  outcome: IntakeOutcome;
  duplicate: boolean;
}

/** Storage port of the intake functions. */
export interface TicketIntakeStore {
  intake(key: string, message: NormalisedMessage): Promise<IntakeResult>;
  /** Keeps an accepted input that cannot become a ticket; returns the dead letter's id. */
  deadLetter?(
    channel: NormalisedMessage["channel"],
    reason: string,
    raw: Uint8Array | null,
    details?: Record<string, unknown>,
  ): Promise<number>;
}

/** The store backed by Postgres (one round trip per message; also inside a transaction). */
export function createSqlIntakeStore(sql: Queryable): Required<TicketIntakeStore> {
  return {
    async intake(key, message) {
      const [row] = await sql<
        {
          ticket_id: string | null;
          ticket_number: string | null;
          outcome: IntakeOutcome;
          duplicate: boolean;
        }[]
      >`
        select ticket_id, ticket_number, outcome, duplicate
        from app_private.intake_message(${key}, ${sql.json(toIntakeJson(message) as never)})`;
      return {
        ticketId: row.ticket_id,
        ticketNumber: row.ticket_number === null ? null : Number(row.ticket_number),
        outcome: row.outcome,
        duplicate: row.duplicate,
      };
    },
    async deadLetter(channel, reason, raw, details = {}) {
      const [row] = await sql<{ id: string }[]>`
        select app_private.intake_dead_letter(${channel}, ${reason}, ${raw}, ${
        sql.json(details as never)
      }) as id`;
      return Number(row.id);
    },
  };
}
