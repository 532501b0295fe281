import { HttpError, json, requireBearer, withErrors } from "./http.ts";
import type { Log } from "./log.ts";

/** One claimed pipeline job. */
export interface ClaimedJob {
  jobId: number;
  ticketId: string | null;
  payload: Record<string, unknown>;
  attempt: number;
}

/** The job-queue operations a stage needs (SQL functions in app_private). */
export interface JobStore {
  claim(stage: string, limit: number, lockSeconds: number): Promise<ClaimedJob[]>;
  fail(job: ClaimedJob, error: string): Promise<string>;
  ring(stage: string): Promise<void>;
}

/** How a stage handler runs. */
export interface StageOptions {
  stage: string;
  tokens: string[];
  store: JobStore;
  /** Does one batch; must complete each job (or throw per job through `onJobError`). */
  processBatch(jobs: ClaimedJob[]): Promise<PromiseSettledResult<unknown>[]>;
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
    try {
      while (true) {
        rungWhileBusy = false;
        const jobs = await options.store.claim(options.stage, batchSize, lockSeconds);
        if (jobs.length === 0) {
          if (rungWhileBusy) continue;
          break;
        }
        const results = await options.processBatch(jobs);
        for (let i = 0; i < jobs.length; i++) {
          const result = results[i];
          if (result?.status === "fulfilled") {
            processed++;
            continue;
          }
          const reason = result?.reason;
          if (isStaleJobError(reason)) {
            options.log("stale job skipped", { stage: options.stage, job: jobs[i].jobId });
            continue;
          }
          failed++;
          const message = reason instanceof Error ? reason.message : String(reason);
          const status = await options.store.fail(jobs[i], message);
          options.log("job attempt failed", {
            stage: options.stage,
            job: jobs[i].jobId,
            ticket: jobs[i].ticketId,
            attempt: jobs[i].attempt,
            next: status,
            error: message,
          });
        }
        if (now() - started > budgetMs) {
          await options.store.ring(options.stage);
          break;
        }
      }
    } finally {
      active--;
    }
    return { processed, failed, coalesced: false };
  };
}

/** Builds the HTTP handler of an internal stage function (service-role bearer required). */
export function createStageHandler(options: StageOptions): (req: Request) => Promise<Response> {
  const drain = createStageRunner(options);
  return withErrors(async (req) => {
    if (req.method !== "POST") {
      throw new HttpError(405, `Cannot handle method "${req.method}": use POST`);
    }
    requireBearer(req, options.tokens);
    await req.body?.cancel();
    const result = await drain();
    return json({ stage: options.stage, ...result }, { status: result.coalesced ? 202 : 200 });
  }, (msg, fields) => options.log(msg, fields));
}
