import assert from "node:assert/strict";
import { env, withSql } from "./helpers.ts";

Deno.test("the daily report reaches the report channel in Slack once, laid out as Block Kit", async () => {
  await withSql(async (sql) => {
    const date = "2025-02-11";
    const [{ value: previous }] = await sql`select value from app_private.settings
      where key = 'report_slack_channel_id'`;
    await sql`update app_private.settings set value = 'C0REPORTS' where key = 'report_slack_channel_id'`;
    await sql`delete from public.analytics_daily where date = ${date}`;
    try {
      const [first] = await sql`select app_private.post_daily_report(${date}) as r`;
      const [again] = await sql`select app_private.post_daily_report(${date}) as r`;
      assert.equal(first.r.posted, true);
      assert.equal(again.r.posted, false);
      const id = String(first.r.notification_id);
      let row: { status: string; external_id: string | null } | undefined;
      for (let i = 0; i < 300; i++) {
        [row] = await sql<{ status: string; external_id: string | null }[]>`
          select status, external_id from public.notifications where id = ${id}`;
        if (row?.status !== "pending") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(row?.status, "sent");
      assert.ok(row?.external_id, "Slack's ts is kept");
      const calls: { method: string; body: Record<string, unknown> }[] =
        await (await fetch(`${env.fakeSlackUrl}/_fake/calls`)).json();
      const posts = calls.filter((c) =>
        c.method === "chat.postMessage" && c.body.channel === "C0REPORTS" &&
        String(c.body.text).startsWith("Daily Support Metrics - Feb 11, 2025")
      );
      assert.equal(posts.length, 1, "posted once");
      const blocks = posts[0].body.blocks as { type: string; text?: { text: string } }[];
      assert.equal(blocks[0].text?.text, "Daily Support Metrics - Feb 11, 2025");
      assert.match(String(blocks[1].text?.text), /^\*Total Tickets:\* 0/);
      assert.ok(blocks.some((b) => b.type === "actions"), "the View Full Dashboard button");
    } finally {
      await sql`update app_private.settings set value = ${previous} where key = 'report_slack_channel_id'`;
      await sql`delete from public.analytics_daily where date = ${date}`;
    }
  });
});
