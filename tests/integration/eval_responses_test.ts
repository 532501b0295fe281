import assert from "node:assert/strict";
import { join } from "node:path";
import { evaluateResponses } from "../../scripts/lib/eval_responses.ts";
import { parseMessages } from "../../scripts/lib/messages.ts";
import { ROOT } from "../../scripts/lib/paths.ts";
import { withSql } from "./helpers.ts";

Deno.test("over the bundled samples no auto-sent answer promises a refund or holds a placeholder", async () => {
  const { messages } = parseMessages(
    await Deno.readTextFile(join(ROOT, "samples", "messages.jsonl")),
  );
  await withSql(async (sql) => {
    const before = await sql`select count(*)::int as n from tickets`;
    const { rows, summary } = await evaluateResponses(sql, messages);
    assert.equal(summary.messages, messages.length);
    assert.ok(summary.drafted >= 25, `${summary.drafted} drafted`);
    assert.equal(summary.unsafeAutoSent, 0);
    for (const r of rows.filter((r) => r.autoSend)) {
      assert.deepEqual(r.failedGates, [], `line ${r.line}`);
      assert.doesNotMatch(r.body ?? "", /refund|guarantee|\[INSERT|\{\{|\[[A-Z][a-z]+\]/i);
      const tier = messages[r.line - 1].message.email;
      assert.ok(
        !["olivia.grant@example.com", "marcus.chen@example.com"].includes(tier) &&
          !tier.includes("northwind") && !tier.includes("globex"),
        `line ${r.line}: a VIP or enterprise answer was auto-sent`,
      );
    }
    // Everything happened inside a transaction that was rolled back.
    const after = await sql`select count(*)::int as n from tickets`;
    assert.equal(after[0].n, before[0].n);
  });
});
