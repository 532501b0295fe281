/** Scoring helpers for `npm run eval`: accuracy, macro-F1, confusion matrices and report lines. */

/** Confidence at or above which an answer counts as "high confidence". */
export const HIGH_CONFIDENCE = 0.85;

/** The scores of one field (category, spam, ...) on one dataset. */
export interface FieldReport {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Gold labels and predicted labels seen, in a stable order. */
  labels: string[];
  /** confusion[gold][predicted] = count. */
  confusion: Record<string, Record<string, number>>;
  perLabel: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  /** Answers that carried a confidence ≥ HIGH_CONFIDENCE, when the field has a confidence. */
  highConfidence?: { n: number; share: number; accuracy: number };
  /** False-positive rate of the positive class (spam only). */
  fpr?: number;
  /** Rows whose prediction was missing (e.g. a provider without a spam score). */
  missing: number;
}

/** One prediction to score: gold label, predicted label and (optionally) its confidence. */
export interface Scored {
  gold: string;
  pred: string;
  /** Labels that also count as right (several product labels can fit one dataset label). */
  accepted?: readonly string[];
  confidence?: number;
}

/** Accumulates predictions for one field and turns them into a FieldReport. */
export class FieldScorer {
  private rows: Scored[] = [];
  private missingCount = 0;

  /** Records one prediction; a right answer among `accepted` is credited as the gold label. */
  add(row: Scored): void {
    this.rows.push(row);
  }

  /** Records a row the provider gave no answer for. */
  addMissing(): void {
    this.missingCount++;
  }

  /** Number of scored rows. */
  get size(): number {
    return this.rows.length;
  }

  /** Builds the report; `positive` names the positive class for a false-positive rate. */
  report(positive?: string): FieldReport {
    const confusion: Record<string, Record<string, number>> = {};
    const labelSet = new Set<string>();
    let ok = 0;
    let confN = 0;
    let confOk = 0;
    let hasConfidence = false;
    for (const r of this.rows) {
      const right = r.pred === r.gold || (r.accepted?.includes(r.pred) ?? false);
      // When several labels are acceptable, a right answer counts as the gold label itself.
      const gold = right ? r.pred : r.gold;
      if (right) ok++;
      labelSet.add(gold);
      labelSet.add(r.pred);
      confusion[gold] ??= {};
      confusion[gold][r.pred] = (confusion[gold][r.pred] ?? 0) + 1;
      if (r.confidence !== undefined) {
        hasConfidence = true;
        if (r.confidence >= HIGH_CONFIDENCE) {
          confN++;
          if (right) confOk++;
        }
      }
    }
    const labels = [...labelSet].sort();
    const perLabel: FieldReport["perLabel"] = {};
    const goldLabels = labels.filter((l) => confusion[l]);
    for (const l of labels) {
      const tp = confusion[l]?.[l] ?? 0;
      let predicted = 0;
      for (const g of Object.keys(confusion)) predicted += confusion[g][l] ?? 0;
      const support = Object.values(confusion[l] ?? {}).reduce((a, b) => a + b, 0);
      const precision = predicted ? tp / predicted : 0;
      const recall = support ? tp / support : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      perLabel[l] = { precision, recall, f1, support };
    }
    // Macro-F1 over the gold classes (labels only ever predicted would add noise zeros).
    const macroF1 = goldLabels.length
      ? goldLabels.reduce((a, l) => a + perLabel[l].f1, 0) / goldLabels.length
      : 0;
    const n = this.rows.length;
    const out: FieldReport = {
      n,
      accuracy: n ? ok / n : 0,
      macroF1,
      labels,
      confusion,
      perLabel,
      missing: this.missingCount,
    };
    if (hasConfidence) {
      out.highConfidence = {
        n: confN,
        share: n ? confN / n : 0,
        accuracy: confN ? confOk / confN : 0,
      };
    }
    if (positive !== undefined) {
      let fp = 0;
      let negatives = 0;
      for (const [g, row] of Object.entries(confusion)) {
        if (g === positive) continue;
        for (const [p, c] of Object.entries(row)) {
          negatives += c;
          if (p === positive) fp += c;
        }
      }
      out.fpr = negatives ? fp / negatives : 0;
    }
    return out;
  }
}

/** Formats a number with three decimals. */
export function fmt3(x: number): string {
  return x.toFixed(3);
}

/** The one-line summary: `eval <dataset> <field> n=<N> accuracy=<x> macro_f1=<y>[ fpr=<z>]`. */
export function evalLine(dataset: string, field: string, r: FieldReport): string {
  const base = `eval ${dataset} ${field} n=${r.n} accuracy=${fmt3(r.accuracy)} macro_f1=${
    fmt3(r.macroF1)
  }`;
  return r.fpr === undefined ? base : `${base} fpr=${fmt3(r.fpr)}`;
}

/** A plain-text confusion matrix (rows = gold, columns = predicted), at most `max` labels. */
export function confusionTable(r: FieldReport, max = 20): string {
  const gold = r.labels.filter((l) => r.confusion[l]);
  const preds = r.labels.filter((l) => gold.some((g) => (r.confusion[g][l] ?? 0) > 0));
  const rows = gold.slice(0, max);
  const cols = preds.slice(0, max);
  const width = Math.max(6, ...rows.map((l) => l.length)) + 1;
  const colW = cols.map((c) => Math.max(5, Math.min(14, c.length)) + 1);
  const head = "gold \\ pred".padEnd(width) +
    cols.map((c, i) => c.slice(0, colW[i] - 1).padStart(colW[i])).join("");
  const lines = [head];
  for (const g of rows) {
    lines.push(
      g.padEnd(width) +
        cols.map((c, i) => String(r.confusion[g][c] ?? 0).padStart(colW[i])).join(""),
    );
  }
  if (gold.length > max || preds.length > max) lines.push(`(first ${max} labels shown)`);
  return lines.join("\n");
}

/** A short block of per-field figures printed above the confusion matrix. */
export function summaryLines(r: FieldReport, positive?: string): string[] {
  const out = [
    `  n=${r.n}  accuracy=${fmt3(r.accuracy)}  macro-F1=${fmt3(r.macroF1)}` +
    (r.missing ? `  missing=${r.missing}` : ""),
  ];
  if (r.highConfidence) {
    const h = r.highConfidence;
    out.push(
      `  confidence ≥ ${HIGH_CONFIDENCE}: ${fmt3(h.share)} of answers, ${fmt3(h.accuracy)} correct`,
    );
  }
  if (positive && r.perLabel[positive]) {
    const p = r.perLabel[positive];
    out.push(
      `  ${positive}: precision=${fmt3(p.precision)} recall=${fmt3(p.recall)} F1=${
        fmt3(p.f1)
      }  fpr=${fmt3(r.fpr ?? 0)}`,
    );
  }
  return out;
}
