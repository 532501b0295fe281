/** The Postgres side of the ticket page: one call of app_private.ticket_view(). */
import type { Sql } from "../_shared/db.ts";
import type { TicketView, TicketViewStore } from "./handler.ts";

/** Reads the page's data in one SQL call. */
export function createSqlTicketViewStore(sql: Sql): TicketViewStore {
  return {
    async view(ticketId) {
      const [row] = await sql<{ view: TicketView | null }[]>`
        select app_private.ticket_view(${ticketId}) as view`;
      return row?.view ?? null;
    },
  };
}
