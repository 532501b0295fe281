import assert from "node:assert/strict";
import type { AiProvider, TriageInput, TriageResult } from "../_shared/ai/types.ts";
import type { ClaimedJob, JobOutcome } from "../_shared/stage.ts";
import {
  createTriageProcessor,
  type StoredTriage,
  toStoredTriage,
  type TriageContext,
  type TriageStore,
} from "./handler.ts";

function result(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    category: "account",
    subCategory: "password_reset",
    confidence: 0.876,
    sentiment: { emotion: "frustrated", intensity: 7, escalationNeeded: false },
    priority: { priority: "high", urgencyScore: 8, reasoning: "locked out" },
    language: "en",
    model: "local",
    signals: ["password", "locked"],
    ...overrides,
  };
}

function context(ticketId: string, overrides: Partial<TriageContext> = {}): TriageContext {
  return {
    ticketId,
    subject: `Subject of ${ticketId}`,
    body: `Body of ${ticketId}`,
    channel: "email",
    customerTier: "standard",
    history: [],
    contentHash: `hash-of-${ticketId}`,
    cached: null,
    ...overrides,
  };
}

function claimed(jobId: number, ticketId: string | null): ClaimedJob {
  return { jobId, ticketId, payload: {}, attempt: 1 };
}

type Item = { job: ClaimedJob; result?: StoredTriage; error?: string };

interface StubStore extends TriageStore {
  requested: string[][];
  recorded: Item[][];
}

function stubStore(contexts: TriageContext[]): StubStore {
  const store: StubStore = {
    requested: [],
    recorded: [],
    contexts(ids) {
      store.requested.push(ids);
      return Promise.resolve(new Map(contexts.map((c) => [c.ticketId, c])));
    },
    recordBatch(items) {
      store.recorded.push(items);
      return Promise.resolve(items.map((): JobOutcome => ({ outcome: "done" })));
    },
  };
  return store;
}

function stubProvider(
  triage: (input: TriageInput) => Promise<TriageResult> = () => Promise.resolve(result()),
): AiProvider & { inputs: TriageInput[] } {
  const inputs: TriageInput[] = [];
  return {
    name: "stub",
    inputs,
    triage(input) {
      inputs.push(input);
      return triage(input);
    },
  };
}

Deno.test("createTriageProcessor() sends each ticket's context to the provider", async () => {
  const history = [{ subject: "Earlier", category: "billing", status: "closed", createdAt: "x" }];
  const store = stubStore([context("t-1", { customerTier: "vip", history })]);
  const provider = stubProvider();
  await createTriageProcessor({ store, provider })([claimed(1, "t-1")]);
  assert.deepEqual(store.requested, [["t-1"]]);
  assert.deepEqual(provider.inputs, [{
    subject: "Subject of t-1",
    body: "Body of t-1",
    channel: "email",
    customerTier: "vip",
    history,
  }]);
});

Deno.test("createTriageProcessor() records flattened results and returns the store's outcomes", async () => {
  const store = stubStore([context("t-1")]);
  const outcomes = await createTriageProcessor({ store, provider: stubProvider() })([
    claimed(1, "t-1"),
  ]);
  assert.deepEqual(outcomes, [{ outcome: "done" }]);
  const [[item]] = store.recorded;
  assert.deepEqual(item.job, claimed(1, "t-1"));
  assert.equal(item.error, undefined);
  assert.deepEqual(
    item.result,
    toStoredTriage(result(), "hash-of-t-1"),
  );
});

Deno.test("createTriageProcessor() turns a missing ticket context into an item with error", async () => {
  const store = stubStore([context("t-1")]);
  const provider = stubProvider();
  await createTriageProcessor({ store, provider })([claimed(1, "t-1"), claimed(2, "t-gone")]);
  const [[found, missing]] = store.recorded;
  assert.ok(found.result);
  assert.deepEqual(missing, { job: claimed(2, "t-gone"), error: "ticket t-gone not found" });
  assert.equal(provider.inputs.length, 1);
});

Deno.test("createTriageProcessor() turns a job without a ticket into an item with error", async () => {
  const store = stubStore([]);
  await createTriageProcessor({ store, provider: stubProvider() })([claimed(3, null)]);
  assert.deepEqual(store.requested, [[]]);
  assert.deepEqual(store.recorded, [[{ job: claimed(3, null), error: "ticket null not found" }]]);
});

