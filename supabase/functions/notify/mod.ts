import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createSlackNotifier } from "../_shared/slack.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { ticketLinkSecrets } from "../_shared/ticket_link.ts";
import { createNotifyProcessor } from "./deliver.ts";
import { createSqlNotificationStore } from "./store.ts";

/** The notify stage: Slack when a bot token is configured, otherwise the outbox. */
export function serveNotify(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("notify");
  const slack = env.SLACK_BOT_TOKEN
    ? createSlackNotifier({ token: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL })
    : null;
  return createStageHandler({
    stage: "notify",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log,
    processBatch: createNotifyProcessor({
      store: createSqlNotificationStore(sql),
      slack,
      linkSecret: ticketLinkSecrets(env)[0] ?? null,
      log,
    }),
  });
}
