import { createAnswerToolsFromEnv } from "../_shared/answers/writer.ts";
import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { createRespondProcessor } from "./handler.ts";
import { createSqlRespondStore } from "./store.ts";

/** The respond stage wired to the database and the configured answer writer. */
export function serveRespond(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("respond");
  const tools = createAnswerToolsFromEnv(env, log);
  return createStageHandler({
    stage: "respond",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log,
    // OpenAI drafts take seconds each and retry with backoff: smaller batches, a longer claim.
    batchSize: env.OPENAI_API_KEY ? 8 : 20,
    lockSeconds: env.OPENAI_API_KEY ? 180 : 60,
    processBatch: createRespondProcessor({ store: createSqlRespondStore(sql), ...tools, log }),
  });
}
