import assert from "node:assert/strict";
import { datasetsAvailable, loadDatasetMessages } from "../../scripts/lib/datasets.ts";
import { mapLimit } from "../../scripts/lib/messages.ts";
import { waitForPipeline } from "../../scripts/lib/pipeline_report.ts";
import { post, uniqueEmail, withSql } from "./helpers.ts";

const available = datasetsAvailable();
if (!available) {
  console.log("notice: ../shared/datasets is absent; the 500-message test is skipped");
}

Deno.test({
  name: "500 real customer messages all end routed or auto-resolved, none dead-lettered",
  ignore: !available,
  fn: async () => {
    const messages = await loadDatasetMessages(500);
    assert.equal(messages.length, 500);
    const results = await mapLimit(messages, 20, (m, i) =>
      post("intake", {
        email: uniqueEmail(`dataset${i}`),
        subject: m.subject || undefined,
        body: m.body,
        channel: "web",
      }));
    const rejected = results.filter((r) => r.status !== 201);
    assert.equal(rejected.length, 0, JSON.stringify(rejected.slice(0, 3)));
    const ids = results.map((r) => String(r.body.ticket_id));
    await withSql(async (sql) => {
      const outcomes = await waitForPipeline(sql, ids, { timeoutMs: 120_000 });
      const dead = outcomes.filter((t) => t.dead);
      assert.equal(dead.length, 0, `dead letters: ${dead.map((t) => t.id).join(", ")}`);
      const unsettled = outcomes.filter((t) =>
        !["assigned", "queued", "resolved"].includes(t.status)
      );
      assert.equal(unsettled.length, 0, `not routed: ${JSON.stringify(unsettled.slice(0, 3))}`);
      const [{ n }] = await sql`select count(*)::int as n from app_private.jobs
        where ticket_id = any(${ids}::uuid[]) and status = 'dead'`;
      assert.equal(n, 0);
    });
  },
});
