/**
 * The built-in, deterministic, no-network triage provider ("local" model).
 *
 * - category / sub-category: a softmax regression over stemmed word unigrams and bigrams (with
 *   negation marking), character 4-grams and hand-written concept keywords, trained in-process
 *   on hand-written examples (./local/data_*.ts) the first time it is needed, with a calibrated
 *   temperature so that `confidence` behaves like a probability, then shrunk toward the prior
 *   for text the model cannot judge reliably: longer than its training examples, parts that
 *   disagree when scored alone, mostly unknown words (model.ts, reliability());
 * - sentiment: lexicon and cue rules (./local/sentiment.ts);
 * - priority: impact / urgency / sentiment / tier / history rules (./local/priority.ts);
 * - spam: logistic regression over words and spam cues (./local/spam.ts);
 * - language: the eld n-gram detector backed by stop-word profiles (./local/language.ts).
 */
import type { AiProvider, TriageInput, TriageResult } from "./types.ts";
import { stripInjection } from "./local/injection.ts";
import { detectLanguage } from "./local/language.ts";
import { classify, getModel } from "./local/model.ts";
import { assessPriority } from "./local/priority.ts";
import { analyzeSentiment } from "./local/sentiment.ts";
import { normalize, tokenize } from "./local/text.ts";
import { getSpamModel, scoreSpam } from "./local/spam.ts";

/** Longest text analysed; the rest of very long tickets (logs, quoted threads) is ignored. */
const MAX_CHARS = 6000;

/** Drops quoted replies ("> ...", "On <date> ... wrote:") and trims the text. */
export function cleanBody(body: string): string {
  const lines = splitLines(body);
  const out: string[] = [];
  for (const line of lines) {
    if (/^\s*(on .{5,120} wrote:|-----\s*original message\s*-----|from: .+@.+)\s*$/i.test(line)) {
      break;
    }
    if (/^\s*>/.test(line)) continue;
    out.push(line);
  }
  return out.join("\n").trim().slice(0, MAX_CHARS);
}

/** `text.split(/\r?\n/)` without the regular expression. */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length - 1; i++) {
    const l = lines[i];
    if (l.endsWith("\r")) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Triage of one ticket; synchronous and pure. */
export function triageLocal(input: TriageInput): TriageResult {
  const signals: string[] = [];
  const subject = (input.subject ?? "").trim().slice(0, MAX_CHARS);
  const body = cleanBody(input.body ?? "");
  const raw = subject && body ? `${subject}\n${body}` : subject || body;
  const { text, removed } = stripInjection(raw);
  if (removed > 0) signals.push(`ignored ${removed} prompt-injection sentence(s)`);

  const norm = normalize(text);
  const prepared = { norm, toks: tokenize(norm) };
  const cls = classify(text, prepared);
  signals.push(
    `classifier: ${cls.category}/${cls.subCategory} p=${cls.confidence.toFixed(2)}`,
  );
  if (cls.evidence.length) {
    signals.push(`evidence: ${cls.evidence.map((f) => f.slice(2).replace(/_/g, " ")).join(", ")}`);
  }

  const sentiment = analyzeSentiment(text, prepared);
  signals.push(`sentiment: ${sentiment.emotion} ${sentiment.intensity}/10`);
  for (const s of sentiment.signals) signals.push(`sentiment cue: ${s}`);

  const priority = assessPriority({
    norm,
    category: cls.category,
    subCategory: cls.subCategory,
    sentiment,
    tier: input.customerTier,
    history: input.history ?? [],
  });
  for (const s of priority.signals) signals.push(`priority cue: ${s}`);

  const spam = scoreSpam(text);
  if (spam.isSpam) signals.push(`spam ${spam.score.toFixed(2)}: ${spam.cues.join(", ")}`);

  const language = detectLanguage(text);
  if (language !== "en") signals.push(`language:${language} — needs a human`);

  return {
    category: cls.category,
    subCategory: cls.subCategory,
    // Never claim certainty: a hand-written training set cannot justify more than 0.99.
    confidence: Math.min(0.99, Math.round(cls.confidence * 1000) / 1000),
    sentiment: {
      emotion: sentiment.emotion,
      intensity: sentiment.intensity,
      escalationNeeded: sentiment.escalationNeeded,
    },
    priority: {
      priority: priority.priority,
      urgencyScore: priority.urgencyScore,
      reasoning: priority.reasoning,
    },
    language,
    model: "local",
    signals,
    spam: { score: spam.score, isSpam: spam.isSpam },
    promptTokens: 0,
    completionTokens: 0,
    totalCost: 0,
  };
}

/** Creates the local provider; the model is trained on first creation (well under 300 ms). */
export function createLocalProvider(): AiProvider {
  getModel();
  getSpamModel();
  return {
    name: "local",
    triage(input: TriageInput): Promise<TriageResult> {
      return Promise.resolve(triageLocal(input));
    },
  };
}
