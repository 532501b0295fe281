import assert from "node:assert/strict";
import { costOf, DEFAULT_PRICES, priceOf } from "./openai_prices.ts";

Deno.test("priceOf() finds a model, and a dated snapshot by its base name", () => {
  assert.deepEqual(priceOf("gpt-4o-mini", DEFAULT_PRICES), {
    inputPerMillion: 0.15,
    outputPerMillion: 0.6,
  });
  assert.equal(priceOf("gpt-4o-2024-08-06", DEFAULT_PRICES), DEFAULT_PRICES["gpt-4o"]);
  assert.equal(priceOf("gpt-4o-mini-2024-07-18", DEFAULT_PRICES), DEFAULT_PRICES["gpt-4o-mini"]);
});

Deno.test("priceOf() does not mistake one model for another with a longer name", () => {
  assert.equal(priceOf("gpt-4o-mini-tts", DEFAULT_PRICES), undefined);
  assert.equal(priceOf("llama3.1:8b", DEFAULT_PRICES), undefined);
  assert.equal(priceOf("toString", DEFAULT_PRICES), undefined);
});

Deno.test("costOf() prices input and output tokens per million", () => {
  const usage = { promptTokens: 1_000_000, completionTokens: 500_000 };
  const near = (a: number | undefined, b: number) => assert.ok(Math.abs((a ?? NaN) - b) < 1e-12);
  near(costOf("gpt-4o-mini", usage, DEFAULT_PRICES), 0.45);
  near(costOf("gpt-4o", usage, DEFAULT_PRICES), 7.5);
  assert.equal(costOf("local-llm", usage, DEFAULT_PRICES), undefined);
  const free = { "local-llm": { inputPerMillion: 0, outputPerMillion: 0 } };
  assert.equal(costOf("local-llm", usage, free), 0);
});
