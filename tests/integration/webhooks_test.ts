import assert from "node:assert/strict";
import { signatureProblem } from "../../supabase/functions/_shared/webhook_signature.ts";
import { post, uniqueEmail, waitForTicket, withSql } from "./helpers.ts";
import { agentAnswer, eventually, waitForDelivery } from "./send_helpers.ts";

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  signatureProblem: string | null;
}

/** A subscriber's endpoint on loopback that verifies every signature it receives. */
function startReceiver(secret: string, answer: (path: string, n: number) => number) {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    const body = await req.text();
    received.push({
      path,
      headers: Object.fromEntries(req.headers),
      body,
      signatureProblem: signatureProblem(secret, {
        timestamp: req.headers.get("x-ists-timestamp"),
        signature: req.headers.get("x-ists-signature"),
      }, body),
    });
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    return new Response(null, { status: answer(path, n) });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, received, close: () => server.shutdown() };
}

/** A port with nothing listening (connection refused). */
function deadUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `http://127.0.0.1:${port}/hook`;
}

Deno.test("ticket events and API answers reach subscribers signed; a 5xx is retried and a dead subscriber blocks no one", async () => {
  const secret = `whsec-${crypto.randomUUID()}`;
  // /flaky answers 500 twice, then 200; /good always 200.
  const receiver = startReceiver(secret, (path, n) => path === "/flaky" && n <= 2 ? 500 : 200);
  await withSql(async (sql) => {
    const subs = await sql<{ id: string; name: string }[]>`
      insert into public.webhook_subscriptions (name, url, secret, event_types) values
        ('good', ${
      receiver.url + "/good"
    }, ${secret}, '{ticket.created,ticket.assigned,answer.sent}'),
        ('flaky', ${receiver.url + "/flaky"}, ${secret}, '{ticket.created}'),
        ('dead', ${deadUrl()}, ${secret}, '{ticket.created}')
      returning id, name`;
    const byName = Object.fromEntries(subs.map((s) => [s.name, s.id]));
    try {
      const email = uniqueEmail("api");
      const res = await post("intake", {
        email,
        name: "Ada Api",
        subject: "Bulk import of contacts",
        body:
          "Our nightly import of 20,000 contacts through your API stops at 5,000. Is there a limit?",
        channel: "api",
        metadata: { external_ref: "crm-8812" },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const ticketId = String(res.body.ticket_id);
      await waitForTicket(sql, ticketId);

      // The good subscriber has ticket.created at once, signed, with the ticket.
      const created = await eventually(
        sql,
        "ticket.created at /good",
        () =>
          Promise.resolve(
            receiver.received.find((r) =>
              r.path === "/good" && r.headers["x-ists-event"] === "ticket.created" &&
              JSON.parse(r.body).data.ticket.id === ticketId
            ),
          ),
      );
      assert.equal(created.signatureProblem, null, "the signature verifies");
      const event = JSON.parse(created.body);
      assert.equal(event.type, "ticket.created");
      assert.equal(created.headers["x-ists-event-id"], event.id);
      assert.equal(event.data.ticket.customer.email, email);
      assert.equal(event.data.ticket.metadata.external_ref, "crm-8812");
      assert.notEqual(
        signatureProblem(`${secret}-wrong`, {
          timestamp: created.headers["x-ists-timestamp"],
          signature: created.headers["x-ists-signature"],
        }, created.body),
        null,
        "another secret does not verify",
      );

      // The flaky one gets it on the third attempt; the dead one fails after 4 attempts.
      const deliveries = async () =>
        Object.fromEntries(
          (await sql<
            {
              subscription_id: string;
              status: string;
              attempts: number;
              response_status: number | null;
            }[]
          >`
            select d.subscription_id, d.status, d.attempts, d.response_status
            from public.webhook_deliveries d join public.webhook_events e on e.id = d.event_id
            where e.ticket_id = ${ticketId} and e.event_type = 'ticket.created'`).map((
            d,
          ) => [d.subscription_id, d]),
        );
      const settled = await eventually(sql, "the retries to settle", async () => {
        const d = await deliveries();
        return d[byName.flaky]?.status === "delivered" && d[byName.dead]?.status === "failed"
          ? d
          : null;
      }, 60_000);
      assert.equal(settled[byName.good].attempts, 1);
      assert.equal(settled[byName.flaky].attempts, 3, "500, 500, then 200");
      assert.equal(settled[byName.flaky].response_status, 200);
      assert.equal(settled[byName.dead].attempts, 4, "the first attempt and 3 retries");
      const flaky = receiver.received.filter((r) =>
        r.path === "/flaky" && JSON.parse(r.body).id === event.id
      );
      assert.equal(flaky.length, 3);
      assert.ok(
        flaky.every((r) => r.signatureProblem === null && r.body === created.body),
        "same body, signed each time",
      );
      const [failure] = await sql`select count(*)::int as n from public.error_logs
        where error_type = 'webhook_delivery_failed' and context ->> 'event_id' = ${event.id}`;
      assert.equal(failure.n, 1, "the dead subscriber's failure is logged");

      // An API ticket's answer is delivered as the answer.sent webhook.
      const answerId = await agentAnswer(
        sql,
        ticketId,
        "Hi Ada,\n\nImports are limited to 5,000 rows per call: split the file.",
      );
      const delivery = await waitForDelivery(sql, answerId);
      assert.equal(delivery.delivered_via, "webhook");
      const answered = receiver.received.find((r) =>
        r.headers["x-ists-event"] === "answer.sent" &&
        JSON.parse(r.body).data.answer.id === answerId
      );
      assert.ok(answered, "the backend received the answer");
      assert.equal(answered.signatureProblem, null);
      assert.match(JSON.parse(answered.body).data.answer.body, /split the file/);
      const [t] =
        await sql`select first_response_at is not null as answered from public.tickets where id = ${ticketId}`;
      assert.equal(t.answered, true);
    } finally {
      await sql`update public.webhook_subscriptions set active = false where id = any(${
        subs.map((s) => s.id)
      }::uuid[])`;
      await receiver.close();
    }
  });
});
