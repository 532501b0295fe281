/** The Postgres side of the Slack console: one call of app_private.slack_console(). */
import type { Sql } from "../_shared/db.ts";
import type { ConsoleAnswer, ConsoleStore } from "./handler.ts";

/** Runs each action in one SQL call (its own transaction). */
export function createSqlConsoleStore(sql: Sql): ConsoleStore {
  return {
    async act(slackUserId, call) {
      const [row] = await sql<{ answer: ConsoleAnswer }[]>`
        select app_private.slack_console(${slackUserId}, ${call.action},
          ${sql.json(call.args as never)}) as answer`;
      return row.answer;
    },
  };
}
