import { getSql } from "../_shared/db.ts";
import type { Env } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { createResponder, createSlackInteractionsHandler } from "./handler.ts";
import { createSqlConsoleStore } from "./store.ts";

/** The slack-interactions function: buttons, menus and the /ticket command. */
export function serveSlackInteractions(env: Env): (req: Request) => Promise<Response> {
  return createSlackInteractionsHandler({
    store: createSqlConsoleStore(getSql(env)),
    signingSecret: env.SLACK_SIGNING_SECRET,
    respond: createResponder(),
    log: createLog("slack-interactions"),
  });
}
