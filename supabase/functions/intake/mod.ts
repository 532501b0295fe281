import { getSql } from "../_shared/db.ts";
import { type Env, listOf } from "../_shared/env.ts";
import { createLog } from "../_shared/log.ts";
import { createIntakeHandler } from "./handler.ts";
import { createSqlIntakeStore } from "./store.ts";

/** The intake function wired to the real database. */
export function serveIntake(env: Env): (req: Request) => Promise<Response> {
  return createIntakeHandler({
    store: createSqlIntakeStore(getSql(env)),
    apiKeys: listOf(env.ISTS_INTAKE_API_KEYS),
    hmacSecrets: listOf(env.ISTS_INTAKE_HMAC_SECRETS),
    publicForm: env.ISTS_INTAKE_PUBLIC_FORM ?? false,
    corsOrigins: listOf(env.ISTS_CORS_ORIGINS),
    log: createLog("intake"),
  });
}
