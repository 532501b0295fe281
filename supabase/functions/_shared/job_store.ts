import type { Sql } from "./db.ts";
import type { ClaimedJob, JobStore } from "./stage.ts";

/** The Postgres-backed job store (app_private.claim_jobs / fail_job / ring_stage). */
export function createSqlJobStore(sql: Sql): JobStore {
  return {
    async claim(stage, limit, lockSeconds) {
      const rows = await sql<
        {
          job_id: string;
          ticket_id: string | null;
          payload: Record<string, unknown>;
          attempt: number;
        }[]
      >`select job_id, ticket_id, payload, attempt
          from app_private.claim_jobs(${stage}, ${limit}, ${lockSeconds})`;
      return rows.map((row): ClaimedJob => ({
        jobId: Number(row.job_id),
        ticketId: row.ticket_id,
        payload: row.payload ?? {},
        attempt: row.attempt,
      }));
    },
    async fail(job, error) {
      const [row] = await sql<{ status: string }[]>`
        select app_private.fail_job(${job.jobId}, ${job.attempt}, ${error}) as status`;
      return row.status;
    },
    async ring(stage) {
      await sql`select app_private.ring_stage(${stage})`;
    },
  };
}
