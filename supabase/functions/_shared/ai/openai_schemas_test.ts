import assert from "node:assert/strict";
import { zodResponseFormat } from "openai/helpers/zod";
import {
  ClassificationOutput,
  CombinedOutput,
  PriorityOutput,
  SentimentOutput,
  TranslationOutput,
} from "./openai_schemas.ts";

const CLASSIFICATION = {
  category: "billing",
  sub_category: "refund_request",
  confidence: 0.9,
  language: "en",
  spam_probability: 0.01,
};
const SENTIMENT = { emotion: "angry", intensity: 9, escalation_needed: true };
const PRIORITY = { priority: "high", urgency_score: 8, reasoning: "Double charge." };

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: unknown;
};

/** Every object of a strict schema lists all its properties as required and allows no others. */
function assertStrict(schema: Schema, path = "$"): void {
  if (schema.type !== "object") return;
  assert.equal(schema.additionalProperties, false, `${path} allows extra properties`);
  assert.deepEqual(schema.required, Object.keys(schema.properties ?? {}), `${path} required`);
  for (const [key, sub] of Object.entries(schema.properties ?? {})) {
    assertStrict(sub, `${path}.${key}`);
  }
}

Deno.test("zodResponseFormat() turns every zod 4 schema into a strict JSON schema", () => {
  const schemas = {
    classify: ClassificationOutput,
    sentiment: SentimentOutput,
    priority: PriorityOutput,
    combined: CombinedOutput,
    translate: TranslationOutput,
  };
  for (const [name, schema] of Object.entries(schemas)) {
    const format = zodResponseFormat(schema, name);
    assert.equal(format.type, "json_schema");
    assert.equal(format.json_schema.strict, true);
    assertStrict(format.json_schema.schema as Schema);
  }
  const sentiment = zodResponseFormat(SentimentOutput, "s").json_schema.schema as {
    properties: Record<string, Record<string, unknown>>;
  };
  assert.deepEqual(sentiment.properties.intensity, { type: "integer", minimum: 1, maximum: 10 });
});

Deno.test("ClassificationOutput accepts a valid answer", () => {
  assert.deepEqual(ClassificationOutput.parse(CLASSIFICATION), CLASSIFICATION);
});

Deno.test("ClassificationOutput rejects labels outside their sets", () => {
  assert.equal(
    ClassificationOutput.safeParse({ ...CLASSIFICATION, category: "shipping" }).success,
    false,
  );
  assert.equal(
    ClassificationOutput.safeParse({ ...CLASSIFICATION, sub_category: "x" }).success,
    false,
  );
  assert.equal(
    ClassificationOutput.safeParse({ ...CLASSIFICATION, confidence: 1.2 }).success,
    false,
  );
  assert.equal(
    ClassificationOutput.safeParse({ ...CLASSIFICATION, language: "eng" }).success,
    false,
  );
});

Deno.test("ClassificationOutput rejects a sub-category of another category", () => {
  const result = ClassificationOutput.safeParse({ ...CLASSIFICATION, sub_category: "outage" });
  assert.equal(result.success, false);
  assert.match(result.error?.issues[0].message ?? "", /"outage" belongs to "technical"/);
});

Deno.test("SentimentOutput and PriorityOutput reject out-of-range numbers and extra fields", () => {
  assert.equal(SentimentOutput.safeParse({ ...SENTIMENT, intensity: 11 }).success, false);
  assert.equal(SentimentOutput.safeParse({ ...SENTIMENT, intensity: 4.5 }).success, false);
  assert.equal(SentimentOutput.safeParse({ ...SENTIMENT, emotion: "ecstatic" }).success, false);
  assert.equal(SentimentOutput.safeParse({ ...SENTIMENT, admin: true }).success, false);
  assert.equal(PriorityOutput.safeParse({ ...PRIORITY, priority: "critical" }).success, false);
  assert.equal(PriorityOutput.safeParse({ ...PRIORITY, urgency_score: 0 }).success, false);
  assert.equal(PriorityOutput.safeParse({ ...PRIORITY, reasoning: "" }).success, false);
});

Deno.test("CombinedOutput validates the nested analyses", () => {
  const { category, sub_category, confidence, language, spam_probability } = CLASSIFICATION;
  const valid = {
    classification: { category, sub_category, confidence },
    sentiment: SENTIMENT,
    priority: PRIORITY,
    language,
    spam_probability,
  };
  assert.equal(CombinedOutput.safeParse(valid).success, true);
  const mismatch = {
    ...valid,
    classification: { ...valid.classification, sub_category: "outage" },
  };
  assert.equal(CombinedOutput.safeParse(mismatch).success, false);
  assert.equal(CombinedOutput.safeParse({ ...valid, note: "x" }).success, false);
});
