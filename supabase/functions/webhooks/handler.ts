/**
 * The webhooks stage: delivers due outbound webhook deliveries, each signed with its
 * subscriber's secret (x-ists-timestamp, x-ists-signature: v1=<HMAC-SHA256 of
 * "<timestamp>.<body>">), in parallel, each with its own timeout, so a slow or dead subscriber
 * holds up no one else. SQL records each attempt in the delivery log and schedules retries.
 */
import type { Log } from "../_shared/log.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";
import { signatureHeaders } from "../_shared/webhook_signature.ts";

/** One claimed delivery (app_private.claim_webhook_deliveries). */
export interface WebhookDelivery {
  deliveryId: number;
  eventId: string;
  eventType: string;
  url: string;
  secret: string;
  body: string;
  attempt: number;
}

/** One attempt's result (app_private.record_webhook_deliveries). */
export interface WebhookResult {
  delivery_id: number;
  attempt: number;
  status: number | null;
  error: string | null;
  retryable: boolean;
  duration_ms: number;
  response_body: string | null;
}

/** Storage port of the webhooks stage. */
export interface WebhookStore {
  claim(limit: number, lockSeconds: number): Promise<WebhookDelivery[]>;
  record(results: WebhookResult[]): Promise<Record<string, number>>;
  /** Completes a ticket-less ring job; false when its claim went stale. */
  complete(job: ClaimedJob): Promise<boolean>;
  /** Rings the stage again when deliveries are still due (after the time budget). */
  ringIfDue(): Promise<void>;
}

/** What the processor needs. */
export interface WebhookDeps {
  store: WebhookStore;
  fetch?: typeof fetch;
  log: Log;
  timeoutMs?: number;
  /** Deliveries per round (default 25). */
  batchSize?: number;
  /** Stop starting rounds after this long and ring again (default 20 s). */
  budgetMs?: number;
  now?: () => number;
}

/** Statuses worth another attempt: the receiver may answer differently later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** Sends one delivery and says how it went (never throws). */
export async function sendWebhook(
  delivery: WebhookDelivery,
  options: { fetch?: typeof fetch; timeoutMs?: number; now?: () => number } = {},
): Promise<WebhookResult> {
  const now = options.now ?? Date.now;
  const started = now();
  const base = { delivery_id: delivery.deliveryId, attempt: delivery.attempt };
  try {
    const res = await (options.fetch ?? fetch)(delivery.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "ISTS-Webhooks/1",
        "x-ists-event": delivery.eventType,
        "x-ists-event-id": delivery.eventId,
        "x-ists-delivery": String(delivery.deliveryId),
        "x-ists-attempt": String(delivery.attempt),
        ...signatureHeaders(delivery.secret, delivery.body, Math.floor(now() / 1000)),
      },
      body: delivery.body,
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await res.text().catch(() => "");
    const ok = res.status >= 200 && res.status < 300;
    return {
      ...base,
      status: res.status,
      error: ok ? null : `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`,
      retryable: !ok && isRetryableStatus(res.status),
      duration_ms: Math.round(now() - started),
      response_body: text.slice(0, 2000) || null,
    };
  } catch (error) {
    const e = error as Error;
    const timedOut = e?.name === "TimeoutError" || e?.name === "AbortError";
    return {
      ...base,
      status: null,
      error: timedOut
        ? `no answer within ${options.timeoutMs ?? 10_000} ms`
        : `cannot reach ${new URL(delivery.url).host}: ${e?.message ?? error}`,
      retryable: true,
      duration_ms: Math.round(now() - started),
      response_body: null,
    };
  }
}

/** Builds the batch processor: each ring drains the due deliveries, then completes its job. */
export function createWebhookProcessor(deps: WebhookDeps) {
  const now = deps.now ?? Date.now;
  const batchSize = deps.batchSize ?? 25;
  const budgetMs = deps.budgetMs ?? 20_000;
  return async (jobs: ClaimedJob[]): Promise<JobOutcome[]> => {
    const started = now();
    let rounds = 0;
    while (true) {
      const due = await deps.store.claim(
        batchSize,
        Math.ceil((deps.timeoutMs ?? 10_000) / 1000) + 30,
      );
      if (due.length === 0) break;
      const results = await Promise.all(
        due.map((d) => sendWebhook(d, { fetch: deps.fetch, timeoutMs: deps.timeoutMs, now })),
      );
      const counts = await deps.store.record(results);
      deps.log("webhooks delivered", { round: ++rounds, ...counts });
      if (now() - started > budgetMs) {
        await deps.store.ringIfDue();
        break;
      }
    }
    return await Promise.all(
      jobs.map(async (job): Promise<JobOutcome> =>
        (await deps.store.complete(job)) ? { outcome: "done" } : { outcome: "stale" }
      ),
    );
  };
}
