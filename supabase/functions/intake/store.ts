import type { Sql } from "../_shared/db.ts";
import type { NormalisedMessage } from "../_shared/normalise.ts";
import type { IntakeResult, TicketIntakeStore } from "./handler.ts";

/** Stores messages with app_private.intake_ticket (one round trip, deduplicated). */
export function createSqlIntakeStore(sql: Sql): TicketIntakeStore {
  return {
    async intake(key: string, message: NormalisedMessage): Promise<IntakeResult> {
      const [row] = await sql<{ ticket_id: string; ticket_number: string; duplicate: boolean }[]>`
        select ticket_id, ticket_number, duplicate
        from app_private.intake_ticket(${key}, ${sql.json(message as never)})`;
      return {
        ticketId: row.ticket_id,
        ticketNumber: Number(row.ticket_number),
        duplicate: row.duplicate,
      };
    },
  };
}
