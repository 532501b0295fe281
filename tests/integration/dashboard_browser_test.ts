import assert from "node:assert/strict";
import { join } from "node:path";
import { launchChromium } from "../../scripts/lib/browser.ts";
import { ROOT } from "../../scripts/lib/paths.ts";
import { env, withSql } from "./helpers.ts";

const token = Deno.env.get("ISTS_TEST_DASHBOARD_TOKEN") ?? "ists-integration-dashboard-token";
const page = `${env.functionsUrl}/functions/v1/dashboard`;

/** Tickets of the last five days in every category and priority, with running SLA clocks. */
async function seed(
  sql: Parameters<Parameters<typeof withSql>[0]>[0],
  run: string,
): Promise<string> {
  const [customer] = await sql<{ id: string }[]>`
    insert into public.customers (email, name) values (${`dashboard.${run}@example.com`}, 'Dana Board')
    returning id`;
  await sql`
    insert into public.tickets (idempotency_key, channel, customer_id, sender_email, subject, body, category,
                                sub_category, status, priority, team_id, created_at, resolved_at, first_response_at)
    select encode(sha256(convert_to(${run} || g, 'UTF8')), 'hex'), 'web', ${customer.id},
           ${`dashboard.${run}@example.com`}, 'Dashboard ticket ' || g, 'Seeded for the dashboard test',
           c.category, c.sub_category, case when g % 3 = 0 then 'resolved' else 'in_progress' end,
           (array['urgent', 'high', 'medium', 'low'])[1 + g % 4],
           (select id from public.teams where name = c.team),
           now() - make_interval(hours => g * 3), case when g % 3 = 0 then now() - make_interval(hours => g) end,
           case when g % 2 = 0 then now() - make_interval(hours => g * 3 - 1) end
    from generate_series(1, 40) g
    cross join lateral (select * from (values ('billing', 'refund_request', 'Billing Team'),
                                              ('technical', 'bug_report', 'Technical Support'),
                                              ('account', 'password_reset', 'Account Management'),
                                              ('general', 'how_to', 'General Support')) v(category, sub_category, team)
                        offset g % 4 limit 1) c`;
  await sql`insert into public.sla_tracking (ticket_id, priority)
            select id, priority from public.tickets where customer_id = ${customer.id}`;
  return customer.id;
}

async function unseed(sql: Parameters<Parameters<typeof withSql>[0]>[0], customerId: string) {
  await sql`delete from public.tickets where customer_id = ${customerId}`;
  await sql`delete from public.customers where id = ${customerId}`;
}

Deno.test("the dashboard API refuses a request without the dashboard token", async () => {
  const res = await fetch(`${page}/api/summary`);
  assert.equal(res.status, 401);
  await res.body?.cancel();
  const ok = await fetch(`${page}/api/at-risk?limit=5`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(ok.status, 200);
  assert.ok(Array.isArray(await ok.json()));
});

Deno.test("the dashboard loads in headless Chromium without console errors and draws the seeded data", async () => {
  const run = crypto.randomUUID().slice(0, 8);
  await withSql(async (sql) => {
    const customerId = await seed(sql, run);
    const browser = await launchChromium();
    try {
      const tab = await browser.newPage({ width: 1280, height: 1500 });
      await tab.goto(`${page}#token=${encodeURIComponent(token)}`);
      await tab.waitFor("window.istsDashboard && window.istsDashboard.ready");
      const charts = await tab.evaluate<Record<string, number>>(`Object.fromEntries(
        Object.entries(window.istsDashboard.charts).map(([id, c]) =>
          [id, c.data.datasets.reduce((n, d) => n + d.data.filter((v) => Number(v) > 0).length, 0)]))`);
      for (const id of ["chart-tickets", "chart-category", "chart-priority", "chart-sla"]) {
        assert.ok(charts[id] > 0, `${id} shows data: ${JSON.stringify(charts)}`);
      }
      // Drawn, not only configured: the canvases hold coloured pixels.
      const painted = await tab.evaluate<number[]>(
        `[...document.querySelectorAll("canvas")].map((c) => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })`,
      );
      assert.ok(painted.every((n) => n > 500), `every canvas is painted: ${painted}`);
      const atRisk = await tab.evaluate<number>(
        `[...document.querySelectorAll("#at-risk tbody tr")].filter((r) => r.textContent.includes("Dashboard ticket")).length`,
      );
      assert.ok(atRisk > 0, "the at-risk list shows the seeded open tickets");
      const categories = await tab.evaluate<string[]>(
        "window.istsDashboard.charts['chart-category'].data.labels",
      );
      for (const c of ["billing", "technical", "account", "general"]) {
        assert.ok(categories.includes(c));
      }
      assert.deepEqual(tab.problems, [], "no console errors");
      const dir = join(ROOT, "test-artifacts");
      await Deno.mkdir(dir, { recursive: true });
      const file = join(dir, "dashboard.png");
      await Deno.writeFile(file, await tab.screenshot());
      console.log(`dashboard screenshot: ${file}`);
    } finally {
      await browser.close();
      await unseed(sql, customerId);
    }
  });
});
