import assert from "node:assert/strict";
import { silentLog } from "../_shared/log.ts";
import { signatureProblem } from "../_shared/webhook_signature.ts";
import {
  createWebhookProcessor,
  sendWebhook,
  type WebhookDelivery,
  type WebhookResult,
  type WebhookStore,
} from "./handler.ts";

const DELIVERY: WebhookDelivery = {
  deliveryId: 7,
  eventId: "e1",
  eventType: "ticket.created",
  url: "https://hooks.example.com/ists",
  secret: "whsec-0123456789abcdef",
  body: '{"id":"e1","type":"ticket.created","data":{}}',
  attempt: 1,
};

function answering(status: number | Error): { fetch: typeof fetch; requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push(new Request(input, init));
      return status instanceof Error
        ? Promise.reject(status)
        : Promise.resolve(new Response(status === 204 ? null : "nope", { status }));
    },
  };
}

Deno.test("sendWebhook() posts the body signed with the subscriber's secret", async () => {
  const { fetch, requests } = answering(204);
  const result = await sendWebhook(DELIVERY, { fetch });
  assert.equal(result.status, 204);
  assert.equal(result.error, null);
  const req = requests[0];
  assert.equal(req.headers.get("x-ists-event"), "ticket.created");
  assert.equal(req.headers.get("x-ists-event-id"), "e1");
  const body = await req.text();
  assert.equal(body, DELIVERY.body);
  assert.equal(
    signatureProblem(DELIVERY.secret, {
      timestamp: req.headers.get("x-ists-timestamp"),
      signature: req.headers.get("x-ists-signature"),
    }, body),
    null,
  );
});

Deno.test("sendWebhook() retries 5xx, 429 and unreachable receivers but not a 400", async () => {
  assert.equal((await sendWebhook(DELIVERY, answering(503))).retryable, true);
  assert.equal((await sendWebhook(DELIVERY, answering(429))).retryable, true);
  assert.equal((await sendWebhook(DELIVERY, answering(new TypeError("refused")))).retryable, true);
  const bad = await sendWebhook(DELIVERY, answering(400));
  assert.equal(bad.retryable, false);
  assert.match(bad.error ?? "", /HTTP 400/);
});

Deno.test("the webhooks processor drains due deliveries and completes its ring job", async () => {
  const batches = [[DELIVERY, { ...DELIVERY, deliveryId: 8 }], []];
  const recorded: WebhookResult[][] = [];
  const store: WebhookStore = {
    claim: () => Promise.resolve(batches.shift() ?? []),
    record: (results) => {
      recorded.push(results);
      return Promise.resolve({ delivered: results.length });
    },
    complete: () => Promise.resolve(true),
    ringIfDue: () => Promise.resolve(),
  };
  const outcomes = await createWebhookProcessor({
    store,
    fetch: answering(200).fetch,
    log: silentLog,
  })(
    [{ jobId: 1, ticketId: null, payload: {}, attempt: 1 }],
  );
  assert.deepEqual(outcomes, [{ outcome: "done" }]);
  assert.deepEqual(recorded[0].map((r) => [r.delivery_id, r.status]), [[7, 200], [8, 200]]);
});
