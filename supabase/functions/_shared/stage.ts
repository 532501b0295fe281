import { json, requireBearer, requireMethod, withErrors } from "./http.ts";
import type { Log } from "./log.ts";

/** One claimed pipeline job. */
export interface ClaimedJob {
  jobId: number;
  ticketId: string | null;
  payload: Record<string, unknown>;
  attempt: number;
}

/**
 * What became of a job: done, stale (claimed by someone else meanwhile), already recorded
 * as a failure by SQL (queued for retry / dead), or failed here (the runner records it).
 */
export type JobOutcome =
  | { outcome: "done" | "stale" }
  | { outcome: "queued" | "dead"; error: string }
  | { outcome: "failed"; error: unknown };

/** Turns settled promises (one per job) into outcomes. */
export function settledOutcomes(results: PromiseSettledResult<unknown>[]): JobOutcome[] {
  return results.map((r): JobOutcome =>
    r.status === "fulfilled"
      ? { outcome: "done" }
      : isStaleJobError(r.reason)
      ? { outcome: "stale" }
      : { outcome: "failed", error: r.reason }
  );
}

/** The job-queue operations a stage needs (SQL functions in app_private). */
export interface JobStore {
  claim(stage: string, limit: number, lockSeconds: number): Promise<ClaimedJob[]>;
  fail(job: ClaimedJob, error: string): Promise<string>;
  ring(stage: string): Promise<void>;
  /** Marks the stage as draining, so new jobs need no webhook. */
  markActive(stage: string): Promise<void>;
  /** Clears the mark after every transaction that saw it has committed. */
  finishDrain(stage: string): Promise<void>;
}

/** How a stage handler runs. */
export interface StageOptions {
  stage: string;
  tokens: string[];
  store: JobStore;
  /** Does one batch and says what became of each job (same order as `jobs`). */
  processBatch(jobs: ClaimedJob[]): Promise<JobOutcome[]>;
  log: Log;
  batchSize?: number;
  lockSeconds?: number;
  /** Drain loops allowed at once in this process; further rings are coalesced. */
  maxDrains?: number;
  /** Stop claiming after this long and re-ring, to stay inside the platform's limits. */
  budgetMs?: number;
  now?: () => number;
}

/** Result of one drain. */
export interface DrainResult {
  processed: number;
  failed: number;
  coalesced: boolean;
}

/** True when an error says the job was no longer claimed (a late or duplicate delivery). */
export function isStaleJobError(error: unknown): boolean {
  return /is no longer claimed/.test(String((error as Error)?.message ?? error));
}

/** Builds the drain loop behind a stage's HTTP handler. */
export function createStageRunner(options: StageOptions): () => Promise<DrainResult> {
  const batchSize = options.batchSize ?? 20;
  const lockSeconds = options.lockSeconds ?? 60;
  const maxDrains = options.maxDrains ?? 3;
  const budgetMs = options.budgetMs ?? 25_000;
  const now = options.now ?? Date.now;
  let active = 0;
  let rungWhileBusy = false;

  return async function drain(): Promise<DrainResult> {
    if (active >= maxDrains) {
      rungWhileBusy = true;
      return { processed: 0, failed: 0, coalesced: true };
    }
    active++;
    const started = now();
    let processed = 0;
    let failed = 0;
    let marked = false;
    try {
      await options.store.markActive(options.stage);
      marked = true;
      while (true) {
        rungWhileBusy = false;
        let jobs = await options.store.claim(options.stage, batchSize, lockSeconds);
        if (jobs.length === 0) {
          if (rungWhileBusy) continue;
          // Run dry: clear the mark, then claim once more for jobs that relied on it.
          await options.store.finishDrain(options.stage);
          marked = false;
          jobs = await options.store.claim(options.stage, batchSize, lockSeconds);
          if (jobs.length === 0 && !rungWhileBusy) break;
          await options.store.markActive(options.stage);
          marked = true;
          if (jobs.length === 0) continue;
        }
        const outcomes = await options.processBatch(jobs);
        for (let i = 0; i < jobs.length; i++) {
          const result = outcomes[i] ?? { outcome: "failed", error: "no outcome reported" };
          if (result.outcome === "done") {
            processed++;
            continue;
          }
          if (result.outcome === "stale") {
            options.log("stale job skipped", { stage: options.stage, job: jobs[i].jobId });
            continue;
          }
          if (!("error" in result)) continue;
          failed++;
          let next: string = result.outcome;
          const error = result.error;
          const message = error instanceof Error ? error.message : String(error);
          if (result.outcome === "failed") next = await options.store.fail(jobs[i], message);
          options.log("job attempt failed", {
            stage: options.stage,
            job: jobs[i].jobId,
            ticket: jobs[i].ticketId,
            attempt: jobs[i].attempt,
            next,
            error: message,
          });
        }
        if (now() - started > budgetMs) {
          await options.store.finishDrain(options.stage);
          marked = false;
          await options.store.ring(options.stage);
          break;
        }
        await options.store.markActive(options.stage);
      }
    } finally {
      active--;
      if (marked) await options.store.finishDrain(options.stage).catch(() => {});
    }
    return { processed, failed, coalesced: false };
  };
}

/** Builds the HTTP handler of an internal stage function (service-role bearer required). */
export function createStageHandler(options: StageOptions): (req: Request) => Promise<Response> {
  const drain = createStageRunner(options);
  return withErrors(async (req) => {
    requireMethod(req, ["POST"]);
    requireBearer(req, options.tokens);
    await req.body?.cancel();
    const result = await drain();
    return json({ stage: options.stage, ...result }, { status: result.coalesced ? 202 : 200 });
  }, (msg, fields) => options.log(msg, fields));
}
