import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore, runStageBatch } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createStageHandler } from "../_shared/stage.ts";

/** The route stage: app_private.run_route_job per claimed job, one SQL call per batch. */
export function serveRoute(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  return createStageHandler({
    stage: "route",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log: createLog("route"),
    processBatch: (jobs) =>
      runStageBatch(
        sql,
        "route",
        jobs.map((j) => ({ job_id: j.jobId, attempt: j.attempt, ticket_id: j.ticketId })),
      ),
  });
}
