import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { silentLog } from "../_shared/log.ts";
import { CHART_JS, CHART_JS_CDN, createDashboardHandler, type DashboardDeps } from "./handler.ts";

const TOKEN = "dashboard-token-0123456789";
const BASE = "http://local/functions/v1/dashboard";
const calls: string[] = [];

function handler(overrides: Partial<DashboardDeps> = {}) {
  return createDashboardHandler({
    store: {
      summary: (days) => {
        calls.push(`summary ${days}`);
        return Promise.resolve({ days });
      },
      atRisk: (limit) => {
        calls.push(`at-risk ${limit}`);
        return Promise.resolve([{ ticket_number: 7, limit }]);
      },
    },
    tokens: [TOKEN],
    origins: ["https://status.example.com"],
    chartLibrary: () => Promise.resolve(new TextEncoder().encode("window.Chart = function () {};")),
    log: silentLog,
    ...overrides,
  });
}

function get(path: string, headers: Record<string, string> = {}): Request {
  return new Request(`${BASE}${path}`, { headers });
}

Deno.test("createDashboardHandler() serves the page as HTML that names its API and chart library", async () => {
  const res = await handler()(get(""));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const html = await res.text();
  assert.match(html, /data-api="http:\/\/local\/functions\/v1\/dashboard"/);
  assert.ok(
    html.includes(`src="${BASE}/assets/${CHART_JS.file}" integrity="${CHART_JS.integrity}"`),
  );
  assert.match(res.headers.get("content-security-policy") ?? "", /default-src 'none'/);
});

Deno.test("createDashboardHandler() answers the API with the store's JSON for a valid token", async () => {
  calls.length = 0;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const summary = await handler()(get("/api/summary?days=7", auth));
  assert.equal(summary.status, 200);
  assert.deepEqual(await summary.json(), { days: 7 });
  const risk = await handler()(get("/api/at-risk", auth));
  assert.deepEqual(await risk.json(), [{ ticket_number: 7, limit: 20 }]);
  assert.deepEqual(calls, ["summary 7", "at-risk 20"]);
});

Deno.test("createDashboardHandler() refuses the API without the right token and reads nothing", async () => {
  calls.length = 0;
  assert.equal((await handler()(get("/api/summary"))).status, 401);
  const wrong = await handler()(
    get("/api/summary", { authorization: "Bearer not-the-token-at-all" }),
  );
  assert.equal(wrong.status, 401);
  const unset = await handler({ tokens: [] })(
    get("/api/summary", { authorization: `Bearer ${TOKEN}` }),
  );
  assert.equal(unset.status, 503);
  assert.match((await unset.json()).error, /ISTS_DASHBOARD_TOKENS/);
  assert.deepEqual(calls, []);
});

Deno.test("createDashboardHandler() returns 422 for a bad query, 404 and 405 for the rest", async () => {
  const auth = { authorization: `Bearer ${TOKEN}` };
  const bad = await handler()(get("/api/summary?days=1000", auth));
  assert.equal(bad.status, 422);
  assert.deepEqual((await bad.json()).details, [{
    field: "days",
    problem: "must be a whole number from 1 to 92",
  }]);
  assert.equal((await handler()(get("/api/nothing", auth))).status, 404);
  const post = await handler()(new Request(`${BASE}/api/summary`, { method: "POST" }));
  assert.equal(post.status, 405);
});

Deno.test("createDashboardHandler() allows the configured origins with CORS, and only them", async () => {
  const preflight = await handler()(
    new Request(`${BASE}/api/summary`, {
      method: "OPTIONS",
      headers: { origin: "https://status.example.com" },
    }),
  );
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-headers"), "authorization");
  const res = await handler()(
    get("/api/summary", { origin: "https://status.example.com", authorization: `Bearer ${TOKEN}` }),
  );
  assert.equal(res.headers.get("access-control-allow-origin"), "https://status.example.com");
  const other = await handler()(
    new Request(`${BASE}/api/summary`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.com" },
    }),
  );
  assert.equal(other.status, 403);
});

Deno.test("createDashboardHandler() serves the chart library, or redirects to the pinned CDN copy", async () => {
  const res = await handler()(get(`/assets/${CHART_JS.file}`));
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /javascript/);
  assert.equal(await res.text(), "window.Chart = function () {};");
  const none = await handler({ chartLibrary: () => Promise.resolve(null) })(
    get(`/assets/${CHART_JS.file}`),
  );
  assert.equal(none.status, 302);
  assert.equal(none.headers.get("location"), CHART_JS_CDN);
});

Deno.test("CHART_JS matches the chart.js version pinned in package.json and its file's integrity", async () => {
  const root = join(import.meta.dirname!, "..", "..", "..");
  const pkg = JSON.parse(await Deno.readTextFile(join(root, "package.json")));
  assert.equal(pkg.dependencies["chart.js"], CHART_JS.version);
  const file = await Deno.readFile(join(root, "node_modules", "chart.js", "dist", CHART_JS.file));
  const digest = createHash("sha384").update(file).digest("base64");
  assert.equal(CHART_JS.integrity, `sha384-${digest}`);
});
