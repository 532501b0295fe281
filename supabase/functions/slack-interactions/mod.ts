import { getSql } from "../_shared/db.ts";
import type { Env } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { createSlackModals } from "../_shared/slack.ts";
import { createResponder, createSlackInteractionsHandler } from "./handler.ts";
import { createSqlConsoleStore } from "./store.ts";

/** The slack-interactions function: buttons, menus and the /ticket command. */
export function serveSlackInteractions(env: Env): (req: Request) => Promise<Response> {
  return createSlackInteractionsHandler({
    store: createSqlConsoleStore(getSql(env)),
    signingSecret: env.SLACK_SIGNING_SECRET,
    respond: createResponder(),
    modals: env.SLACK_BOT_TOKEN
      ? createSlackModals({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL })
      : null,
    log: createLog("slack-interactions"),
  });
}
