/**
 * A small multinomial logistic-regression (softmax) text classifier trained in-process on the
 * hand-written examples of training_data.ts. Training is deterministic (seeded shuffling) and takes
 * well under 300 ms; prediction is a sparse dot product over the 17 sub-categories.
 */
import { extractHashedFeatures, type HashedFeatures } from "./text.ts";

export interface Example {
  text: string;
  label: number;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN: TrainOptions = { epochs: 8, learningRate: 1.0, l2: 1e-5, seed: 7 };

interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

/** Deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Open-addressing map from feature id (32-bit hash) to a dense index. */
class IdIndex {
  private keys = new Int32Array(1 << 16);
  private index = new Int32Array(1 << 16).fill(-1);
  size = 0;

  get(id: number): number {
    const mask = this.keys.length - 1;
    let i = id & mask;
    for (;;) {
      const x = this.index[i];
      if (x < 0) return -1;
      if (this.keys[i] === id) return x;
      i = (i + 1) & mask;
    }
  }

  /** Index of id, added when missing. */
  intern(id: number): number {
    const found = this.get(id);
    if (found >= 0) return found;
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    let i = id & mask;
    while (this.index[i] >= 0) i = (i + 1) & mask;
    this.keys[i] = id;
    this.index[i] = this.size;
    return this.size++;
  }

  private grow() {
    const oldKeys = this.keys;
    const oldIndex = this.index;
    this.keys = new Int32Array(oldKeys.length * 2);
    this.index = new Int32Array(oldKeys.length * 2).fill(-1);
    const mask = this.keys.length - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      if (oldIndex[j] < 0) continue;
      let i = oldKeys[j] & mask;
      while (this.index[i] >= 0) i = (i + 1) & mask;
      this.keys[i] = oldKeys[j];
      this.index[i] = oldIndex[j];
    }
  }
}

export class SoftmaxClassifier {
  readonly nClasses: number;
  private vocab = new IdIndex();
  /** Feature name of each dense index (for explanations). */
  private names: string[] = [];
  private weights = new Float32Array(0);
  private bias: Float64Array;

  constructor(nClasses: number) {
    this.nClasses = nClasses;
    this.bias = new Float64Array(nClasses);
  }

