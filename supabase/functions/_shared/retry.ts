/**
 * Retries of transient failures inside one request: an unreachable database, a deadlock or a
 * serialization failure is tried again with exponential backoff and jitter. Every function
 * counts the same way as the job queue: one attempt and RETRIES retries (4 attempts in all,
 * see app_private.job_max_attempts); anything else, and the last failure, is thrown.
 */
import { isDatabaseUnavailable } from "./http.ts";

/** Retries after the first attempt, everywhere (jobs, IMAP messages, in-request retries). */
export const RETRIES = 3;

/** True for failures that may pass on a second try. */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: string } | null)?.code ?? "");
  return isDatabaseUnavailable(error) || code === "40001" || code === "40P01";
}

/** Options of withRetries. */
export interface RetryOptions {
  /** Retries after the first attempt (default RETRIES). */
  retries?: number;
  /** Wait before the first retry; each further one waits 4 times longer (default 100 ms). */
  baseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** Which failures are worth another attempt (default isTransient). */
  transient?: (error: unknown) => boolean;
}

/** The wait before retry n (1-based): base·4^(n-1) plus up to 50 % jitter. */
export function retryDelayMs(retry: number, baseMs: number, random = Math.random): number {
  const delay = baseMs * 4 ** (retry - 1);
  return delay + random() * delay * 0.5;
}

/** Runs fn, retrying transient failures with backoff base·4^n plus up to 50 % jitter. */
export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? RETRIES;
  const baseMs = options.baseMs ?? 100;
  const transient = options.transient ?? isTransient;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let retry = 0;; retry++) {
    try {
      return await fn();
    } catch (error) {
      if (retry >= retries || !transient(error)) throw error;
      await sleep(retryDelayMs(retry + 1, baseMs));
    }
  }
}
