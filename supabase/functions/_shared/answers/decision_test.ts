import assert from "node:assert/strict";
import { decideAutoSend, type DecisionInput } from "./decision.ts";
import { GATE_NAMES, type GateResults } from "./gates.ts";

function gates(failed: string[] = []): GateResults {
  return Object.fromEntries(
    GATE_NAMES.map((name) => [name, { pass: !failed.includes(name) }]),
  ) as GateResults;
}

const ROWS: Array<[string, Partial<DecisionInput>, boolean, string[]]> = [
  ["all gates, 0.95, a qualifying ticket", {}, true, []],
  ["a failed gate", { gates: gates(["has_closing"]) }, false, ["gate_has_closing"]],
  ["confidence exactly 0.9 (the seed: > 0.9)", { confidence: 0.9 }, false, ["low_confidence"]],
  ["confidence 0.5", { confidence: 0.5 }, false, ["low_confidence"]],
  ["an escalated ticket", { blockers: ["escalated"] }, false, ["escalated"]],
  ["a VIP customer", { blockers: ["vip_customer"] }, false, ["vip_customer"]],
  ["an enterprise customer", { blockers: ["enterprise_customer"] }, false, [
    "enterprise_customer",
  ]],
  ["an auto-reply or bulk mail", { blockers: ["automated_message"] }, false, [
    "automated_message",
  ]],
  ["spam", { blockers: ["spam"] }, false, ["spam"]],
  ["the writer asks for review", { reviewReasons: ["needs_translation"] }, false, [
    "needs_translation",
  ]],
  [
    "everything wrong at once",
    {
      gates: gates(["mentions_name", "cites_kb"]),
      confidence: 0.4,
      blockers: ["vip_customer", "escalated"],
      reviewReasons: ["no_kb_article"],
    },
    false,
    [
      "gate_mentions_name",
      "gate_cites_kb",
      "low_confidence",
      "no_kb_article",
      "vip_customer",
      "escalated",
    ],
  ],
  ["a higher threshold", { confidence: 0.93, minConfidence: 0.95 }, false, ["low_confidence"]],
];

for (const [name, overrides, autoSend, reasons] of ROWS) {
  Deno.test(`decideAutoSend() ${autoSend ? "sends" : "keeps a draft for"} ${name}`, () => {
    const decision = decideAutoSend({
      gates: gates(),
      confidence: 0.95,
      blockers: [],
      reviewReasons: [],
      ...overrides,
    });
    assert.equal(decision.autoSend, autoSend);
    assert.deepEqual(decision.reasons, reasons);
  });
}
