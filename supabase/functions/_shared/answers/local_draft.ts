/**
 * The built-in answer writer (no network): a template answer assembled from the best
 * knowledge-base article — a greeting with the customer's first name, an empathy line that
 * fits the sentiment, the article's summary and steps, its link, an offer of more help and a
 * closing — kept within the 1,000 characters the length gate allows. A message in another
 * language gets an English answer saying a teammate will follow up in that language, and is
 * flagged for review.
 */
import { addressee, languageName, supportSignature } from "./names.ts";
import type { AnswerWriter, Draft, DraftInput, KbArticle } from "./types.ts";

/** Model name stored with template answers. */
export const LOCAL_MODEL = "local-template";
/** Longest template answer (the length gate allows 1,000 characters). */
export const MAX_ANSWER_CHARS = 960;

/**
 * How well the best article fits the ticket, 0..1: its sub-category and matching words (or
 * a close embedding) make it a direct answer; the category or the words alone, a likely one.
 */
export function retrievalConfidence(articles: KbArticle[]): number {
  const top = articles[0];
  if (!top) return 0.2;
  const matched = top.textRank > 0 || (top.similarity ?? 0) >= 0.5;
  if (top.subCategoryMatch && matched) return 1;
  if (top.categoryMatch && matched) return 0.85;
  if (top.subCategoryMatch) return 0.75;
  if (matched) return 0.7;
  return 0.4;
}

/** The empathy line for a sentiment (emotion and intensity 1–10). */
export function empathyLine(emotion: string | null, intensity: number | null): string {
  const strong = (intensity ?? 0) >= 7;
  switch (emotion) {
    case "angry":
      return strong
        ? "I'm really sorry about the trouble this has caused, and I understand how frustrating it is."
        : "I'm sorry about the trouble this has caused.";
    case "frustrated":
      return strong
        ? "I'm sorry this has been so frustrating, and thank you for your patience."
        : "I'm sorry this has been frustrating.";
    case "confused":
      return "I can see how this is confusing, so here is a step-by-step walk-through.";
    case "satisfied":
    case "happy":
      return "Thank you for your message.";
    default:
      return "Thanks for getting in touch.";
  }
}

/** The numbered steps of an article: the items of its first ordered list, as plain text. */
export function articleSteps(body: string): string[] {
  const steps: string[] = [];
  let started = false;
  for (const line of body.split(/\r?\n/)) {
    const item = line.match(/^\s*\d+[.)]\s+(.+)$/);
    if (item) {
      started = true;
      steps.push(plainText(item[1]));
    } else if (started && line.trim() !== "" && !/^\s{2,}\S/.test(line)) {
      break;
    }
  }
  return steps.filter(Boolean);
}

/** Markdown inline markup as plain text: links keep their label, emphasis and code marks go. */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, "")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]+)`/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[\s(])[*_](\S.*?\S|\S)[*_](?=[\s).,;:!?]|$)/g, "$1$2")
    .replace(/\s+/g, " ")
    .trim();
}

/** The parts of a template answer. */
export interface TemplateParts {
  name: string | null;
  empathy: string;
  /** Sentences between the empathy line and the steps. */
  intro: string;
  steps: string[];
  url: string | null;
  /** What the link line says before the URL. */
  linkLabel?: string;
  orgName: string;
}

/**
 * Assembles the answer: greeting, empathy and intro, as many steps as fit within
 * MAX_ANSWER_CHARS (pointing to the guide for the rest), the link, an offer of help, closing.
 */
export function composeAnswer(parts: TemplateParts): string {
  const greeting = parts.name ? `Hi ${parts.name},` : "Hi there,";
  const opening = [parts.empathy, parts.intro].filter(Boolean).join(" ");
  const link = parts.url ? `${parts.linkLabel ?? "The full guide is here:"} ${parts.url}` : "";
  const help =
    "If anything is still unclear, just reply to this message and we will be glad to help.";
  const closing = `Best regards,\n${supportSignature(parts.orgName)}`;
  const assemble = (steps: string[], more: boolean) =>
    [
      greeting,
      opening,
      steps.length ? steps.map((s, i) => `${i + 1}. ${s}`).join("\n") : "",
      more ? "The guide below has the remaining steps." : "",
      link,
      help,
      closing,
    ].filter(Boolean).join("\n\n");
  let steps = parts.steps.slice(0, 8);
  let text = assemble(steps, false);
  while (text.length > MAX_ANSWER_CHARS && steps.length > 0) {
    steps = steps.slice(0, -1);
    text = assemble(steps, true);
  }
  if (text.length > MAX_ANSWER_CHARS) {
    text = [greeting, opening.slice(0, 400), link, closing].filter(Boolean).join("\n\n");
  }
  return text;
}

/** Writes the template answer of one ticket. */
export function draftLocal(input: DraftInput): Draft {
  const { ticket, articles } = input;
  const name = addressee(ticket.customerName);
  const empathy = empathyLine(ticket.emotion, ticket.intensity);
  const best = articles[0];
  const base = {
    bodyEn: null,
    language: "en",
    model: LOCAL_MODEL,
    provider: "local" as const,
    promptTokens: null,
    completionTokens: null,
    totalCost: null,
  };
  const language = (ticket.language || "en").toLowerCase();
  const confidence = round(
    Math.min(1, Math.max(0, ticket.triageConfidence)) *
      retrievalConfidence(articles),
  );

  if (language !== "en") {
    // Without a translation the words cannot be matched: only an article of the ticket's own
    // sub-category is offered.
    const guide = best?.subCategoryMatch ? best : undefined;
    const tongue = languageName(language);
    const body = composeAnswer({
      name,
      empathy: "Thank you for your message.",
      intro: `A teammate who speaks ${tongue} will follow up with you in ${tongue} shortly.` +
        (guide ? ` In the meantime, this English guide may already help: "${guide.title}".` : ""),
      steps: [],
      url: guide?.url ?? null,
      linkLabel: "You can read it here:",
      orgName: ticket.orgName,
    });
    return {
      ...base,
      body,
      confidence,
      citedArticleIds: guide ? [guide.id] : [],
      reviewReasons: ["needs_translation"],
    };
  }

  if (!best) {
    const body = composeAnswer({
      name,
      empathy,
      intro: "Your message has reached our support team, and a teammate will look into it " +
        "and reply to you here. If you have anything to add, such as screenshots or the exact " +
        "wording of an error message, just reply to this message.",
      steps: [],
      url: null,
      orgName: ticket.orgName,
    });
    return { ...base, body, confidence, citedArticleIds: [], reviewReasons: ["no_kb_article"] };
  }

  const summary = best.summary ? plainText(best.summary) : "";
  const steps = articleSteps(best.body);
  const intro = steps.length
    ? [summary, `Here is what to do, from our guide "${best.title}":`].filter(Boolean).join(" ")
    : summary || `Our guide "${best.title}" explains this.`;
  const body = composeAnswer({
    name,
    empathy,
    intro,
    steps,
    url: best.url,
    orgName: ticket.orgName,
  });
  return { ...base, body, confidence, citedArticleIds: [best.id], reviewReasons: [] };
}

/** The built-in writer. */
export function createLocalWriter(): AnswerWriter {
  return { name: "local", draft: (input) => Promise.resolve(draftLocal(input)) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
