import assert from "node:assert/strict";
import { startFakeOpenAi } from "../../../../scripts/lib/fake_openai.ts";
import { createOpenAiEmbedder, DEFAULT_EMBEDDING_MODEL } from "./openai_embed.ts";
import { OpenAiCallError } from "./openai_call.ts";

function cosine(a: number[], b: number[]): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

Deno.test("createOpenAiEmbedder() embeds a batch in order with text-embedding-3-small and prices it", async () => {
  await using fake = await startFakeOpenAi();
  const embedder = createOpenAiEmbedder({ apiKey: "sk-test", baseURL: fake.url });
  const { vectors, promptTokens, cost } = await embedder.embed([
    "reset my password link expired",
    "password reset link",
    "invoice for March as a PDF",
  ]);
  assert.equal(embedder.model, DEFAULT_EMBEDDING_MODEL);
  assert.equal(vectors.length, 3);
  assert.equal(vectors[0].length, 1536);
  assert.ok(cosine(vectors[0], vectors[1]) > cosine(vectors[0], vectors[2]));
  assert.ok(promptTokens > 0 && cost > 0);
  const [call] = fake.calls;
  assert.equal(call.path, "/v1/embeddings");
  assert.equal(call.body?.model, "text-embedding-3-small");
});

Deno.test("createOpenAiEmbedder() retries a 429 and a 503, then gives up with the failure kind", async () => {
  const statuses = [429, 503, 503, 503];
  const waits: number[] = [];
  let calls = 0;
  const embedder = createOpenAiEmbedder({
    apiKey: "sk-test",
    baseURL: "http://127.0.0.1:9/v1",
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    fetch: () => {
      const status = statuses[calls++];
      return Promise.resolve(
        Response.json({ error: { message: `status ${status}`, type: "x" } }, {
          status,
          headers: status === 429 ? { "retry-after": "2" } : {},
        }),
      );
    },
  });
  await assert.rejects(embedder.embed(["hello"]), (error: unknown) => {
    assert.ok(error instanceof OpenAiCallError);
    assert.equal(error.kind, "server_error");
    assert.equal(error.attempts, 3);
    return true;
  });
  assert.equal(calls, 3);
  assert.equal(waits[0], 2000);
});
