// The respond stage with OpenAI configured, against the fake OpenAI server
// (scripts/lib/fake_openai.ts): answers by gpt-4o from embedded knowledge-base articles, the
// local template when OpenAI fails, and answers translated into the customer's language.
import assert from "node:assert/strict";
import { post, uniqueEmail, waitForTicket, withSql } from "../integration/helpers.ts";

const fakeUrl = Deno.env.get("ISTS_TEST_FAKE_OPENAI_URL") ?? "http://127.0.0.1:54330";

interface Call {
  path: string;
  body: {
    model?: string;
    temperature?: number;
    response_format?: { json_schema?: { name?: string } };
    messages?: { role: string; content: string }[];
    input?: string | string[];
  } | null;
}

async function fake(action: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${fakeUrl}/_fake/${action}`, {
    method: body === undefined && action === "calls" ? "GET" : "POST",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return await res.json();
}

Deno.test("with OpenAI an answer is drafted by gpt-4o at 0.7 from embedded knowledge-base articles", async () => {
  await fake("reset", {});
  const res = await post("intake", {
    email: uniqueEmail("gpt"),
    name: "Tariq Hassan",
    subject: "Switch to monthly billing",
    body: "Hi, can we switch from annual to monthly billing at our next renewal? No changes " +
      `to seats. Thanks, Tariq (${crypto.randomUUID().slice(0, 8)})`,
  });
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id), undefined, 60_000);
    const [r] = await sql`select body, model_name, prompt_tokens, completion_tokens, total_cost,
        review_status, quality_gates, kb_article_ids from responses
      where ticket_id = ${t.id} and quality_gates is not null`;
    assert.equal(r.model_name, "gpt-4o");
    assert.ok(r.prompt_tokens > 0 && r.completion_tokens > 0);
    assert.ok(Number(r.total_cost) > 0);
    assert.match(r.body, /^Hi Tariq,/);
    assert.ok(r.kb_article_ids.length >= 1);
    const [{ embedded }] = await sql`select count(*)::int as embedded from kb_articles
      where embedding is not null and embedded_hash = content_hash`;
    assert.ok(embedded >= 20, `${embedded} articles embedded`);
  });
  const calls = await fake("calls") as Call[];
  const draft = calls.find((c) => c.body?.response_format?.json_schema?.name === "answer_draft");
  assert.ok(draft, "an answer_draft request was made");
  assert.equal(draft.body?.model, "gpt-4o");
  assert.equal(draft.body?.temperature, 0.7);
  assert.match(String(draft.body?.messages?.[1].content), /<customer_message>[\s\S]*Tariq/);
  const embeddings = calls.filter((c) => c.path.endsWith("/embeddings"));
  assert.ok(
    embeddings.some((c) => JSON.stringify(c.body?.input).includes("monthly billing")),
    "the ticket was embedded for the search",
  );
});

Deno.test("when OpenAI fails the answer falls back to the local template and the failure is logged", async () => {
  await fake("reset", {});
  await fake("fail", { kind: "server_error", count: 40, status: 503 });
  const res = await post("intake", {
    email: uniqueEmail("gptdown"),
    name: "Ingrid Haugen",
    subject: "CSV export garbles special characters",
    body: "When I export tickets to CSV, names like Bjørn come out broken in Excel. " +
      crypto.randomUUID(),
  });
  try {
    await withSql(async (sql) => {
      const t = await waitForTicket(sql, String(res.body.ticket_id), undefined, 90_000);
      const [r] = await sql`select id, model_name, body from responses
        where ticket_id = ${t.id} and quality_gates is not null`;
      assert.equal(r.model_name, "local-template");
      assert.match(r.body, /^Hi Ingrid,/);
      const [log] = await sql`select severity, node_name, error_message, context from error_logs
        where ticket_id = ${t.id} and workflow_name = 'respond' and error_type = 'ai_provider_fallback'`;
      assert.equal(log.severity, "warning");
      assert.equal(log.node_name, "openai");
      assert.match(log.error_message, /^answer_draft server_error after 3 attempt\(s\)/);
      assert.equal(log.context.response_id, r.id);
      const [event] = await sql`select event_data from ticket_events
        where ticket_id = ${t.id} and event_type = 'response_drafted'`;
      assert.match(event.event_data.fallback_reason, /server_error/);
    });
  } finally {
    await fake("reset", {});
  }
});

Deno.test("with OpenAI a message in another language is answered in it, the English draft kept", async () => {
  await fake("reset", {});
  const res = await post("intake", {
    email: uniqueEmail("sprache"),
    name: "Jonas Weber",
    subject: "Zahlung fehlgeschlagen",
    body: "Guten Tag, die monatliche Zahlung für unser Team-Abo ist fehlgeschlagen, obwohl die " +
      `Kreditkarte gültig ist. Mit freundlichen Grüßen, Jonas Weber (${crypto.randomUUID()})`,
  });
  await withSql(async (sql) => {
    const t = await waitForTicket(sql, String(res.body.ticket_id), undefined, 60_000);
    const [r] = await sql`select body, body_en, language, review_status, review_reasons
      from responses where ticket_id = ${t.id} and quality_gates is not null`;
    assert.equal(r.language, "de");
    assert.match(r.body, /^Hallo Jonas,/);
    assert.match(r.body_en, /^Hi Jonas,/);
    assert.equal(r.review_status, "pending");
    assert.ok(r.review_reasons.includes("language_de"), r.review_reasons.join(","));
  });
  const calls = await fake("calls") as Call[];
  const translation = calls.find((c) =>
    c.body?.response_format?.json_schema?.name === "answer_translation"
  );
  assert.match(String(translation?.body?.messages?.[0].content), /into German \(de\)/);
});
