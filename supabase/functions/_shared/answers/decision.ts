/**
 * The auto-send decision: an AI answer goes out without review only when every quality gate
 * passed, its confidence is above the threshold (the seed: > 0.9), the writer did not ask for
 * review, and nothing about the ticket forbids it (the blockers SQL reports: escalated,
 * VIP/enterprise, automated, spam, an excluded sub-category, …). Otherwise it is kept as a
 * draft, with every reason.
 */
import { failedGates, type GateResults } from "./gates.ts";

/** The seed's threshold: `confidence > 0.9`. */
export const DEFAULT_MIN_CONFIDENCE = 0.9;

/** What the decision looks at. */
export interface DecisionInput {
  gates: GateResults;
  confidence: number;
  /** Auto-send only above this (exclusive). */
  minConfidence?: number;
  /** Why the ticket does not qualify (from app_private.auto_send_blockers); empty: it does. */
  blockers: string[];
  /** Why the writer wants a person to look (e.g. needs_translation, no_kb_article). */
  reviewReasons: string[];
}

/** The decision and, for a draft, why. */
export interface Decision {
  autoSend: boolean;
  reasons: string[];
}

/** Decides between sending the answer now and keeping it as a draft for review. */
export function decideAutoSend(input: DecisionInput): Decision {
  const min = input.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const reasons = [
    ...failedGates(input.gates).map((gate) => `gate_${gate}`),
    ...(Number.isFinite(input.confidence) && input.confidence > min ? [] : ["low_confidence"]),
    ...input.reviewReasons,
    ...input.blockers,
  ];
  const unique = [...new Set(reasons)];
  return { autoSend: unique.length === 0, reasons: unique };
}
