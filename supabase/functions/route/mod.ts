import { getSql } from "../_shared/db.ts";
import { type Env, pipelineTokens } from "../_shared/env.ts";
import { createSqlJobStore } from "../_shared/job_store.ts";
import { createLog } from "../_shared/log.ts";
import { createStageHandler } from "../_shared/stage.ts";

/** The route stage: each claimed job runs app_private.run_route_job (route + complete, atomically). */
export function serveRoute(env: Env): (req: Request) => Promise<Response> {
  const sql = getSql(env);
  return createStageHandler({
    stage: "route",
    tokens: pipelineTokens(env),
    store: createSqlJobStore(sql),
    log: createLog("route"),
    processBatch: (jobs) =>
      Promise.allSettled(
        jobs.map((job) =>
          sql`select app_private.run_route_job(${job.jobId}, ${job.attempt}, ${job.ticketId})`
        ),
      ),
  });
}
