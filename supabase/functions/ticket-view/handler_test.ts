import assert from "node:assert/strict";
import { ticketViewUrl } from "../_shared/ticket_link.ts";
import { createTicketViewHandler, type TicketView } from "./handler.ts";

const ID = "7d6f3c1e-2b9a-4c55-9d0e-0a1b2c3d4e5f";
const SECRET = "a-ticket-link-secret-of-some-length";
const NOW_MS = 1_800_000_000_000;

const VIEW: TicketView = {
  ticket: {
    id: ID,
    number: 42,
    label: "#T-42",
    subject: "Refund <script>alert(1)</script>",
    body: "I was charged twice & want a refund.",
    channel: "email",
    status: "assigned",
    priority: "high",
    category: "billing",
    sub_category: "refund_request",
    language: "en",
    tags: [],
    is_escalated: true,
    escalation_reasons: ["vip_customer"],
    is_spam: false,
    is_auto_resolved: false,
    reopened_count: 0,
    created_at: "2027-01-15T08:00:00Z",
    routed_at: "2027-01-15T08:00:01Z",
    assigned_at: "2027-01-15T08:00:01Z",
    first_response_at: null,
    resolved_at: null,
  },
  customer: { name: "Olivia Grant", email: "olivia.grant@example.com", tier: "vip" },
  team: "Billing Team",
  agent: "Ava Mitchell",
  sla: {
    first_response_deadline: "2027-01-15T12:00:00Z",
    first_response_status: "active",
    resolution_deadline: "2027-01-15T16:00:00Z",
    resolution_status: "active",
    paused: false,
  },
  analysis: { category: "billing", confidence: 0.93, emotion: "angry", intensity: 9 },
  routing: {
    outcome: "assigned",
    team: "Billing Team",
    rule: "Billing",
    escalation_reasons: ["vip_customer"],
    needs_senior: true,
    candidates: [{ name: "Ava Mitchell", active: 2, max: 8, skill_level: "senior" }],
  },
  events: [{
    at: "2027-01-15T08:00:01Z",
    type: "routed",
    actor_type: "system",
    actor: null,
    data: {},
  }],
  messages: [],
};

function handler(views: Record<string, TicketView> = { [ID]: VIEW }, secrets = [SECRET]) {
  const asked: string[] = [];
  const h = createTicketViewHandler({
    store: {
      view: (id) => {
        asked.push(id);
        return Promise.resolve(views[id] ?? null);
      },
    },
    secrets,
    log: () => {},
    now: () => NOW_MS,
  });
  return { h, asked };
}

function link(expiresAtS = NOW_MS / 1000 + 3600, secret = SECRET, id = ID): string {
  return ticketViewUrl("http://local", id, { secret, expiresAtS });
}

Deno.test("createTicketViewHandler() shows the ticket as escaped HTML for a valid link", async () => {
  const { h } = handler();
  const res = await h(new Request(link()));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/html/);
  assert.match(res.headers.get("content-security-policy")!, /default-src 'none'/);
  assert.equal(res.headers.get("cache-control"), "private, no-store");
  const html = await res.text();
  assert.match(html, /#T-42 Refund &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /I was charged twice &amp; want a refund\./);
  assert.match(html, /Ava Mitchell \(2\/8, senior\)/);
});

Deno.test("createTicketViewHandler() answers JSON for Accept: application/json", async () => {
  const { h } = handler();
  const res = await h(new Request(link(), { headers: { accept: "application/json" } }));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.ticket.label, "#T-42");
  assert.equal(body.routing.rule, "Billing");
  assert.equal(body.link_expires_at, NOW_MS / 1000 + 3600);
});

Deno.test("createTicketViewHandler() refuses a tampered link with 403 without reading the ticket", async () => {
  const { h, asked } = handler();
  const url = new URL(link());
  url.searchParams.set("ticket", "00000000-0000-4000-8000-000000000001");
  const res = await h(new Request(url, { headers: { accept: "application/json" } }));
  assert.equal(res.status, 403);
  assert.match((await res.json()).error, /signature is not valid/);
  assert.deepEqual(asked, []);
  const forged = await h(new Request(link(undefined, "someone-elses-secret-value")));
  assert.equal(forged.status, 403);
  assert.match(await forged.text(), /This ticket link does not open/);
});

Deno.test("createTicketViewHandler() refuses an expired link with 410 and a malformed one with 400", async () => {
  const { h, asked } = handler();
  assert.equal((await h(new Request(link(NOW_MS / 1000 - 1)))).status, 410);
  assert.equal(
    (await h(new Request("http://local/functions/v1/ticket-view?ticket=x"))).status,
    400,
  );
  assert.deepEqual(asked, []);
});

Deno.test("createTicketViewHandler() is read-only and needs a configured secret", async () => {
  const { h } = handler();
  assert.equal((await h(new Request(link(), { method: "POST" }))).status, 405);
  const unconfigured = handler({}, []).h;
  assert.equal((await unconfigured(new Request(link()))).status, 503);
  const gone = handler({}).h;
  assert.equal((await gone(new Request(link()))).status, 404);
});
