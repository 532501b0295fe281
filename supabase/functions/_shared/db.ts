import postgres from "postgres";
import type { Env } from "./env.ts";

/** A postgres.js client. */
export type Sql = postgres.Sql;
/** A client or an open transaction: anything that runs queries. */
export type Queryable = postgres.ISql;

const clients = new Map<string, Sql>();

/** Returns the process-wide pool for the configured database (one per URL). */
export function getSql(env: Env): Sql {
  const url = env.SUPABASE_DB_URL;
  let sql = clients.get(url);
  if (!sql) {
    sql = postgres(url, {
      max: env.ISTS_DB_POOL_MAX ?? 10,
      idle_timeout: 30,
      connect_timeout: 5,
      // The Supabase transaction pooler (port 6543) cannot keep prepared statements.
      prepare: !/:6543\//.test(url),
      onnotice: () => {},
      connection: { application_name: "ists-functions" },
    });
    clients.set(url, sql);
  }
  return sql;
}

/** Closes every pool opened by getSql(). */
export async function closeAllSql(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((sql) => sql.end({ timeout: 5 })));
}
