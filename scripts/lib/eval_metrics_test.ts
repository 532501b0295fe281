import assert from "node:assert/strict";
import { evalLine, FieldScorer } from "./eval_metrics.ts";

Deno.test("FieldScorer reports accuracy, macro-F1 and the false-positive rate", () => {
  const s = new FieldScorer();
  s.add({ gold: "spam", pred: "spam", confidence: 0.9 });
  s.add({ gold: "spam", pred: "not_spam", confidence: 0.6 });
  s.add({ gold: "not_spam", pred: "not_spam", confidence: 0.95 });
  s.add({ gold: "not_spam", pred: "spam", confidence: 0.9 });
  const r = s.report("spam");
  assert.equal(r.n, 4);
  assert.equal(r.accuracy, 0.5);
  assert.equal(r.macroF1, 0.5);
  assert.equal(r.fpr, 0.5);
  assert.deepEqual(r.highConfidence, { n: 3, share: 0.75, accuracy: 2 / 3 });
  assert.equal(r.confusion.spam.not_spam, 1);
});

Deno.test("FieldScorer credits an accepted alternative label as right", () => {
  const s = new FieldScorer();
  s.add({ gold: "other", pred: "complaint", accepted: ["other", "complaint"] });
  s.add({ gold: "account_update", pred: "other", accepted: ["account_update"] });
  const r = s.report();
  assert.equal(r.accuracy, 0.5);
  assert.equal(r.confusion.complaint.complaint, 1);
  assert.equal(r.confusion.account_update.other, 1);
});

Deno.test("evalLine() prints the exact summary form, with fpr only for spam", () => {
  const s = new FieldScorer();
  s.add({ gold: "a", pred: "a" });
  assert.equal(
    evalLine("ds", "category", s.report()),
    "eval ds category n=1 accuracy=1.000 macro_f1=1.000",
  );
  assert.match(evalLine("ds", "spam", s.report("spam")), / fpr=0\.000$/);
});
