/**
 * Quality gates of an AI answer. The first six are the seed's checks, as written there
 * (has_greeting, has_closing, length_ok, no_placeholders, mentions_name,
 * no_unauthorized_promises; greeting and closing words also in the languages we answer in,
 * promises also matched case-insensitively and in more wordings); then three of ours:
 * cites_kb (an answer that makes a factual claim links to a knowledge-base article it was
 * given, and to nothing else), no_template_tokens ({{…}}, [INSERT…], [Name], <…>) and
 * no_echoed_instructions (nothing the customer wrote comes back as an instruction).
 */
import { stripInjection } from "../ai/local/injection.ts";

/** Every gate, in the order they are reported. */
export const GATE_NAMES = [
  "has_greeting",
  "has_closing",
  "length_ok",
  "no_placeholders",
  "mentions_name",
  "no_unauthorized_promises",
  "cites_kb",
  "no_template_tokens",
  "no_echoed_instructions",
] as const;
export type GateName = typeof GATE_NAMES[number];

/** One gate's verdict; `detail` says why it failed. */
export interface GateResult {
  pass: boolean;
  detail?: string;
}

/** Every gate's verdict. */
export type GateResults = Record<GateName, GateResult>;

/** What the gates look at. */
export interface GateInput {
  /** The answer as the customer would receive it. */
  text: string;
  /** Language of `text` (ISO 639-1). */
  language: string;
  /** The name the answer must mention (first name, or an organisation's name); null if unknown. */
  name: string | null;
  /** Articles the writer was given: an answer may link to these and to the links inside them. */
  articles: { id: string; url: string; body?: string; summary?: string | null }[];
  /** The customer's subject and message. */
  customerText: string;
  /** The English original of a translated answer: promises and echoes are checked in it too. */
  sourceText?: string | null;
}

/** The seed's greeting check, and its equivalents in the languages we answer in. */
const GREETINGS: Record<string, RegExp> = {
  en: /^(hi|hello|dear)/i,
  de: /^(hallo|hi|guten (tag|morgen|abend)|liebe|lieber|sehr geehrte)/i,
  es: /^(hola|estimad[oa]|buen[oa]s)/i,
  fr: /^(bonjour|bonsoir|salut|cher|chère|madame|monsieur)/i,
  it: /^(ciao|buongiorno|buonasera|gentile|salve)/i,
  pt: /^(olá|ola|oi|prezad[oa]|car[oa]|bom dia|boa tarde)/i,
  nl: /^(hallo|hoi|beste|geachte|dag)/i,
};

/** The seed's closing check, and its equivalents. */
const CLOSINGS: Record<string, RegExp> = {
  en: /(regards|best|thanks)/i,
  de: /(grüße|grüßen|gruß|danke|regards|best)/i,
  es: /(saludos|gracias|atentamente|un abrazo)/i,
  fr: /(cordialement|salutations|merci|bien à vous)/i,
  it: /(saluti|grazie|cordialmente)/i,
  pt: /(cumprimentos|obrigad[oa]|atenciosamente|abraço)/i,
  nl: /(groet|groeten|bedankt|dank)/i,
};

/** The seed's promise check (/will refund|guarantee/, here case-insensitive) and more wordings. */
const PROMISES: RegExp[] = [
  /will refund|guarantee/i,
  /\b(we|i)('ll| will| shall| are going to| am going to)\s+(fully\s+)?(refund|reimburse|credit|compensate|waive)/i,
  /\b(will|shall) be (fully )?(refunded|reimbursed|credited|waived)/i,
  /\b(your|a|the|full) refund (has been|was|is) (issued|processed|approved|granted|on its way)/i,
  /\b(issued|processed|approved|granted) (you )?(a|the|your) (full |partial )?(refund|credit)/i,
  /\bpromise\b/i,
  /\b(erstatten wir|wird erstattet|werden erstattet|garantier)/i,
  /\b(reembolsaremos|será reembolsad|garantiz)/i,
  /\b(rembourserons|sera remboursé|garanti)/i,
  /\b(rimborseremo|sarà rimborsat|garantiam|garantisc)/i,
  /\b(reembolsaremos|será reembolsad|garantimos)/i,
];

/** Seed: no "[INSERT". */
const SEED_PLACEHOLDER = "[INSERT";

/** Unresolved template tokens: {{…}}, ${…}, [INSERT…], [Name]-style brackets, <…> placeholders. */
const TEMPLATE_TOKENS: RegExp[] = [
  /\{\{[^}]*\}\}/,
  /\$\{[^}]*\}/,
  /\[\s*(insert|todo|tbd|placeholder|name|first name|customer|company|agent|your|link|url|date|number|amount)[^\]]*\](?!\()/i,
  /\[[A-Z][A-Za-z]*(?: [A-Z][A-Za-z]*){0,3}\](?!\()/,
  /<(?!https?:\/\/|mailto:)[A-Za-z][^<>\n]{0,40}>/,
  /\b(TODO|TBD|XXX)\b/,
];

/** A numbered or bulleted step, a path through the app, a figure or a policy: a factual claim. */
const CLAIMS: RegExp[] = [
  /^\s*(\d+[.)]|[-*•])\s+\S/m,
  /\b(go to|open|click|select|choose|navigate|tap|press|enter|sign in|log in|settings|menu)\b/i,
  /›|→|>\s*[A-Z]/,
  /\d/,
  /\b(policy|policies|plan|price|pricing|refund|invoice|within|available|supports|supported|limit|feature|deadline|allowed)\b/i,
];

