import { getSql } from "../_shared/db.ts";
import { type Env, listOf } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { createDashboardHandler, readChartLibrary } from "./handler.ts";
import { createSqlDashboardStore } from "./store.ts";

/** The live dashboard: its page, the chart library and the JSON API behind the page. */
export function serveDashboard(env: Env): (req: Request) => Promise<Response> {
  return createDashboardHandler({
    store: createSqlDashboardStore(getSql(env)),
    tokens: listOf(env.ISTS_DASHBOARD_TOKENS),
    origins: listOf(env.ISTS_DASHBOARD_ORIGINS),
    chartLibrary: readChartLibrary,
    log: createLog("dashboard"),
  });
}
