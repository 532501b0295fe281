/**
 * Spam score: a small logistic regression over words, word pairs, hand-written spam concepts
 * (prizes, phishing, pharma, adult, crypto, loans, SEO offers, advance-fee scams, premium-rate
 * SMS) and structural cues (many or shortened links, links to bare IP addresses, capitals,
 * money amounts, phone numbers, exclamation marks). Trained in-process on data_spam.ts plus the
 * support examples of the category model (genuine mail), weighted so that genuine support mail
 * is almost never flagged.
 */
import { rng } from "./classifier.ts";
import { HAM_EXAMPLES, SPAM_EXAMPLES } from "./data_spam.ts";
import { LONGFORM } from "./data_longform.ts";
import { MAIL_TICKETS } from "./data_mail.ts";
import { DATA } from "./training_data.ts";

/** Score at or above which a message is called spam (chosen for a very low false-positive rate). */
export const SPAM_THRESHOLD = 0.7;

/** Longest prefix of a message the spam model reads. */
const MAX_CHARS = 1200;

/** Spam verdict with the cues that raised the score most. */
export interface SpamResult {
  score: number;
  isSpam: boolean;
  cues: string[];
}

const CONCEPTS: Array<[string, RegExp]> = [
  [
    "prize",
    /\b(you (have |ve |'ve )?(been )?(won|selected|chosen)|winner|winnings|prize|lottery|jackpot|sweepstakes?|lucky (draw|dip|winner)|claim (your|ur|the|a)|award(ed)? (a|with|you)|congrat(ulation)?s)\b/,
  ],
  [
    "free",
    /\b(free (gift|entry|trial|access|spins|upgrade|quote|sample|shipping worldwide)|100% free|absolutely free|for free!|at no cost|no cost to you)\b/,
  ],
  [
    "cta",
    /\b(click (here|below|the link|now)|call now|act now|order now|apply now|buy now|sign up (free|now)|reply (yes|now|win|stop)|(txt|text|send) [a-z]{2,8} to \d{4,6}|tap here|visit our (store|shop|site) (today|now))\b/,
  ],
  [
    "deadline",
    /\b(expires? (in|at|today|tonight|soon)|offer ends|last chance|limited (time|offer|spots|places|supply|availability)|only \d+ (spots|places) left|before (midnight|it'?s too late)|today only|final notice|don'?t miss)\b/,
  ],
  [
    "guarantee",
    /\b(guaranteed?|risk[- ]free|no obligation|money[- ]back|no questions asked|no credit check|no experience|no prescription|100 ?%|no strings)\b/,
  ],
  [
    "phishing",
    /\b(verify (your|ur) (identity|account|details|information)|confirm (your )?(password|identity|login|card details|account details)|(membership|apple id|mailbox|bank account) (has been |is |will be )?(suspended|deactivated|on hold)|account will be (closed|deactivated|suspended)|update (your )?(billing|payment) (info|information|details)|unusual (activity|sign.?in)|security (alert|reasons)|mailbox quota|validate your account|social security number|unpaid (customs )?fee)\b/,
  ],
  [
    "pharma",
    /\b(v[i1]agra|c[i1]alis|pharmacy|pills?|meds|medication|prescription|weight loss|lose \d+ (pounds|lbs|kg)|belly fat|enlarge\w*|manhood|anti.?aging|herbal)\b/,
  ],
  [
    "adult",
    /\b(hot singles|singles (in|near)|xxx|adult (content|site|chat)|nude|naughty|horny|sexy|18\+|private photos|dating|meet (local )?(women|girls|singles))\b/,
  ],
  [
    "crypto",
    /\b(bitcoin|btc|crypto\w*|ethereum|token (sale|presale|launch)|presale|forex|trading (robot|bot|signals)|binary options|100x|to the moon|whitelist)\b/,
  ],
  [
    "get_rich",
    /\b(make money|earn (\$|£|€)?\d|earn (money|cash|extra)|work(ing)? from home|be your own boss|double your (money|income)|passive income|financial freedom|millionaires?|per (week|day|month) (from home|working)|mystery shopper|get paid)\b/,
  ],
  [
    "loan",
    /\b(mortgage|refinanc\w*|loans?|bad credit|credit (line|score|check)|debt (consolidation|relief|free)|pre.?approved|apr|payday|lowest rates?|insurance quotes?)\b/,
  ],
  [
    "seo",
    /\b(seo|search engine|first page of google|rankings?|backlinks?|(website|web site) traffic|traffic to your|email (lists?|marketing)|bulk (email|mail)|mass mailing|lead generation|qualified leads|followers|guest post|sponsored (article|post)|website owner|web design)\b/,
  ],
  [
    "scam419",
    /\b(dear friend|next of kin|barrister|beneficiary|foreign partner|dormant account|the (sum|fund) of|transfer (the |this )?(sum|fund)|million (dollars|usd|euros?|pounds)|late (client|husband|father|minister)|compensation fund|diplomatic|confidential business|inheritance|widow)\b/,
  ],
  [
    "premium_sms",
    /\b(\d+(\.\d\d)?p ?\/ ?(min|msg)|per (msg|min|minute|week)\b|std (txt|msg) rates?|msg (cost|rate)|t ?& ?cs?|(txt|text|reply|send) stop|ringtones?|tones club|0(8|9)\d{2} ?\d{3} ?\d{3,4}|\b0800\b)/,
  ],
  [
    "unsubscribe",
    /\b(unsubscribe|opt.?out|to be removed|remove (me|you|yourself) from|no longer wish to receive|this is not spam|you are receiving this (message|email) because|opted in)\b/,
  ],
  [
    "cheap",
    /\b(\d\d ?% off|cheap\w*|lowest prices?|wholesale|discount(ed)? (prices?|deals?)|special (offer|promotion)|amazing deal|best deals?|save (up to|big|hundreds)|bargain)\b/,
  ],
  ["casino", /\b(casino|free spins|welcome bonus|jackpots?|poker|betting|bet now|slots)\b/],
];

const SHORTENER =
  /\b(bit\.ly|tinyurl\.com|goo\.gl|t\.co|ow\.ly|is\.gd|buff\.ly|rebrand\.ly|cutt\.ly|shorturl\.at|tiny\.cc|rb\.gy)\//;
const URL_RE = /\bhttps?:\/\/[^\s<>"')]+|\bwww\.[^\s<>"')]+/g;
const ODD_TLD =
  /^(https?:\/\/)?[^/?#:]+\.(ru|cn|biz|info|xyz|top|cc|xxx|click|win|loan|ws)([/?#:]|$)/;
const IP_URL = /\bhttps?:\/\/\d{1,3}(\.\d{1,3}){3}/;
const MONEY = /[$£€]\s?\d[\d,.]*|\b\d[\d,.]*\s?(usd|dollars|euros?|pounds|gbp)\b/g;
const PHONE = /(?<![\d-])(\+?\d[\d -]{8,}\d)(?![\d-])/g;

/** Words too common to help (they still take part in word pairs). */
const SKIP = new Set(
  "a an the and or of to in on at for is are be it this that i you my your we our me with as by from was"
    .split(" "),
);

type Features = Map<string, number>;

function bin(n: number, edges: number[]): number {
  let i = 0;
  while (i < edges.length && n >= edges[i]) i++;
  return i;
}

/** Named features of a message (words normalised to unit length, cues binary). */
export function spamFeatures(text: string): Features {
  const raw = text.slice(0, MAX_CHARS);
  const lower = raw.toLowerCase();
  const f: Features = new Map();
  const tokens = lower
    .replace(URL_RE, " zurl ")
    .replace(/[$£€]\s?\d[\d,.]*/g, " zmoney ")
    .match(/[a-z][a-z']*|\d+/g) ?? [];
  const words: string[] = [];
  for (const t of tokens) {
    if (/^\d/.test(t)) words.push(t.length >= 9 ? "zlongnum" : t.length >= 4 ? "znum4" : "znum");
    else words.push(t.replace(/'/g, ""));
  }
  const wordFeats = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (!SKIP.has(w)) wordFeats.set("w:" + w, 1);
    if (i + 1 < words.length) wordFeats.set("b:" + w + "_" + words[i + 1], 0.7);
  }
  let norm = 0;
  for (const v of wordFeats.values()) norm += v * v;
  const inv = norm ? 1 / Math.sqrt(norm) : 0;
  for (const [k, v] of wordFeats) f.set(k, v * inv * 2);

  for (const [name, re] of CONCEPTS) if (re.test(lower)) f.set("k:" + name, 1);
  const urls = lower.match(URL_RE) ?? [];
  if (urls.length) f.set("s:urls" + bin(urls.length, [2, 4, 8]), 1);
  if (SHORTENER.test(lower)) f.set("s:shortener", 1);
  if (IP_URL.test(lower)) f.set("s:ip_url", 1);
  if (urls.some((u) => ODD_TLD.test(u))) f.set("s:odd_tld", 1);
  if (/^\s*(re|aw|sv|fwd?)\s*:/i.test(raw)) f.set("s:reply", 1);
  const money = lower.match(MONEY) ?? [];
  if (money.length) f.set("s:money" + bin(money.length, [2, 4]), 1);
  const phones = raw.match(PHONE) ?? [];
  if (phones.length) f.set("s:phone", 1);
  const letters = raw.match(/[A-Za-z]{3,}/g) ?? [];
  if (letters.length >= 4) {
    const caps = letters.filter((w) => w === w.toUpperCase()).length / letters.length;
    if (caps >= 0.5) f.set("s:caps_most", 1);
    else if (caps >= 0.2) f.set("s:caps_some", 1);
  }
  const bangs = (raw.match(/!/g) ?? []).length;
  if (bangs >= 3) f.set("s:bangs", 1);
  if (/!!|\?!/.test(raw)) f.set("s:multibang", 1);
  if (/\b(u|ur|r|txt|msg|4u|2day|2nite)\b/.test(lower)) f.set("s:textspeak", 1);
  if (letters.length < 30) f.set("s:short", 1);
  return f;
}

interface Model {
  weights: Map<string, number>;
  bias: number;
}

let model: Model | null = null;

/** Genuine messages used as the "not spam" class: personal notes plus support tickets. */
function hamTexts(): string[] {
  const out = [...HAM_EXAMPLES];
  for (const entry of Object.values(DATA)) out.push(...entry.examples);
  for (const list of Object.values(LONGFORM)) out.push(...(list ?? []));
  for (const list of Object.values(MAIL_TICKETS)) out.push(...(list ?? []));
  return out;
}

/** Signatures and list footers appended to some genuine messages: links and numbers are not spam. */
const FOOTERS = [
  "\n--\nAnna Berg | Operations | Northwind Ltd\nPhone +44 20 7946 0958 | https://www.northwind.example",
  "\n_______________________________________________\nusers mailing list\nusers@lists.example.org\nhttps://lists.example.org/mailman/listinfo/users",
  "\n\nSent from my phone",
  "\n--\nTom\nhttp://tom.example.net/blog",
  "\n\nRegards,\nMarco Rossi\nIT Manager, Blue Harbor Logistics\nTel. 312-555-0187",
  "\n\nTo unsubscribe from this list, send an email to list-leave@lists.example.org",
];

function train(): Model {
  const spam = SPAM_EXAMPLES.flatMap((t, i) => [
    t,
    t.toLowerCase(),
    i % 7 === 0 ? `Re: ${t}` : t.replace(/[.,]/g, ""),
  ]);
  const ham = hamTexts().flatMap((
    t,
    i,
  ) => (i % 3 === 0 ? [t, t + FOOTERS[i % FOOTERS.length]] : i % 3 === 1 ? [t, `Re: ${t}`] : [t]));
  const rows = [
    ...spam.map((t) => ({ f: spamFeatures(t), y: 1 })),
    ...ham.map((t) => ({ f: spamFeatures(t), y: 0 })),
  ];
  // Ham counts a little more than spam in total: a missed spam costs less than a lost ticket.
  const wSpam = rows.length / (2 * spam.length);
  const wHam = (1.5 * rows.length) / (2 * ham.length);
  const w = new Map<string, number>();
  const avg = new Map<string, number>();
  let b = 0;
  let bAvg = 0;
  const rand = rng(5);
  const order = rows.map((_, i) => i);
  const epochs = 12;
  const total = epochs * rows.length;
  const l2 = 1e-4;
  let step = 0;
  for (let ep = 0; ep < epochs; ep++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const n of order) {
      const { f, y } = rows[n];
      let z = b;
      for (const [k, v] of f) z += (w.get(k) ?? 0) * v;
      const p = 1 / (1 + Math.exp(-z));
      const lr = 0.5 * (1 - step / total) * (y ? wSpam : wHam);
      const g = p - y;
      const remain = total - step;
      b -= lr * g;
      bAvg -= lr * g * remain;
      for (const [k, v] of f) {
        const cur = w.get(k) ?? 0;
        const d = -lr * (g * v + l2 * cur);
        w.set(k, cur + d);
        avg.set(k, (avg.get(k) ?? 0) + d * remain);
      }
      step++;
    }
  }
  const weights = new Map<string, number>();
  for (const [k, v] of avg) if (Math.abs(v / total) > 1e-4) weights.set(k, v / total);
  return { weights, bias: bAvg / total };
}

/** Trains the spam model once (about 50 ms) and returns it. */
export function getSpamModel(): Model {
  if (!model) model = train();
  return model;
}

/** Scores one message (subject and body joined). */
export function scoreSpam(text: string): SpamResult {
  const m = getSpamModel();
  const f = spamFeatures(text);
  let z = m.bias;
  const contrib: Array<[string, number]> = [];
  for (const [k, v] of f) {
    const c = (m.weights.get(k) ?? 0) * v;
    z += c;
    if (c > 0.3 && !k.startsWith("b:")) contrib.push([k, c]);
  }
  const score = 1 / (1 + Math.exp(-z));
  contrib.sort((a, b) => b[1] - a[1]);
  return {
    score: Math.round(score * 1000) / 1000,
    isSpam: score >= SPAM_THRESHOLD,
    cues: contrib.slice(0, 3).map(([k]) => k.slice(2).replace(/_/g, " ")),
  };
}
