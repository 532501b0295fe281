/**
 * Text normalisation, tokenisation and feature extraction for the local triage model.
 * Everything here is pure and deterministic.
 */

/** Lower-cases, strips accents and replaces URLs, e-mail addresses and numbers by placeholders. */
export function normalize(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/https?:\/\/\S+|www\.\S+/g, " zurl ")
    .replace(/[\w.+-]+@[\w-]+\.[\w.-]+/g, " zemail ")
    .replace(/[’`´]/g, "'")
    .replace(/(\w)'(\w)/g, "$1$2")
    .replace(/\d+(?:[.,:/-]\d+)*/g, " znum ");
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

const CLAUSE_BREAK = /^[.,;:!?()\n]$/;
const SCOPE_BREAKERS = new Set(["but", "however", "although", "though", "while", "and"]);

/** A crude English suffix stripper: merges cancel/cancelled/cancelling, charge/charged, ... */
export function stem(w: string): string {
  if (w.length <= 4) return w;
  let s = w;
  const suffixes = [
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
  for (const suf of suffixes) {
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
    if (CLAUSE_BREAK.test(t)) {
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
    /\b(refund\w*|money back|reimburs\w*|compensat\w*|rebate\w*|chargeback|return\w*|exchang\w*|send (it )?back)\b/,
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
    /\b(pricing|quote|demo|enterprise plan|discount|buy|purchasing|sales|partnership|reseller)\b/,
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
