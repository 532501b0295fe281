import type { Sql } from "./db.ts";
import type { ClaimedJob, JobOutcome, JobStore } from "./stage.ts";

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
    async markActive(stage) {
      await sql`select app_private.mark_drain_active(${stage})`;
    },
    async finishDrain(stage) {
      await sql`select app_private.finish_drain(${stage})`;
    },
  };
}

/** One job's input to app_private.run_stage_batch. */
export interface BatchItem {
  job_id: number;
  attempt: number;
  ticket_id: string | null;
  result?: unknown;
  error?: string;
}

/** Runs a stage step for a whole batch in one SQL call; failures are recorded by SQL. */
export async function runStageBatch(
  sql: Sql,
  stage: string,
  items: BatchItem[],
): Promise<JobOutcome[]> {
  const [{ out }] = await sql<{ out: BatchResult[] }[]>`
    select app_private.run_stage_batch(${stage}, ${sql.json(items as never)}) as out`;
  return batchOutcomes(items, out);
}

/** One job's entry in the answer of a batch step ({job_id, outcome, detail}). */
export interface BatchResult {
  job_id: number;
  outcome: string;
  detail?: unknown;
}

/** Maps a batch step's answer to one outcome per item, in item order. */
export function batchOutcomes(items: BatchItem[], out: BatchResult[]): JobOutcome[] {
  const byJob = new Map(out.map((o) => [Number(o.job_id), o]));
  return items.map((item): JobOutcome => {
    const o = byJob.get(item.job_id);
    if (!o) return { outcome: "failed", error: "job missing from batch result" };
    if (o.outcome === "done" || o.outcome === "stale") return { outcome: o.outcome };
    if (o.outcome === "queued" || o.outcome === "dead") {
      return { outcome: o.outcome, error: String(o.detail ?? "") };
    }
    return { outcome: "stale" };
  });
}