Deno.test("createTriageProcessor() turns a provider failure into an item with error", async () => {
  const store = stubStore([context("t-1"), context("t-2")]);
  const provider = stubProvider((input) =>
    input.subject.endsWith("t-2")
      ? Promise.reject(new Error("model overloaded"))
      : Promise.resolve(result())
  );
  await createTriageProcessor({ store, provider })([claimed(1, "t-1"), claimed(2, "t-2")]);
  const [[ok, failed]] = store.recorded;
  assert.ok(ok.result);
  assert.deepEqual(failed, { job: claimed(2, "t-2"), error: "model overloaded" });
});

Deno.test("createTriageProcessor() records one batch with items in job order", async () => {
  const store = stubStore([context("t-1"), context("t-2"), context("t-3")]);
  const provider = stubProvider(async (input) => {
    // Finish in reverse order: the recorded order must still follow the jobs.
    await new Promise((r) => setTimeout(r, input.subject.endsWith("t-1") ? 15 : 0));
    return result();
  });
  const jobs = [claimed(1, "t-1"), claimed(2, "t-2"), claimed(3, "t-3")];
  await createTriageProcessor({ store, provider })(jobs);
  assert.equal(store.recorded.length, 1);
  assert.deepEqual(store.recorded[0].map((i) => i.job.jobId), [1, 2, 3]);
});

Deno.test("toStoredTriage() flattens a result into the stored shape", () => {
  const stored = toStoredTriage(
    result({ promptTokens: 120, completionTokens: 30, totalCost: 0.0012 }),
    "hash",
  );
  assert.deepEqual(stored, {
    category: "account",
    sub_category: "password_reset",
    confidence: 0.88,
    emotion: "frustrated",
    intensity: 7,
    escalation_needed: false,
    priority: "high",
    urgency_score: 8,
    language: "en",
    model: "local",
    content_hash: "hash",
    reasoning: { priority: "locked out", signals: ["password", "locked"] },
    fallback_reason: null,
    fallback_from: null,
    subject_en: null,
    body_en: null,
    prompt_tokens: 120,
    completion_tokens: 30,
    total_cost: 0.0012,
  });
});

Deno.test("toStoredTriage() stores null token counts and cost when the provider has none", () => {
  const stored = toStoredTriage(result(), "hash");
  assert.equal(stored.prompt_tokens, null);
  assert.equal(stored.completion_tokens, null);
  assert.equal(stored.total_cost, null);
});

Deno.test("toStoredTriage() clamps confidence to 0..1 and rounds it to 2 decimals", () => {
  const cases: [number, number][] = [[1.7, 1], [-0.3, 0], [0.123, 0.12], [0.125, 0.13], [0.5, 0.5]];
  for (const [input, expected] of cases) {
    assert.equal(
      toStoredTriage(result({ confidence: input }), "h").confidence,
      expected,
      `${input}`,
    );
  }
});

Deno.test("toStoredTriage() rounds and clamps intensity and urgency to 1..10", () => {
  const cases: [number, number][] = [[0, 1], [-4, 1], [1.4, 1], [5.5, 6], [10.4, 10], [42, 10]];
  for (const [input, expected] of cases) {
    const stored = toStoredTriage(
      result({
        sentiment: { emotion: "neutral", intensity: input, escalationNeeded: true },
        priority: { priority: "low", urgencyScore: input, reasoning: "" },
      }),
      "h",
    );
    assert.equal(stored.intensity, expected, `intensity ${input}`);
    assert.equal(stored.urgency_score, expected, `urgency ${input}`);
    assert.equal(stored.escalation_needed, true);
  }
});

Deno.test("createTriageProcessor() reuses a cached analysis without asking the provider", async () => {
  const cachedAnalysis = { ...toStoredTriage(result(), "h"), id: "a-1", total_cost: 0.01 };
  const store = stubStore([context("t-1", { cached: cachedAnalysis })]);
  let calls = 0;
  const provider: AiProvider = {
    name: "counting",
    triage: () => {
      calls++;
      return Promise.resolve(result());
    },
  };
  await createTriageProcessor({ store, provider })([claimed(1, "t-1")]);
  assert.equal(calls, 0);
  const [[item]] = store.recorded;
  assert.equal(item.result?.cache_hit, true);
  assert.equal(item.result?.cached_from, "a-1");
  assert.equal(item.result?.total_cost, 0);
  assert.equal(item.result?.content_hash, "hash-of-t-1");
});

Deno.test("toStoredTriage() keeps the fallback reason and the English translation", () => {
  const stored = toStoredTriage(
    result({
      fallback: { from: "openai", reason: "rate limited 3 times" },
      translation: { language: "de", subject: "Login", body: "I cannot log in" },
    }),
    "h",
  );
  assert.equal(stored.fallback_reason, "rate limited 3 times");
  assert.equal(stored.fallback_from, "openai");
  assert.equal(stored.body_en, "I cannot log in");
});
