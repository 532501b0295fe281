/**
 * Developer tool (not used at run time): grouped 5-fold cross-validation on the hand-written
 * examples, fitting the softmax temperature of model.ts and reporting how often confident
 * predictions are right. Augmented variants of one message always stay in the same fold.
 *
 * Run: deno run -A supabase/functions/_shared/ai/local/calibrate.ts
 */
import { SUB_CATEGORIES } from "../types.ts";
import { SoftmaxClassifier } from "./classifier.ts";
import { fromLogits } from "./model.ts";
import { augment, baseItems, LABELS } from "./training_data.ts";

const AUTO = new Set(["password_reset", "invoice_request", "documentation"]);

function main() {
  const base = baseItems();
  const all = augment(base);
  const folds = 5;
  const held: Array<{ logits: Float64Array; label: number }> = [];
  for (let f = 0; f < folds; f++) {
    const train = all.filter((it) => it.group % folds !== f);
    const test = all.filter((it) => it.group % folds === f);
    const m = new SoftmaxClassifier(LABELS.length);
    m.train(train);
    for (const it of test) held.push({ logits: m.logits(it.text), label: it.label });
  }
  console.log(`held-out predictions: ${held.length}`);
  let best = { t: 1, nll: Infinity };
  for (let t = 0.2; t <= 3.001; t += 0.05) {
    let nll = 0;
    for (const h of held) {
      const r = fromLogits(h.logits, t);
      const gold = SUB_CATEGORIES[LABELS[h.label]];
      nll -= Math.log(Math.max(1e-9, r.categoryProbs[gold]));
    }
    if (nll < best.nll) best = { t, nll };
  }
  console.log(`best temperature by category NLL: ${best.t.toFixed(2)}`);
  for (const t of [best.t, 0.5, 0.8, 1, 1.3]) report(held, t);
}

function report(held: Array<{ logits: Float64Array; label: number }>, t: number) {
  let catOk = 0;
  let subOk = 0;
  let conf = 0;
  let confOk = 0;
  let auto = 0;
  let autoOk = 0;
  const bins = Array.from({ length: 10 }, () => ({ n: 0, ok: 0, p: 0 }));
  for (const h of held) {
    const r = fromLogits(h.logits, t);
    const goldSub = LABELS[h.label];
    const ok = r.category === SUB_CATEGORIES[goldSub];
    if (ok) catOk++;
    if (r.subCategory === goldSub) subOk++;
    if (r.confidence > 0.85) {
      conf++;
      if (ok) confOk++;
      if (AUTO.has(r.subCategory)) {
        auto++;
        if (r.subCategory === goldSub) autoOk++;
      }
    }
    const b = bins[Math.min(9, Math.floor(r.confidence * 10))];
    b.n++;
    b.p += r.confidence;
    if (ok) b.ok++;
  }
  const n = held.length;
  let ece = 0;
  for (const b of bins) if (b.n) ece += (b.n / n) * Math.abs(b.ok / b.n - b.p / b.n);
  console.log(
    `T=${t.toFixed(2)} cat_acc=${(catOk / n).toFixed(3)} sub_acc=${(subOk / n).toFixed(3)} ` +
      `ECE=${ece.toFixed(3)} conf>0.85: ${(conf / n).toFixed(3)} of rows, precision ${
        (confOk / Math.max(1, conf)).toFixed(3)
      }; auto-resolve subs precision ${(autoOk / Math.max(1, auto)).toFixed(3)} (n=${auto})`,
  );
}

if (import.meta.main) main();