  private vectorizeTrain(f: HashedFeatures): SparseVec {
    const idx = new Int32Array(f.n);
    const val = new Float32Array(f.n);
    let norm = 0;
    for (let j = 0; j < f.n; j++) norm += f.vals[j] * f.vals[j];
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < f.n; j++) {
      const before = this.vocab.size;
      const i = this.vocab.intern(f.ids[j]);
      if (i === before) this.names.push(f.names ? f.names[j] : "");
      idx[j] = i;
      val[j] = f.vals[j] * inv;
    }
    return { idx, val };
  }

  train(examples: Example[], opts: TrainOptions = DEFAULT_TRAIN): void {
    const K = this.nClasses;
    const vecs = examples.map((e) =>
      this.vectorizeTrain(extractHashedFeatures(e.text, undefined, true))
    );
    const labels = examples.map((e) => e.label);
    const D = this.vocab.size;
    const w = new Float32Array(D * K);
    const wAvg = new Float64Array(D * K);
    const b = new Float64Array(K);
    const bAvg = new Float64Array(K);
    // Balance classes: each class gets the same total weight.
    const counts = new Float64Array(K);
    for (const y of labels) counts[y]++;
    const classWeight = Array.from(counts, (c) => (c > 0 ? examples.length / (K * c) : 0));
    const order = examples.map((_, i) => i);
    const rand = rng(opts.seed);
    const scores = new Float64Array(K);
    let step = 0;
    const totalSteps = opts.epochs * examples.length;
    for (let ep = 0; ep < opts.epochs; ep++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const n of order) {
        const { idx, val } = vecs[n];
        const y = labels[n];
        for (let k = 0; k < K; k++) scores[k] = b[k];
        for (let t = 0; t < idx.length; t++) {
          const base = idx[t] * K;
          const v = val[t];
          for (let k = 0; k < K; k++) scores[k] += w[base + k] * v;
        }
        let max = -Infinity;
        for (let k = 0; k < K; k++) if (scores[k] > max) max = scores[k];
        let sum = 0;
        for (let k = 0; k < K; k++) {
          scores[k] = Math.exp(scores[k] - max);
          sum += scores[k];
        }
        const lr = opts.learningRate * (1 - step / totalSteps) * classWeight[y];
        // Averaged SGD: accumulate each update scaled by the number of remaining steps.
        const remain = totalSteps - step;
        for (let k = 0; k < K; k++) {
          const g = scores[k] / sum - (k === y ? 1 : 0);
          const db = -lr * g;
          b[k] += db;
          bAvg[k] += db * remain;
        }
        for (let t = 0; t < idx.length; t++) {
          const base = idx[t] * K;
          const v = val[t];
          for (let k = 0; k < K; k++) {
            const g = scores[k] / sum - (k === y ? 1 : 0);
            const d = -lr * (g * v + opts.l2 * w[base + k]);
            w[base + k] += d;
            wAvg[base + k] += d * remain;
          }
        }
        step++;
      }
    }
    this.weights = new Float32Array(D * K);
    for (let i = 0; i < D * K; i++) this.weights[i] = wAvg[i] / totalSteps;
    for (let k = 0; k < K; k++) this.bias[k] = bAvg[k] / totalSteps;
  }

  /** Raw class scores (logits) for a text. */
  logits(text: string): Float64Array {
    return this.logitsOf(extractHashedFeatures(text));
  }

  /** Raw class scores (logits) for already extracted features. */
  logitsOf(f: HashedFeatures): Float64Array {
    const K = this.nClasses;
    const out = new Float64Array(K);
    out.set(this.bias);
    let norm = 0;
    for (let j = 0; j < f.n; j++) norm += f.vals[j] * f.vals[j];
    if (norm === 0) return out;
    const inv = 1 / Math.sqrt(norm);
    const wts = this.weights;
    for (let j = 0; j < f.n; j++) {
      const i = this.vocab.get(f.ids[j]);
      if (i < 0) continue;
      const base = i * K;
      const v = Math.fround(f.vals[j] * inv);
      for (let k = 0; k < K; k++) out[k] += wts[base + k] * v;
    }
    return out;
  }

  /** True when the feature id was seen in training. */
  knows(id: number): boolean {
    return this.vocab.get(id) >= 0;
  }

  /**
   * Adds v times the weight row of feature `id` to `out` (length nClasses); returns false (and
   * adds nothing) when the feature is unknown to the model.
   */
  addFeature(out: Float64Array, id: number, v: number): boolean {
    const i = this.vocab.get(id);
    if (i < 0) return false;
    const K = this.nClasses;
    const base = i * K;
    const wts = this.weights;
    for (let k = 0; k < K; k++) out[k] += wts[base + k] * v;
    return true;
  }

  /** The learned per-class bias. */
  get biases(): Float64Array {
    return this.bias;
  }

  /** The features of a text that pushed the given class up the most (for explanations). */
  topFeatures(text: string, cls: number, n: number): string[] {
    return this.topFeaturesOf(extractHashedFeatures(text), cls, n);
  }

  /** Like topFeatures(), for already extracted features. */
  topFeaturesOf(f: HashedFeatures, cls: number, n: number): string[] {
    const K = this.nClasses;
    // The n largest contributions (ties by name), kept in order as they are found.
    const top: Array<[string, number]> = [];
    const before = (a: [string, number], b: [string, number]) =>
      a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
    for (let j = 0; j < f.n; j++) {
      const i = this.vocab.get(f.ids[j]);
      if (i < 0) continue;
      const c = this.weights[i * K + cls] * f.vals[j];
      if (c <= 0) continue;
      if (top.length === n && !(c > top[n - 1][1] || c === top[n - 1][1])) continue;
      const item: [string, number] = [this.names[i], c];
      let at = top.length;
      while (at > 0 && before(item, top[at - 1])) at--;
      if (at < n) {
        top.splice(at, 0, item);
        if (top.length > n) top.pop();
      }
    }
    return top.map(([k]) => k);
  }

  get vocabularySize(): number {
    return this.vocab.size;
  }
}

/** Softmax with temperature. */
export function softmax(logits: ArrayLike<number>, temperature: number): number[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const e = Array.from(logits, (l) => Math.exp((l - max) / temperature));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
