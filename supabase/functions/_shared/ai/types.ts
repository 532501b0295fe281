/** Ticket categories the whole product understands. */
export const CATEGORIES = ["billing", "technical", "account", "general"] as const;
export type Category = typeof CATEGORIES[number];

/** Sub-categories, each belonging to exactly one category. */
export const SUB_CATEGORIES = {
  password_reset: "account",
  login_problem: "account",
  account_update: "account",
  account_deletion: "account",
  invoice_request: "billing",
  refund_request: "billing",
  payment_failed: "billing",
  subscription_change: "billing",
  bug_report: "technical",
  outage: "technical",
  integration: "technical",
  performance: "technical",
  documentation: "general",
  how_to: "general",
  feature_request: "general",
  complaint: "general",
  other: "general",
} as const satisfies Record<string, Category>;
export type SubCategory = keyof typeof SUB_CATEGORIES;

/** Emotions of the seed's sentiment analysis. */
export const EMOTIONS = [
  "angry",
  "frustrated",
  "confused",
  "neutral",
  "satisfied",
  "happy",
] as const;
export type Emotion = typeof EMOTIONS[number];

/** Priority levels, most urgent first. */
export const PRIORITIES = ["urgent", "high", "medium", "low"] as const;
export type Priority = typeof PRIORITIES[number];

/** Customer tiers. */
export type CustomerTier = "standard" | "vip" | "enterprise";

/** An earlier ticket of the same customer, newest first. */
export interface HistoryItem {
  subject: string;
  category: string | null;
  status: string;
  createdAt: string;
}

/** What every provider receives for one ticket. */
export interface TriageInput {
  subject: string;
  body: string;
  channel: string;
  customerTier: CustomerTier;
  /** Up to the last 3 tickets of this customer, newest first. */
  history: HistoryItem[];
}

/** The merged result of classification, sentiment and priority. */
export interface TriageResult {
  category: Category;
  subCategory: SubCategory;
  /** Calibrated probability that the category is right, 0..1. */
  confidence: number;
  sentiment: { emotion: Emotion; intensity: number; escalationNeeded: boolean };
  priority: { priority: Priority; urgencyScore: number; reasoning: string };
  /** ISO 639-1 code, e.g. "en". */
  language: string;
  /** Model name stored in ai_analysis.model_name ("local" for the built-in provider). */
  model: string;
  /** Short human-readable notes (keywords found, signals used) kept for transparency. */
  signals: string[];
  /** Probability that the message is spam, 0..1, and the verdict at the provider's threshold. */
  spam?: { score: number; isSpam: boolean };
  /** Set when the message is not English: the English text the analysis used. */
  translation?: { language: string; subject: string; body: string };
  /** Set when another provider's answer replaced this one's (e.g. OpenAI failed → local). */
  fallback?: { from: string; reason: string };
  promptTokens?: number;
  completionTokens?: number;
  /** US dollars for all calls this analysis made. */
  totalCost?: number;
}

/** A triage provider: the built-in local one, or OpenAI (added next to it). */
export interface AiProvider {
  readonly name: string;
  triage(input: TriageInput): Promise<TriageResult>;
}
