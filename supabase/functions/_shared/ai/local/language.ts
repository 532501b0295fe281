/**
 * Language detection (ISO 639-1): the `eld` n-gram detector (60 languages, extra-small data set)
 * for messages with enough letters, backed by stop-word profiles and letter/suffix hints for en,
 * es, fr, de, it, pt and nl on short or unclear text. Falls back to "en" when the evidence is weak.
 * Product and tech words are mostly English in every language, so on unclear text the function
 * words and word forms decide, and eld's runner-up score is read as well as its top pick.
 */
import { eld } from "eld/extrasmall";

/** Text read for language detection; a ticket's opening says enough. */
const SAMPLE_CHARS = 300;
/** Fewer letters than this are too few for n-gram statistics. */
const MIN_LETTERS = 20;

const PROFILES: Record<string, string> = {
  en: "the and to of is in it you that for this my i have with not on be are was can your " +
    "please we our me am an will would could should there what when how hello thanks thank " +
    "regards dear issue help account since after been has do does",
  es: "el la los las de que y en un una por para con no es mi su se lo al del como pero mas más " +
    "está esta hola gracias tengo estoy muy ya cuando porque sin sobre también este usted " +
    "nuestro nuestra saludos puede podrían problema cuenta ayuda desde hay",
  fr: "le la les de des et en un une pour que qui dans ne pas est je vous mon ma mes avec sur " +
    "au du ce cette merci bonjour nous notre votre suis sont il elle mais ou très avez depuis " +
    "cordialement compte aide problème été",
  de: "der die das und ist nicht ich sie es ein eine zu mit den dem von auf für im sich auch wir " +
    "bitte ihr mein meine haben wird danke hallo ist kann können unser unsere wurde seit bei " +
    "nach noch aber oder wie grüße freundlichen sehr geehrte problem konto hilfe kein keine " +
    "keinen nur schon mehr wieder jetzt heute gestern wenn dass weil durch über zum zur vom " +
    "beim uns mir mich ihnen ihre ihren sind habe hatte geht leider dringend gibt diese dieser " +
    "dieses möchte würde immer zurück einen einem einer",
  it: "il lo la gli le di e che un una per non sono mi ho con del della è ma come anche grazie " +
    "ciao questo questa nel nella mio mia siamo vostro buongiorno cordiali saluti posso " +
    "problema aiuto dopo già",
  pt: "o a os as de que e em um uma para com não é do da meu minha no na por mas está obrigado " +
    "obrigada olá você nós nosso nossa seu sua foi são tenho estou muito já quando problema " +
    "conta ajuda desde atenciosamente",
  nl: "de het een en van ik je niet dat is op te met voor zijn er maar ook wij mijn hebben " +
    "bedankt hallo graag kunt kan onze uw wordt werd sinds bij naar nog al hoe groet vriendelijke " +
    "probleem account hulp",
};

const WEIGHTS = new Map<string, Map<string, number>>();
(() => {
  const owners = new Map<string, string[]>();
  for (const [lang, words] of Object.entries(PROFILES)) {
    for (const w of new Set(words.split(/\s+/))) {
      owners.set(w, [...(owners.get(w) ?? []), lang]);
    }
  }
  for (const [w, langs] of owners) {
    const m = new Map<string, number>();
    for (const l of langs) m.set(l, 1 / langs.length);
    WEIGHTS.set(w, m);
  }
})();

const LETTER_HINTS: Array<[string, RegExp, number]> = [
  ["de", /[ßäöü]/g, 0.5],
  // German nouns in -ung/-keit/-heit/-schaft, adjectives in -lich, verbs in -iert/-ieren and
  // participles ge…t ("gesperrt"); English has next to no words of these shapes.
  [
    "de",
    /(?<!\p{L})(?:\p{L}{4,}(?:ungen|ung|keit|keiten|heit|heiten|schaft|lich|liche|lichen|iert|ieren)|ge\p{L}{3,}t)(?!\p{L})/gu,
    0.5,
  ],
  ["es", /[ñ¿¡]/g, 1],
  ["pt", /[ãõ]/g, 1],
  ["fr", /[èêàùœç]/g, 0.3],
  ["it", /\b\w+(zione|zioni)\b/g, 0.5],
  ["nl", /\b\w*(ij|oe)\w*\b/g, 0.15],
];

export const SUPPORTED_LANGUAGES = Object.keys(PROFILES);

/** The language of a message, as an ISO 639-1 code ("en" when unsure). */
export function detectLanguage(text: string): string {
  const sample = text.slice(0, SAMPLE_CHARS);
  const letters = countLetters(sample);
  if (letters < MIN_LETTERS) return detectWeak(sample, () => eld.detect(sample).language);
  // Plainly English text (most tickets), or text plainly in one other profile language, needs
  // no n-gram model.
  const plain = plainLanguage(sample);
  if (plain) return plain;
  const r = eld.detect(sample);
  if (!r.language) return detectByStopwords(sample);
  if (r.language === "en") return secondOpinion(sample, () => r.getScores());
  // Short English text can look foreign to n-grams: let clear English stop-words win there.
  if (letters < 80 && !r.isReliable()) return detectWeak(sample, () => r.language);
  return r.language;
}

