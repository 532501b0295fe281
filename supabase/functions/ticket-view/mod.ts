import { getSql } from "../_shared/db.ts";
import type { Env } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { ticketLinkSecrets } from "../_shared/ticket_link.ts";
import { createTicketViewHandler } from "./handler.ts";
import { createSqlTicketViewStore } from "./store.ts";

/** The ticket-view function: the signed, read-only ticket page behind View Ticket. */
export function serveTicketView(env: Env): (req: Request) => Promise<Response> {
  return createTicketViewHandler({
    store: createSqlTicketViewStore(getSql(env)),
    secrets: ticketLinkSecrets(env),
    log: createLog("ticket-view"),
  });
}
