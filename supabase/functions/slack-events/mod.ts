import { getSql } from "../_shared/db.ts";
import { type Env, listOf, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createSlackUserDirectory } from "../_shared/slack.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { createSlackEventsHandler, routeSlackEventsRequest } from "./handler.ts";
import { createSlackEventProcessor } from "./process.ts";
import { createSqlSlackEventInbox, createSqlSlackEventStore } from "./store.ts";

/** The slack-events function: Slack's request URL and the queue stage that processes events. */
export function serveSlackEvents(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("slack-events");
  const supportChannels = listOf(env.ISTS_SLACK_SUPPORT_CHANNEL);
  const users = env.SLACK_BOT_TOKEN
    ? createSlackUserDirectory({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL })
    : null;
  return routeSlackEventsRequest({
    events: createSlackEventsHandler({
      inbox: createSqlSlackEventInbox(sql),
      signingSecret: env.SLACK_SIGNING_SECRET,
      supportChannels,
      log,
    }),
    stage: createStageHandler({
      stage: "slack-events",
      tokens: pipelineTokens(env),
      store: createSqlJobStore(sql),
      log,
      batchSize: 10,
      processBatch: createSlackEventProcessor({
        store: createSqlSlackEventStore(sql),
        users,
        supportChannels,
        log,
      }),
    }),
  });
}
