import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { createWebhookProcessor } from "./handler.ts";
import { createSqlWebhookStore } from "./store.ts";

/** The webhooks stage: signed deliveries to the subscribers of ticket events. */
export function serveWebhooks(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("webhooks");
  return createStageHandler({
    stage: "webhooks",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log,
    batchSize: 5,
    lockSeconds: 90,
    processBatch: createWebhookProcessor({ store: createSqlWebhookStore(sql), log }),
  });
}
