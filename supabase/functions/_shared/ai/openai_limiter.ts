/**
 * A first-in-first-out concurrency limiter. Every request attempt (retries included) holds a slot
 * only while it is on the wire, so a burst of tickets waits in line instead of storming the API.
 */

/** Runs functions with at most `limit` of them in flight. */
export interface Limiter {
  readonly limit: number;
  /** Functions running now. */
  readonly active: number;
  /** Functions waiting for a slot. */
  readonly queued: number;
  /** Runs `fn` once a slot is free; rejects with the signal's reason if aborted while queued. */
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

interface Waiter {
  start: () => void;
  cancel: () => void;
}

/** Creates a limiter allowing `limit` concurrent functions. */
export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot create a limiter of ${limit}: limit must be an integer ≥ 1`);
  }
  let active = 0;
  const queue: Waiter[] = [];

  function release(): void {
    active--;
    const next = queue.shift();
    if (next) next.start();
  }

  function acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (active < limit) {
      active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => waiter.cancel();
      const waiter: Waiter = {
        start() {
          signal?.removeEventListener("abort", onAbort);
          active++;
          resolve();
        },
        cancel() {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        },
      };
      queue.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  return {
    limit,
    get active() {
      return active;
    },
    get queued() {
      return queue.length;
    },
    async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await acquire(signal);
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}

const shared = new Map<string, Limiter>();

/** The process-wide limiter for one upstream (`key`, e.g. the base URL), created on first use. */
export function sharedLimiter(key: string, limit: number): Limiter {
  const id = `${key}#${limit}`;
  let limiter = shared.get(id);
  if (!limiter) {
    limiter = createLimiter(limit);
    shared.set(id, limiter);
  }
  return limiter;
}
