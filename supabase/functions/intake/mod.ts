import { getSql } from "../_shared/db.ts";
import type { Env } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { createIntakeHandler } from "./handler.ts";
import { createSqlIntakeStore } from "./store.ts";

/** The intake function wired to the real database. */
export function serveIntake(env: Env): (req: Request) => Promise<Response> {
  return createIntakeHandler({
    store: createSqlIntakeStore(getSql(env)),
    apiKeys: (env.ISTS_INTAKE_API_KEYS ?? "").split(",").map((k) => k.trim()).filter(Boolean),
    corsOrigins: (env.ISTS_CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    log: createLog("intake"),
  });
}
