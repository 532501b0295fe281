import type { Queryable } from "../_shared/db.ts";

/** The dashboard's data, one SQL call each (app_private.dashboard_*). */
export interface DashboardStore {
  summary(days: number): Promise<unknown>;
  atRisk(limit: number): Promise<unknown>;
}

/** The Postgres-backed store. */
export function createSqlDashboardStore(sql: Queryable): DashboardStore {
  return {
    async summary(days) {
      const [row] = await sql<{ data: unknown }[]>`
        select app_private.dashboard_summary(${days}) as data`;
      return row.data;
    },
    async atRisk(limit) {
      const [row] = await sql<{ data: unknown }[]>`
        select app_private.dashboard_at_risk(${limit}) as data`;
      return row.data;
    },
  };
}
