/**
 * Text normalisation, tokenisation and feature extraction for the local triage model.
 * Everything here is pure and deterministic.
 */
import { fastTest } from "./prefilter.ts";

/** Lower-cases, strips accents and replaces URLs, e-mail addresses and numbers by placeholders. */
export function normalize(text: string): string {
  let t = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+/g, " zurl ");
  // (Each step below can only change a text holding its required character.)
  if (t.includes("@")) t = t.replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, " zemail ");
  t = t.replace(/[’`´]/g, "'");
  if (t.includes("'")) t = t.replace(/(\w)'(\w)/g, "$1$2");
  return t.replace(/\d+(?:[.,:/-]\d+)*/g, " znum ");
}

/** Words that flip the meaning of the following words up to the end of the clause. */
const NEGATORS = new Set([
  "not",
  "no",
  "never",
  "cannot",
  "cant",
  "dont",
  "doesnt",
  "didnt",
  "isnt",
  "wasnt",
  "werent",
  "arent",
  "wont",
  "wouldnt",
  "couldnt",
  "shouldnt",
  "havent",
  "hasnt",
  "hadnt",
  "unable",
  "without",
  "nor",
  "nothing",
  "nobody",
  "neither",
  "aint",
  "failed",
  "fails",
  "fail",
]);

/** Function words that carry no topic on their own (they still take part in bigrams). */
export const STOPWORDS = new Set(
  (
    "a an the and or but if then so of to in on at by for with from as is am are was were be been " +
    "being it its this that these those i me my mine we us our you your he she they them their " +
    "his her do does did doing have has had having will would shall should can could may might " +
    "must just very really also too there here what which who whom when where why how all any " +
    "some such than into about over after before again once only own same other more most " +
    "up down out off im ive id youre hi hello dear thanks thank please regards best kind " +
    "team support sir madam hey there greetings cheers sincerely"
  ).split(" "),
);

const SCOPE_BREAKERS = new Set(["but", "however", "although", "though", "while", "and"]);

/** Stems of words seen so far (stemming is pure, and tickets reuse a small vocabulary). */
const STEM_CACHE = new Map<string, string>();
const STEM_CACHE_MAX = 100_000;

/** A crude English suffix stripper: merges cancel/cancelled/cancelling, charge/charged, ... */
export function stem(w: string): string {
  if (w.length <= 4) return w;
  const hit = STEM_CACHE.get(w);
  if (hit !== undefined) return hit;
  const s = stemUncached(w);
  if (STEM_CACHE.size >= STEM_CACHE_MAX) STEM_CACHE.clear();
  STEM_CACHE.set(w, s);
  return s;
}

const SUFFIXES = [
  "ational",
  "ations",
  "ation",
  "ments",
  "ment",
  "ings",
  "ing",
  "ness",
  "ied",
  "ies",
  "ers",
  "er",
  "ed",
  "es",
  "ly",
  "s",
  "e",
];

function stemUncached(w: string): string {
  let s = w;
  for (const suf of SUFFIXES) {
    if (s.endsWith(suf) && s.length - suf.length >= 3) {
      s = s.slice(0, s.length - suf.length);
      if (suf === "ied" || suf === "ies") s += "y";
      break;
    }
  }
  const n = s.length;
  if (n >= 4 && s[n - 1] === s[n - 2] && !"aeiou".includes(s[n - 1])) {
    if (n >= 5 || !"lsz".includes(s[n - 1])) s = s.slice(0, n - 1);
  }
  return s;
}

export interface Token {
  /** Surface form (normalised). */
  w: string;
  /** Stemmed form. */
  s: string;
  /** True when inside the scope of a preceding negation. */
  neg: boolean;
}

/** Splits normalised text into word tokens, marking negation scope. */
export function tokenize(normalized: string): Token[] {
  const raw = normalized.match(/[a-z]+|[.,;:!?()\n]/g) ?? [];
  const out: Token[] = [];
  let negLeft = 0;
  for (const t of raw) {
    const c = t.charCodeAt(0);
    if (c < 97 || c > 122) {
      // Clause break: one of . , ; : ! ? ( ) or a newline.
      negLeft = 0;
      continue;
    }
    if (SCOPE_BREAKERS.has(t)) negLeft = 0;
    const isNeg = NEGATORS.has(t);
    out.push({ w: t, s: stem(t), neg: negLeft > 0 && !isNeg });
    if (isNeg) negLeft = 3;
    else if (negLeft > 0) negLeft--;
  }
  return out;
}

/**
 * Concept keywords: hand-written synonym groups that let the model generalise beyond the exact
 * words of its training examples. Each group becomes one feature "k:<name>".
 */
export const CONCEPTS: Array<[string, RegExp]> = [
  ["password", /\b(pass ?words?|passwd|pwd|pass ?codes?|pins?|credentials?)\b/],
  ["reset", /\b(reset|recover|recovery|retrieve|forgot|forgotten|forget|lost|remember)\w*/],
  ["login", /\b(log ?in|login|logon|log on|sign ?in|signin|logging in|signing in|access)\b/],
  ["twofa", /\b(2fa|two.factor|mfa|otp|authenticator|verification code|security code)\b/],
  ["locked", /\b(locked|lockout|locked out|blocked|suspended|frozen|disabled)\b/],
  ["register", /\b(regist\w*|sign ?up|signup|create (an |a |my )?(new )?(account|profile))\b/],
  [
    "profile",
    /\b(profile|username|user name|e-?mail address|phone number|personal (details|info\w*)|address|name)\b/,
  ],
  [
    "delete",
    /\b(delet\w*|remov\w*|clos(e|ing) (my|the|our) account|terminat\w*|erase|gdpr|deactivat\w*)\b/,
  ],
  ["account", /\b(account|accounts|profile|user)\b/],
  [
    "invoice",
    /\b(invoices?|receipts?|bills?|billing statements?|statements?|vat|tax document|credit note)\b/,
  ],
  [
    "refund",
    /\b(refund\w*|money back|reimburs\w*|compensat\w*|rebate\w*|chargeback|returned|returning|returns? (it|them|the|my|this|these|an?|our|label|policy|request|form|window|shipping|authori[sz]ation|process|and exchanges?)|exchang\w*|send (it )?back)\b/,
  ],
  ["money", /[$€£]|\b(dollars?|euros?|usd|eur|gbp|bucks)\b/],
  [
    "payment",
    /\b(pay|paid|payment\w*|card|credit card|debit|paypal|transaction|bank transfer|wire)\b/,
  ],
  [
    "declined",
    /\b(declin\w*|rejected|failed|failing|didnt go through|did not go through|bounced|error)\b/,
  ],
  ["charged", /\b(charg\w*|debited|billed|overcharg\w*|double.?charg\w*|twice)\b/],
  [
    "subscription",
    /\b(subscriptions?|plan|plans|tier|upgrade|downgrade|renew\w*|premium|seats?|licen[cs]es?|trial)\b/,
  ],
  [
    "billing",
    /\b(billing|billed|bills?|invoic\w*|payments?|charged|charges|overcharg\w*|refund\w*|prices?|pricing|costs?|fees?|tariffs?|discounts?)\b/,
  ],
  ["cancel", /\b(cancel\w*|unsubscrib\w*|stop (my|the) (subscription|plan))\b/],
  [
    "outage",
    /\b(outage|down|unavailable|unreachable|offline|not (loading|responding)|503|502|500 errors?|maintenance|service disruption|disrupt\w*)\b/,
  ],
  [
    "everyone",
    /\b(all (of )?(our|my|the) (users|customers|clients|staff|employees|team)|everyone|nobody can|whole (company|team|office)|entire (team|company|site|platform)|production)\b/,
  ],
  [
    "bug",
    /\b(bug|crash\w*|error\w*|exception|broken|glitch|freez\w*|not working|doesnt work|does not work|stopped working|fails?|failing)\b/,
  ],
  [
    "integration",
    /\b(api|apis|webhooks?|integrat\w*|sync\w*|zapier|slack|salesforce|hubspot|jira|sso|saml|oauth|sdk|plugin|connector|endpoint|token)\b/,
  ],
  [
    "performance",
    /\b(slow\w*|lag\w*|latency|sluggish|takes (forever|ages|minutes)|timeouts?|timing out|performance|speed|loading times?|cpu|memory)\b/,
  ],
  [
    "docs",
    /\b(documentation|docs|manual|guide|guides|knowledge base|help (center|article)|api reference|user guide|handbook|release notes|tutorials?)\b/,
  ],
  [
    "howto",
    /\b(how (do|can|could|should|would) (i|we|you)|how to|steps to|is it possible to|where (do|can) i|what is the (best )?way)\b/,
  ],
  [
    "feature",
    /\b(feature|suggest\w*|would (be|love) (great|nice|helpful)|add (a|an|support)|wish|idea|roadmap|enhancement|it would be)\b/,
  ],
  [
    "complaint",
    /\b(complain\w*|unacceptable|terrible|awful|horrible|worst|disappoint\w*|rude|poor service|dissatisf\w*|unhappy)\b/,
  ],
  [
    "order",
    /\b(orders?|purchase\w*|deliver\w*|shipping|shipment|package|parcel|tracking|courier)\b/,
  ],
  [
    "human",
    /\b(human|agent|representative|real person|someone|operator|speak to|talk to|call me|phone call)\b/,
  ],
  [
    "sales",
    /\b(quote|demo|enterprise plan|buy|purchasing|sales|partnership|reseller)\b/,
  ],
  [
    "security",
    /\b(hack\w*|breach\w*|compromis\w*|phishing|unauthori[sz]ed|fraud\w*|stolen|suspicious)\b/,
  ],
  [
    "it",
    /\b(laptop|printer|vpn|wi-?fi|network|server|workstation|monitor|keyboard|outlook|email client|software install\w*|hardware|device|router|firewall|drivers?)\b/,
  ],
];

export interface FeatureOptions {
  charGrams: boolean;
}

/** Sparse feature vector: parallel arrays of feature names and values. */
export type SparseNamed = Map<string, number>;

function bump(m: SparseNamed, key: string, w: number) {
  m.set(key, (m.get(key) ?? 0) + w);
}

/**
 * Turns a ticket text into named features (before indexing):
 * stemmed unigrams (with negated variants), bigrams, character 4-grams and concept keywords.
 */
export function extractNamedFeatures(text: string): SparseNamed {
  const norm = normalize(text);
  const toks = tokenize(norm);
  const m: SparseNamed = new Map();
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (!STOPWORDS.has(t.w)) {
      bump(m, "w:" + t.s, 1);
      if (t.neg) bump(m, "n:" + t.s, 1);
      if (t.w.length >= 4) {
        const p = " " + t.w + " ";
        for (let j = 0; j + 4 <= p.length; j++) bump(m, "c:" + p.slice(j, j + 4), 0.25);
      }
    }
    if (i + 1 < toks.length) {
      const u = toks[i + 1];
      if (!(STOPWORDS.has(t.w) && STOPWORDS.has(u.w))) bump(m, "b:" + t.s + "_" + u.s, 0.8);
    }
  }
  for (const [name, re] of CONCEPTS) {
    if (re.test(norm)) bump(m, "k:" + name, 1.5);
  }
  // Sublinear term frequency.
  for (const [k, v] of m) m.set(k, v > 1 ? 1 + Math.log(v) : v);
  return m;
}

/**
 * Hashed sparse features: the same features as extractNamedFeatures(), identified by a 32-bit
 * hash of their name instead of the name itself, accumulated without building strings. Character
 * 4-grams of the letters a-z and space are coded exactly (5 bits a character) before mixing.
 */
export interface HashedFeatures {
  /** Feature ids (hashes); `n` of them are valid. */
  ids: Int32Array;
  vals: Float64Array;
  n: number;
  /** Feature names, parallel to ids; only filled when names were asked for (training). */
  names: string[] | null;
}

/** Finaliser of MurmurHash3: a bijective 32-bit mix. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** FNV-1a over the characters of a string (not mixed). */
function hashStr(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h;
}

const SEED_W = 0x1b873593;
const SEED_N = 0x3c6ef372;
const SEED_B = 0x5bd1e995;
const SEED_C = 0x27d4eb2f;
const SEED_K = 0x165667b1;

const CONCEPT_IDS = CONCEPTS.map((_, i) => fmix(SEED_K + i));
/** The concept patterns behind their literal prefilters (same answers, fewer pattern runs). */
const CONCEPT_TESTS = CONCEPTS.map(([, re]) => fastTest(re));

/** Open-addressing accumulator reused between calls (extraction is synchronous). */
class Accumulator {
  keys = new Int32Array(1 << 12);
  vals = new Float64Array(1 << 12);
  stamp = new Int32Array(1 << 12);
  order = new Int32Array(1 << 11);
  names: string[] | null = null;
  slotName: string[] = [];
  gen = 0;
  count = 0;

  reset(withNames: boolean) {
    this.gen++;
    if (this.gen > 0x3fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    this.count = 0;
    this.names = withNames ? [] : null;
  }

  add(id: number, w: number, name: string) {
    const mask = this.keys.length - 1;
    let i = id & mask;
    const g = this.gen;
    while (this.stamp[i] === g) {
      if (this.keys[i] === id) {
        this.vals[i] += w;
        return;
      }
      i = (i + 1) & mask;
    }
    this.stamp[i] = g;
    this.keys[i] = id;
    this.vals[i] = w;
    this.order[this.count++] = i;
    if (this.names) this.slotName[i] = name;
    if (this.count * 2 >= this.keys.length) this.grow();
  }

  private grow() {
    const oldKeys = this.keys;
    const oldVals = this.vals;
    const oldOrder = this.order.subarray(0, this.count);
    const oldNames = this.slotName;
    const size = oldKeys.length * 2;
    this.keys = new Int32Array(size);
    this.vals = new Float64Array(size);
    this.stamp = new Int32Array(size);
    this.order = new Int32Array(size / 2);
    this.slotName = [];
    this.gen = 1;
    const mask = size - 1;
    let n = 0;
    for (const s of oldOrder) {
      let i = oldKeys[s] & mask;
      while (this.stamp[i] === 1) i = (i + 1) & mask;
      this.stamp[i] = 1;
      this.keys[i] = oldKeys[s];
      this.vals[i] = oldVals[s];
      if (this.names) this.slotName[i] = oldNames[s];
      this.order[n++] = i;
    }
  }

  result(): HashedFeatures {
    const n = this.count;
    const ids = new Int32Array(n);
    const vals = new Float64Array(n);
    const names = this.names ? new Array<string>(n) : null;
    for (let j = 0; j < n; j++) {
      const s = this.order[j];
      ids[j] = this.keys[s];
      const v = this.vals[s];
      // Sublinear term frequency.
      vals[j] = v > 1 ? 1 + Math.log(v) : v;
      if (names) names[j] = this.slotName[s];
    }
    return { ids, vals, n, names };
  }
}

const ACC = new Accumulator();
const GRAM = new Int32Array(64);

/**
 * Per-token feature ids of the most recent extractHashedFeatures() call (valid until the next
 * call): the word-unigram id of token i (0 for stop words) and the id of the bigram starting at
 * token i (0 when none). Used by the model to score chunks of a text without re-extracting.
 */
export const TOKEN_IDS = { uni: new Int32Array(256), bi: new Int32Array(256), n: 0 };

/**
 * Hashed version of extractNamedFeatures(); pass the normalised text and its tokens when they
 * are already at hand. `withNames` also returns the feature names (slower; for training).
 */
export function extractHashedFeatures(
  text: string,
  prepared?: { norm: string; toks: Token[] },
  withNames = false,
): HashedFeatures {
  const norm = prepared ? prepared.norm : normalize(text);
  const toks = prepared ? prepared.toks : tokenize(norm);
  const acc = ACC;
  acc.reset(withNames);
  const nt = toks.length;
  if (TOKEN_IDS.uni.length < nt) {
    TOKEN_IDS.uni = new Int32Array(nt * 2);
    TOKEN_IDS.bi = new Int32Array(nt * 2);
  }
  const uniIds = TOKEN_IDS.uni;
  const biIds = TOKEN_IDS.bi;
  TOKEN_IDS.n = nt;
  let hNext = nt ? hashStr(toks[0].s) : 0;
  for (let i = 0; i < nt; i++) {
    const t = toks[i];
    const hs = hNext;
    const stop = STOPWORDS.has(t.w);
    uniIds[i] = 0;
    biIds[i] = 0;
    if (!stop) {
      const uid = fmix(hs ^ SEED_W);
      uniIds[i] = uid;
      acc.add(uid, 1, withNames ? "w:" + t.s : "");
      if (t.neg) acc.add(fmix(hs ^ SEED_N), 1, withNames ? "n:" + t.s : "");
      const w = t.w;
      const len = w.length;
      if (len >= 4) {
        // Codes of " " + w + " ": space is 0, a..z are 1..26.
        const m = len + 2;
        const codes = m <= GRAM.length ? GRAM : new Int32Array(m);
        codes[0] = 0;
        for (let j = 0; j < len; j++) codes[j + 1] = w.charCodeAt(j) - 96;
        codes[m - 1] = 0;
        for (let j = 0; j + 4 <= m; j++) {
          const code = (codes[j] << 15) | (codes[j + 1] << 10) | (codes[j + 2] << 5) | codes[j + 3];
          acc.add(
            fmix(code ^ SEED_C),
            0.25,
            withNames ? "c:" + (" " + w + " ").slice(j, j + 4) : "",
          );
        }
      }
    }
    if (i + 1 < nt) {
      const u = toks[i + 1];
      hNext = hashStr(u.s);
      if (!(stop && STOPWORDS.has(u.w))) {
        const bid = fmix(Math.imul(hs, 0x9e3779b1) ^ hNext ^ SEED_B);
        biIds[i] = bid;
        acc.add(
          bid,
          0.8,
          withNames ? "b:" + t.s + "_" + u.s : "",
        );
      }
    }
  }
  for (let k = 0; k < CONCEPTS.length; k++) {
    if (CONCEPT_TESTS[k](norm)) {
      acc.add(CONCEPT_IDS[k], 1.5, withNames ? "k:" + CONCEPTS[k][0] : "");
    }
  }
  return acc.result();
}

/** Words of three or more ASCII letters in a text, as `text.match(/[A-Za-z]{3,}/g)` finds them. */
export interface AsciiWords {
  /** How many there are. */
  count: number;
  /** Those written all in capitals, in order. */
  upper: string[];
}

/** Counts the words of three or more ASCII letters and collects the all-capital ones. */
export function asciiWords(text: string): AsciiWords {
  let count = 0;
  const upper: string[] = [];
  let start = -1;
  let allUpper = true;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const isUpper = c >= 65 && c <= 90;
    if (isUpper || (c >= 97 && c <= 122)) {
      if (start < 0) {
        start = i;
        allUpper = true;
      }
      if (!isUpper) allUpper = false;
      continue;
    }
    if (start >= 0 && i - start >= 3) {
      count++;
      if (allUpper) upper.push(text.slice(start, i));
    }
    start = -1;
  }
  return { count, upper };
}

/** How many times a character occurs in a text. */
export function countChar(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}