/**
 * Short or unclear text: the stop-word profiles decide; when they find nothing either way, an
 * n-gram pick is kept only if the text also has a word or letter typical of that language and
 * no English function word ("Rechnung fehlt" is German, "Order for Müller" stays English).
 */
function detectWeak(sample: string, eldPick: () => string): string {
  const score = profileScores(sample);
  const byWords = pickByScores(score);
  if (byWords !== "en" || score.en > 0) return byWords;
  const pick = eldPick();
  return pick && pick !== "en" && hintScore(sample.toLowerCase(), pick) >= 0.5 ? pick : "en";
}

/**
 * eld picked English on text that is not clearly English: English product words ("Cloud",
 * "Server", "Update") pull n-grams that way. Another profile language wins when its function
 * words clearly outnumber the English ones and eld scores it nearly as high. Short foreign
 * words ("a", "as", "ho") are left out: they are English too, or slang.
 */
function secondOpinion(sample: string, eldScores: () => Record<string, number>): string {
  const words = sample.toLowerCase().match(/\p{L}{3,}/gu) ?? [];
  if (!words.some((w) => WEIGHTS.has(w) && !WEIGHTS.get(w)!.has("en"))) return "en";
  const score = profileScores(sample, true);
  let best = "en";
  for (const l of SUPPORTED_LANGUAGES) if (score[l] > score[best]) best = l;
  if (best === "en" || score[best] < 2 || score[best] < 3 * score.en) return "en";
  const scores = eldScores();
  return (scores[best] ?? 0) >= 0.85 * (scores.en ?? 0) ? best : "en";
}

const LETTER = /\p{L}/u;

/** Number of letters (Unicode category L) in a text, without building an array of them. */
function countLetters(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90)) n++;
    else if (c >= 128) {
      const cp = text.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      if (LETTER.test(ch)) n++;
      if (cp > 0xffff) i++;
    }
  }
  return n;
}

/**
 * The profile language of a text whose every stop-word of three letters or more belongs to
 * that language, at least PLAIN_MIN of them to it alone (no other profile has them); else null.
 * Plainly English text (most tickets) and plainly German, French, … text need no n-gram model.
 * Shorter words are left out: "a", "as", "de", "en" are words of several languages.
 */
function plainLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}{3,}/gu) ?? [];
  const stops: Array<Map<string, number>> = [];
  let lang: string | null = null;
  for (const w of words) {
    const m = WEIGHTS.get(w);
    if (!m || ENGLISH_TOO.has(w)) continue;
    stops.push(m);
    if (lang === null && m.size === 1) lang = m.keys().next().value as string;
  }
  if (lang === null) return null;
  let own = 0;
  for (const m of stops) {
    if (!m.has(lang)) return null;
    if (m.size === 1) own++;
  }
  return own >= PLAIN_MIN ? lang : null;
}

/** Own stop-words that make a text plainly one language. */
const PLAIN_MIN = 6;
/**
 * Profile words that are English words too ("Problem with the login") or parts of links
 * ("example.com"): no evidence here.
 */
const ENGLISH_TOO = new Set(["problem", "come", "per", "non", "com"]);

/** Stop-word profile detection for en, es, fr, de, it, pt and nl. */
export function detectByStopwords(text: string): string {
  return pickByScores(profileScores(text));
}

/**
 * Stop-word and letter-hint evidence for each profile language. `strict`: each word counts once,
 * and words under three letters count for English only.
 */
function profileScores(text: string, strict = false): Record<string, number> {
  const lower = text.toLowerCase().slice(0, 3000);
  const all = lower.match(/\p{L}+/gu) ?? [];
  const words = strict ? new Set(all) : all;
  const score: Record<string, number> = {};
  for (const l of SUPPORTED_LANGUAGES) score[l] = 0;
  for (const w of words) {
    const m = WEIGHTS.get(w);
    if (!m) continue;
    for (const [l, v] of m) if (!strict || l === "en" || w.length > 2) score[l] += v;
  }
  for (const l of SUPPORTED_LANGUAGES) score[l] += hintScore(lower, l);
  return score;
}

/** Letter and word-shape evidence for one language in lower-cased text. */
function hintScore(lower: string, lang: string): number {
  let s = 0;
  for (const [l, re, v] of LETTER_HINTS) {
    if (l === lang) s += Math.min(3, (lower.match(re) ?? []).length * v);
  }
  return s;
}

/** The best-scoring profile language, or "en" without enough evidence against English. */
function pickByScores(score: Record<string, number>): string {
  let best = "en";
  for (const l of SUPPORTED_LANGUAGES) if (score[l] > score[best]) best = l;
  // Require some evidence before leaving the English default.
  if (best !== "en" && score[best] < Math.max(1.5, score.en * 1.2)) return "en";
  return best;
}
