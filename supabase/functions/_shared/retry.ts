/**
 * Retries of transient failures inside one request: an unreachable database, a deadlock or a
 * serialization failure is tried again with exponential backoff and jitter (3 attempts in all);
 * anything else, and the last failure, is thrown to the caller.
 */
import { isDatabaseUnavailable } from "./http.ts";

/** True for failures that may pass on a second try. */
export function isTransient(error: unknown): boolean {
  const code = String((error as { code?: string } | null)?.code ?? "");
  return isDatabaseUnavailable(error) || code === "40001" || code === "40P01";
}

/** Options of withRetries. */
export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Runs fn, retrying transient failures with backoff base·4^n plus up to 50 % jitter. */
export async function withRetries<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const baseMs = options.baseMs ?? 100;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  for (let attempt = 1;; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts || !isTransient(error)) throw error;
      const delay = baseMs * 4 ** (attempt - 1);
      await sleep(delay + Math.random() * delay * 0.5);
    }
  }
}
