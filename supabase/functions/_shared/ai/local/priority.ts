/**
 * Rule-based priority: a base score per sub-category, raised by business impact, security,
 * urgency words and strong negative sentiment, lowered by "no rush" cues; then bumped one level
 * for VIP/enterprise customers and for a third contact about the same category.
 */
import type { Category, CustomerTier, HistoryItem, Priority, SubCategory } from "../types.ts";
import type { SentimentResult } from "./sentiment.ts";
import { fastTest } from "./prefilter.ts";

export interface PriorityResult {
  priority: Priority;
  urgencyScore: number;
  reasoning: string;
  signals: string[];
}

const BASE: Record<SubCategory, number> = {
  outage: 7,
  bug_report: 5,
  integration: 4,
  performance: 5,
  password_reset: 4,
  login_problem: 5,
  account_update: 3,
  account_deletion: 3,
  invoice_request: 3,
  refund_request: 4,
  payment_failed: 5,
  subscription_change: 3,
  documentation: 2,
  how_to: 2,
  feature_request: 1,
  complaint: 4,
  other: 3,
};

interface Cue {
  name: string;
  re: RegExp;
  points: number;
}

const IMPACT: Cue[] = [
  {
    name: "production down",
    re:
      /\b(production|prod|live (site|system|environment)|entire (site|system|platform|service)|whole (site|system|platform|service))\b.{0,30}\b(down|offline|unavailable|unreachable|broken|outage|not working)\b/,
    points: 4,
  },
  {
    name: "all users affected",
    re:
      /\b(all|every|none) (of )?(our |my |the )?(users|customers|clients|employees|staff|stores|branches|locations|sites|regions|transactions|orders|requests)\b|\b(everyone|everybody) (in|at|on|here|is|are|can|has|who)\b|\b(nobody|no one) (in|at|on|here|can|is able)\b|\b(whole|entire) (company|team|office|organi[sz]ation|department)\b/,
    points: 3,
  },
  {
    name: "data loss",
    re:
      /\b(data loss|lost (all )?(our |my )?(data|files|records)|data (was |has been |got )?(deleted|wiped|corrupted|gone)|deleted (all|my|our) (data|files))\b/,
    points: 3,
  },
  {
    name: "security incident",
    re:
      /\b(hack\w*|breach\w*|compromis\w*|phishing|unauthori[sz]ed (access|charges?|login|transactions?|payments?)|fraud\w*|stolen|identity theft|ransomware|malware|leak\w*|someone (else )?(has |had |may have |might have )?(changed|accessed|logged into|used|taken over)|(account|e-?mail) (was |has been )?(taken over|hijacked)|(was|wasn ?t|it was) not me|without my (permission|knowledge|consent))\b/,
    points: 4,
  },
  {
    name: "revenue impact",
    re:
      /\b(losing (money|sales|revenue|customers|business)|revenue|lost sales|cannot (sell|take orders|process payments)|business (critical|stopped|halted))\b/,
    points: 2,
  },
  {
    name: "critical/blocking",
    re:
      /\b(critical|severe|blocker|blocking|blocked from working|cannot work|can ?t work|showstopper|complete(ly)? (down|broken|stopped)|major (incident|outage|disruption))\b/,
    points: 2,
  },
  {
    name: "business disruption",
    re:
      /\b(affect\w*|impact\w*|disrupt\w*|hinder\w*|halt\w*|block\w*|prevent\w*)\b.{0,40}\b(business|operations?|productivity|workflow|daily work|customers|clients|sales|services?|revenue|patients)\b/,
    points: 2,
  },
  {
    name: "outage",
    re: /\b(outage|is down|are down|went down|service disruption|503|502)\b/,
    points: 1,
  },
];

const URGENCY =
  /\b(urgent\w*|asap|a\.s\.a\.p|immediately|emergency|right away|right now|as soon as possible|time.sensitive|deadline|today|tonight|by tomorrow|within (the )?(hour|day))\b/;
const NOT_URGENT =
  /\b(no rush|not urgent|no hurry|whenever (you|convenient)|when you (get a chance|have time)|low priority|not a big deal|just curious|just wondering)\b/;
const THANKS_ONLY = /^\W*(thanks?|thank you|many thanks|cheers|great,? thanks?)\b/;

const LEVELS: Priority[] = ["low", "medium", "high", "urgent"];
const RANGE: Record<Priority, [number, number]> = {
  low: [1, 3],
  medium: [4, 6],
  high: [7, 8],
  urgent: [9, 10],
};

function levelOf(score: number): number {
  if (score >= 9) return 3;
  if (score >= 7) return 2;
  if (score >= 4) return 1;
  return 0;
}

/** The cue patterns behind their literal prefilters (same answers, fewer pattern runs). */
const IMPACT_TESTS = IMPACT.map((cue) => fastTest(cue.re));
const isNotUrgent = fastTest(NOT_URGENT);
const isUrgent = fastTest(URGENCY);
const isThanksOnly = fastTest(THANKS_ONLY);

export interface PriorityInput {
  /** Normalised (lower-case, accent-free) ticket text with injection sentences removed. */
  norm: string;
  category: Category;
  subCategory: SubCategory;
  sentiment: SentimentResult;
  tier: CustomerTier;
  history: HistoryItem[];
}

export function assessPriority(p: PriorityInput): PriorityResult {
  const reasons: string[] = [];
  let score = BASE[p.subCategory];
  let impact = 0;
  for (let k = 0; k < IMPACT.length; k++) {
    const cue = IMPACT[k];
    if (IMPACT_TESTS[k](p.norm)) {
      impact += cue.points;
      reasons.push(cue.name);
    }
  }
  score += Math.min(5, impact);
  const notUrgent = isNotUrgent(p.norm);
  if (!notUrgent && isUrgent(p.norm)) {
    score += 2;
    reasons.push("urgency words");
  }
  if (notUrgent) {
    score -= 2;
    reasons.push("customer says it is not urgent");
  }
  const s = p.sentiment;
  if (s.emotion === "angry" || s.emotion === "frustrated") {
    if (s.intensity >= 8) {
      score += 2;
      reasons.push(`${s.emotion} customer (intensity ${s.intensity})`);
    } else if (s.intensity >= 6) {
      score += 1;
      reasons.push(`${s.emotion} customer`);
    }
  }
  if (p.norm.length < 120 && impact === 0 && isThanksOnly(p.norm)) {
    score = Math.min(score, 2);
    reasons.push("thank-you note");
  }
  score = Math.max(1, Math.min(10, score));
  let level = levelOf(score);
  if (p.tier === "vip" || p.tier === "enterprise") {
    if (level < 3) level++;
    reasons.push(`${p.tier} customer`);
  }
  const sameCategory = p.history.filter((h) => h.category === p.category).length;
  if (sameCategory >= 2) {
    if (level < 3) level++;
    reasons.push(`contact #${sameCategory + 1} about ${p.category}`);
  }
  const priority = LEVELS[level];
  const [lo, hi] = RANGE[priority];
  const urgencyScore = Math.max(lo, Math.min(hi, Math.round(score)));
  const what = p.subCategory.replace(/_/g, " ");
  const reasoning = reasons.length
    ? `${cap(priority)} priority for a ${what} ticket because of: ${reasons.join(", ")}.`
    : `${cap(priority)} priority: a ${what} ticket with no urgency, impact or escalation signals.`;
  return { priority, urgencyScore, reasoning, signals: reasons };
}

function cap(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}
