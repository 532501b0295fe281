import { createProviderFromEnv } from "../_shared/ai/provider.ts";
import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createStageHandler } from "../_shared/stage.ts";
import { createTriageProcessor } from "./handler.ts";
import { createSqlTriageStore } from "./store.ts";

/** The triage stage wired to the database and the configured AI provider. */
export function serveTriage(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  const log = createLog("triage");
  return createStageHandler({
    stage: "triage",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log,
    // An OpenAI triage may retry for over a minute (3 attempts × timeout, with backoff): hold
    // the claim longer than that, so the sweep does not hand the job to a second worker.
    lockSeconds: env.OPENAI_API_KEY ? 120 : 60,
    processBatch: createTriageProcessor({
      store: createSqlTriageStore(sql),
      provider: createProviderFromEnv(env, log),
    }),
  });
}
