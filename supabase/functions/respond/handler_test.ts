import assert from "node:assert/strict";
import { createLocalWriter } from "../_shared/answers/local_draft.ts";
import { article, ticket } from "../_shared/answers/test_fixtures.ts";
import type { KbArticle } from "../_shared/answers/types.ts";
import type { Embedder } from "../_shared/ai/openai_embed.ts";
import { silentLog } from "../_shared/log.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";
import {
  createRespondProcessor,
  type RespondContext,
  type RespondStore,
  type SearchRequest,
  type StoredResponse,
} from "./handler.ts";

function claimed(jobId: number, ticketId: string | null): ClaimedJob {
  return { jobId, ticketId, payload: {}, attempt: 1 };
}

type Item = { job: ClaimedJob; result?: StoredResponse; error?: string };

interface StubStore extends RespondStore {
  searches: SearchRequest[];
  recorded: Item[];
  saved: { id: string; contentHash: string; embedding: number[] }[];
}

function stubStore(contexts: RespondContext[], articles: KbArticle[] = [article()]): StubStore {
  const store: StubStore = {
    searches: [],
    recorded: [],
    saved: [],
    contexts() {
      return Promise.resolve({
        settings: { minConfidence: 0.9, kbArticles: 3 },
        tickets: new Map(contexts.map((c) => [c.ticket.ticketId, c])),
      });
    },
    search(request) {
      store.searches.push(request);
      return Promise.resolve(articles);
    },
    articlesToEmbed: () =>
      Promise.resolve([{ id: "a-stale", contentHash: "h1", input: "Reset your password" }]),
    saveEmbeddings(_model, items) {
      store.saved.push(...items);
      return Promise.resolve(items.length);
    },
    recordBatch(items) {
      store.recorded.push(...items);
      return Promise.resolve(items.map((): JobOutcome => ({ outcome: "done" })));
    },
  };
  return store;
}

Deno.test("the respond processor drafts from the searched articles and auto-sends a qualifying ticket", async () => {
  const store = stubStore([{ ticket: ticket(), blockers: [] }]);
  const process = createRespondProcessor({
    store,
    writer: createLocalWriter(),
    embedder: null,
    log: silentLog,
  });
  const outcomes = await process([claimed(1, ticket().ticketId)]);
  assert.deepEqual(outcomes, [{ outcome: "done" }]);
  assert.deepEqual(store.searches, [{
    query: "password or reset or link or expired or help or priya",
    limit: 3,
    category: "account",
    subCategory: "password_reset",
    locale: "en",
    embedding: null,
  }]);
  const { result } = store.recorded[0];
  assert.ok(result);
  assert.equal(result.auto_send, true);
  assert.deepEqual(result.review_reasons, []);
  assert.equal(result.model, "local-template");
  assert.deepEqual(result.kb_article_ids, [article().id]);
  assert.ok(Object.values(result.gates).every((g) => g.pass));
  assert.equal(result.confidence, 0.96);
});

Deno.test("the respond processor keeps a draft with every reason for a VIP ticket", async () => {
  const vip = ticket({ tier: "vip", triageConfidence: 0.7 });
  const store = stubStore([{ ticket: vip, blockers: ["vip_customer", "escalated"] }]);
  const process = createRespondProcessor({
    store,
    writer: createLocalWriter(),
    embedder: null,
    log: silentLog,
  });
  await process([claimed(1, vip.ticketId)]);
  const { result } = store.recorded[0];
  assert.equal(result?.auto_send, false);
  assert.deepEqual(result?.review_reasons, ["low_confidence", "vip_customer", "escalated"]);
});

Deno.test("the respond processor reports a ticket that is gone as the job's error", async () => {
  const store = stubStore([]);
  const process = createRespondProcessor({
    store,
    writer: createLocalWriter(),
    embedder: null,
    log: silentLog,
  });
  await process([claimed(7, "00000000-0000-4000-8000-00000000dead")]);
  assert.match(store.recorded[0].error ?? "", /not found/);
});

Deno.test("with an embedder the processor refreshes stale articles and searches by the ticket's vector", async () => {
  const store = stubStore([{ ticket: ticket(), blockers: [] }]);
  const embedded: string[][] = [];
  const embedder: Embedder = {
    model: "text-embedding-3-small",
    embed(texts) {
      embedded.push(texts);
      return Promise.resolve({ vectors: texts.map(() => [0.6, 0.8]), promptTokens: 10, cost: 0.5 });
    },
  };
  const process = createRespondProcessor({
    store,
    writer: createLocalWriter(),
    embedder,
    log: silentLog,
  });
  await process([claimed(1, ticket().ticketId)]);
  assert.deepEqual(embedded[0], ["Reset your password"]);
  assert.deepEqual(store.saved, [{ id: "a-stale", contentHash: "h1", embedding: [0.6, 0.8] }]);
  assert.match(embedded[1][0], /^Password reset link expired\n\n/);
  assert.deepEqual(store.searches[0].embedding, [0.6, 0.8]);
  assert.equal(store.recorded[0].result?.total_cost, 0.5);
});

Deno.test("when embedding fails the processor searches by text and still drafts", async () => {
  const store = stubStore([{ ticket: ticket(), blockers: [] }]);
  const embedder: Embedder = {
    model: "text-embedding-3-small",
    embed: () => Promise.reject(new Error("connection refused")),
  };
  const process = createRespondProcessor({
    store,
    writer: createLocalWriter(),
    embedder,
    log: silentLog,
  });
  await process([claimed(1, ticket().ticketId)]);
  assert.equal(store.searches[0].embedding, null);
  assert.ok(store.recorded[0].result?.body.startsWith("Hi Priya,"));
});