/** An answer doing what an injected instruction asked. */
const COMPLIANCE: RegExp[] = [
  /\b(marked|set|changed|raised|escalated|flagged)\b[^.!?\n]{0,30}\b(ticket|request|case)\b[^.!?\n]{0,20}\b(urgent|high priority|critical|p0|p1)\b/i,
  /\b(as you (instructed|requested), )?(i|we) (have )?(ignored|disregarded) (the |my |our )?(previous |prior )?(instructions|rules|guidelines)\b/i,
];

/** Consecutive words copied from the customer that count as an echo. */
export const ECHO_WORDS = 10;

/** Runs every gate on an answer. */
export function runGates(input: GateInput): GateResults {
  const text = input.text;
  const lang = (input.language || "en").toLowerCase().slice(0, 2);
  const greeting = GREETINGS[lang];
  const closing = CLOSINGS[lang];
  const sources = [text, input.sourceText ?? ""].filter(Boolean);
  const promise = sources.flatMap((s) => PROMISES.map((re) => s.match(re)?.[0]))
    .find((m): m is string => Boolean(m));
  const token = TEMPLATE_TOKENS.map((re) => text.match(re)?.[0]).find(Boolean);
  return {
    has_greeting: greeting
      ? verdict(greeting.test(text), "does not start with a greeting (Hi, Hello, Dear)")
      : fail(`cannot check a greeting in language "${lang}"`),
    has_closing: closing
      ? verdict(closing.test(text), "has no closing (regards, best, thanks)")
      : fail(`cannot check a closing in language "${lang}"`),
    length_ok: verdict(
      text.length >= 150 && text.length <= 1000,
      `is ${text.length} characters long (150 to 1000 allowed)`,
    ),
    no_placeholders: verdict(!text.includes(SEED_PLACEHOLDER), "contains [INSERT"),
    mentions_name: input.name
      ? verdict(text.includes(input.name), `does not mention ${input.name}`)
      : fail("the customer's name is unknown"),
    no_unauthorized_promises: verdict(!promise, `promises: "${promise}"`),
    cites_kb: citesKb(text, input.articles),
    no_template_tokens: verdict(!token, `contains the template token "${token}"`),
    no_echoed_instructions: echoes(sources, input.customerText),
  };
}

/** True when every gate passed. */
export function allPassed(results: GateResults): boolean {
  return GATE_NAMES.every((name) => results[name].pass);
}

/** The names of the gates that failed, in report order. */
export function failedGates(results: GateResults): GateName[] {
  return GATE_NAMES.filter((name) => !results[name].pass);
}

/** True when the text makes a claim that needs a source (steps, figures, policies, paths). */
export function makesFactualClaim(text: string): boolean {
  return CLAIMS.some((re) => re.test(text));
}

/** The URLs in a text, without trailing punctuation. */
export function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s<>()"'\]]+/g)].map((m) =>
    m[0].replace(/[.,;:!?]+$/, "")
  );
}

function citesKb(text: string, articles: GateInput["articles"]): GateResult {
  const cited = new Set(articles.map((a) => normaliseUrl(a.url)));
  const allowed = new Set([
    ...cited,
    ...articles.flatMap((a) => urlsIn(`${a.summary ?? ""}\n${a.body ?? ""}`).map(normaliseUrl)),
  ]);
  const urls = urlsIn(text).map(normaliseUrl);
  const foreign = urls.find((u) => !allowed.has(u));
  if (foreign) {
    return fail(`The answer links to ${foreign}, which is in none of the articles it was given`);
  }
  if (!makesFactualClaim(text) || urls.some((u) => cited.has(u))) return { pass: true };
  return fail("The answer makes factual claims but cites no knowledge-base article");
}

function echoes(answers: string[], customerText: string): GateResult {
  for (const answer of answers) {
    if (stripInjection(answer).removed > 0) return fail("contains an instruction aimed at an AI");
    const complied = COMPLIANCE.map((re) => answer.match(re)?.[0]).find(Boolean);
    if (complied) return fail(`does what an instruction asked: "${complied}"`);
  }
  const injected = customerText.split(/(?<=[.!?\n])\s*/)
    .filter((sentence) => stripInjection(sentence).removed > 0);
  for (const answer of answers) {
    const words = wordsOf(answer).join(" ");
    for (const sentence of injected) {
      const shingle = findShingle(wordsOf(sentence), words, 4);
      if (shingle) return fail(`repeats the customer's instruction "${shingle}"`);
    }
    const copied = findShingle(wordsOf(customerText), words, ECHO_WORDS);
    if (copied) return fail(`copies the customer's words "${copied}"`);
  }
  return { pass: true };
}

/** The first run of `size` consecutive words of `source` found in `target` (space-joined words). */
function findShingle(source: string[], target: string, size: number): string | undefined {
  if (source.length < size) return undefined;
  const padded = ` ${target} `;
  for (let i = 0; i + size <= source.length; i++) {
    const run = source.slice(i, i + size).join(" ");
    if (padded.includes(` ${run} `)) return run;
  }
  return undefined;
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{M}\d']+/gu) ?? [];
}

function normaliseUrl(url: string): string {
  return url.trim().replace(/[/#?]+$/, "").toLowerCase();
}

function verdict(pass: boolean, why: string): GateResult {
  return pass ? { pass } : { pass, detail: `The answer ${why}` };
}

function fail(why: string): GateResult {
  return { pass: false, detail: why.startsWith("The answer") ? why : capitalise(why) };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
