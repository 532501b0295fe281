/**
 * Lexicon- and cue-based sentiment: emotion, intensity 1-10 and the escalation flag. VADER
 * (./vader.ts) adds negative evidence on top of the support-specific rules below.
 * Handles negation ("not happy" is negative, "not bad" is not), capitals, exclamation marks,
 * profanity, threats to leave, repeated contacts and legal threats.
 */
import type { Emotion } from "../types.ts";
import { asciiWords, countChar, normalize, stem, type Token, tokenize } from "./text.ts";
import { fastCount, fastTest, mayMatch } from "./prefilter.ts";
import { vaderScores } from "./vader.ts";

/** Longest prefix of a message scored by VADER (the opening carries the tone). */
const VADER_CHARS = 600;
/**
 * A VADER compound score at or below -VADER_MIN adds negative evidence. Positive VADER scores
 * are not used: support mail is full of "please", "help" and "thanks", which VADER reads as
 * warmth, so positive emotion comes from the rules alone.
 */
const VADER_MIN = 0.4;
const VADER_NEG_WEIGHT = 2;

export interface SentimentResult {
  emotion: Emotion;
  intensity: number;
  escalationNeeded: boolean;
  signals: string[];
}

/**
 * Positive words whose stems collide with neutral request words ("pleased"/"please",
 * "fixed"/"fix", "works"/"work"): matched on the exact word form only.
 */
const POSITIVE_EXACT = new Map<string, number>([
  ["pleased", 0.8],
  ["fixed", 0.8],
  ["resolved", 0.8],
  ["solved", 0.8],
  ["works", 0.8],
  ["worked", 0.8],
]);

const STEM_BAD = stem("bad");
const STEM_PROBLEM = stem("problem");
const STEM_ISSUE = stem("issue");

/** Kinds of single-word cues, in the order they win when a stem belongs to several. */
type CueKind = "angry" | "frustrated" | "happy" | "positive" | "confused";

/** Stemmed single-word cues: kind and weight (one lookup per token). */
const WORD_CUES = new Map<string, { kind: CueKind; weight: number }>();

/** Adds words of one kind; a stem already claimed by an earlier (stronger) kind keeps it. */
function fill(kind: CueKind, words: string, weight: number) {
  for (const w of words.split(/\s+/)) {
    if (w && !WORD_CUES.has(stem(w))) WORD_CUES.set(stem(w), { kind, weight });
  }
}

fill(
  "angry",
  "unacceptable ridiculous outrageous outraged furious livid disgusting disgraceful pathetic " +
    "incompetent incompetence scam scammers fraudulent ripoff thieves thief stealing liars lying lied " +
    "shameful insulting absurd appalling atrocious despicable idiots idiotic clowns joke angry mad " +
    "worst hate hated",
  1.5,
);
fill(
  "frustrated",
  "frustrated frustrating frustration annoyed annoying annoyance disappointed disappointing " +
    "disappointment fed useless terrible awful horrible poor bad sucks broken unhelpful unresponsive " +
    "delayed delay delays cancelled canceled stuck lost missing late waiting waited wait ignored " +
    "problem problems issue issues fail failed failure failing error errors wrong worse never " +
    "nightmare hassle mess ugh seriously rude unprofessional slow crap meh unhappy upset sad " +
    "hours stranded rebooked refused unable cant cannot complaint complain messed screwed " +
    "obnoxious uncomfortable dirty waste wasted hung unacceptable misleading overbooked " +
    "inconvenience inconvenient damaged smh uncomfortable rubbish lame horrendous dreadful " +
    "unreliable disgusted sick tired worried concerned mistake incorrect",
  1,
);
fill(
  "happy",
  "love loved lovely amazing awesome great excellent fantastic wonderful brilliant outstanding " +
    "perfect happy delighted glad superb best impressed incredible thrilled kudos yay beautiful " +
    "enjoy enjoyed",
  1.3,
);
fill(
  "positive",
  "thanks thank thx ty appreciate appreciated helpful good nice " +
    "quick quickly smooth fine kind friendly professional",
  0.8,
);
fill(
  "confused",
  "confused confusing unclear unsure puzzled clarify clarification explain " +
    "wondering",
  1,
);

const PROFANITY =
  /\b(fuck\w*|f\*+k|shit\w*|bullshit|damn\w*|crap|wtf|bs|screw (you|this)|hell|bastards?|sucks?)\b/;
const LEGAL =
  /\b(lawyers?|attorneys?|legal action|sue|suing|court|small claims|ombudsman|regulator)\b/;
const LEAVE =
  /\b(cancel\w* (my|our|the) (account|subscription|contract|membership|service)|switch\w* to (a )?(another|competitor|different)|take (my|our) business elsewhere|never (use|using|fly|flying|buy|buying|order\w*) (you|with you|from you|again)|leaving you|close (my|our) account|chargeback|dispute (the|this) charge|report you)\b/;
const REPEAT =
  /\b(third|3rd|fourth|4th|fifth|5th|several|multiple|many|numerous|countless) times?\b|\b(again and again|once again|yet again|still (not|no|waiting|broken|nothing|haven ?t|hasnt|have not|has not)|keeps? happening|for (days|weeks|months)|every (single )?time)\b/;
const CONFUSED_PHRASE =
  /\b(don ?t understand|do not understand|doesn ?t make sense|makes no sense|not sure (how|what|why|if|whether)|what does .{1,30} mean|i am confused|i m confused|can you explain|how come|no idea (how|why|what))\b/;

const NEG_EMOJI = /:-?\(|:'\(|:-?\/(?!\/)|>:|😡|😠|😤|😞|😢|😭|🙄|👎|😒|😩|😫|🤬|💩|😑/gu;
const POS_EMOJI = /:-?\)|:-?d\b|;-?\)|<3|😀|😃|😄|😁|😊|🙂|😍|❤️?|👍|🙌|🎉|😎|💯|✈️/gu;
const NEG_PHRASE =
  /\b(on hold|no one (is )?(answer\w*|respond\w*|help\w*)|nobody (answer\w*|respond\w*|help\w*)|hung up|still waiting|been waiting|no (response|reply|answer|help)|not (happy|ok|okay|acceptable|good enough)|wont let me|doesnt work|does not work|not working|down again|what a joke|thanks for nothing|never again)\b/g;

/** Capitalised abbreviations that are not shouting. */
const ACRONYM =
  /^(VIP|API|SSO|VPN|PDF|CSV|URL|USA|EU|UK|IT|CEO|CTO|GDPR|VAT|SMS|HTTP|HTTPS|ASAP|FAQ|IOS|SDK|CRM|ERP|CPU|RAM|SLA|ATM|PIN|OTP|MFA|AWS|DNS|SAML|REST)$/;

// The cue patterns behind their literal prefilters (same answers, fewer pattern runs).
const isProfanity = fastTest(PROFANITY);
const isLegal = fastTest(LEGAL);
const isLeave = fastTest(LEAVE);
const isRepeat = fastTest(REPEAT);
const isConfusedPhrase = fastTest(CONFUSED_PHRASE);
const isMultiExclam = fastTest(/!{2,}|\?!|!\?/);
const isThanksForNothing = fastTest(/\bthanks? (you )?for nothing\b/);
const isSarcasm = fastTest(/#?sarcasm|\byeah right\b/);
const countSadFaces = fastCount(NEG_EMOJI);
const countHappyFaces = fastCount(POS_EMOJI);
const mayHaveNegPhrase = mayMatch(NEG_PHRASE);

/** Sentiment of a text; pass its normalised form and tokens when they are already at hand. */
export function analyzeSentiment(
  text: string,
  prepared?: { norm: string; toks: Token[] },
): SentimentResult {
  const signals: string[] = [];
  const norm = prepared ? prepared.norm : normalize(text);
  const toks = prepared ? prepared.toks : tokenize(norm);
  let angry = 0;
  let frustrated = 0;
  let positive = 0;
  let happy = 0;
  let confused = 0;
  const hits: string[] = [];
  for (const t of toks) {
    const cue = WORD_CUES.get(t.s);
    const kind = cue?.kind;
    if (kind === "angry") {
      if (t.neg) continue;
      angry += cue!.weight;
      hits.push(t.w);
    } else if (kind === "frustrated") {
      if (t.neg) {
        // "not bad", "no problem" read as mildly positive.
        if (t.s === STEM_BAD || t.s === STEM_PROBLEM || t.s === STEM_ISSUE) positive += 0.5;
        continue;
      }
      frustrated += cue!.weight;
      hits.push(t.w);
    } else if (kind === "happy" || kind === "positive" || POSITIVE_EXACT.has(t.w)) {
      const w = kind === "happy" || kind === "positive" ? cue!.weight : POSITIVE_EXACT.get(t.w)!;
      if (t.neg) {
        frustrated += w; // "not happy", "not helpful", "not fixed"
        hits.push("not " + t.w);
      } else if (kind === "happy") happy += w;
      else positive += w;
    } else if (kind === "confused" && !t.neg) {
      confused += cue!.weight;
    }
  }
  // "thanks for nothing", "thanks a lot" sarcasm and "thank you" boilerplate in angry mails.
  if (isThanksForNothing(norm)) {
    positive = Math.max(0, positive - 1);
    angry += 1.5;
  }

  // Cues measured on the raw text.
  const words = asciiWords(text);
  const capsWords = words.upper.filter((w) => !ACRONYM.test(w));
  const capsRatio = words.count ? capsWords.length / words.count : 0;
  const exclam = countChar(text, "!");
  const multiExclam = isMultiExclam(text);
  const profanity = isProfanity(norm);
  const legal = isLegal(norm);
  const leave = isLeave(norm);
  const repeat = isRepeat(norm);
  if (isConfusedPhrase(norm)) confused += 1.5;
  const sadFaces = countSadFaces(text);
  const happyFaces = countHappyFaces(text);
  if (sadFaces) frustrated += 1.5 * sadFaces;
  if (happyFaces) happy += 1.2 * happyFaces;
  const negPhrases = mayHaveNegPhrase(norm) ? norm.match(NEG_PHRASE) ?? [] : [];
  if (negPhrases.length) {
    frustrated += negPhrases.length;
    hits.push(...negPhrases);
  }
  if (isSarcasm(norm)) {
    frustrated += positive + happy + 1;
    positive = 0;
    happy = 0;
  }
  const questions = countChar(text, "?");
  const compound = vaderScores(text.slice(0, VADER_CHARS)).compound;
  if (compound <= -VADER_MIN) {
    frustrated += VADER_NEG_WEIGHT * -compound;
    signals.push(`vader ${compound.toFixed(2)}`);
  }

  if (profanity) {
    angry += 2;
    signals.push("profanity");
  }
  if (legal) {
    angry += 2;
    signals.push("legal threat");
  }
  if (leave) {
    frustrated += 1.5;
    signals.push("threat to leave");
  }
  if (repeat) {
    frustrated += 1.5;
    signals.push("repeated contact");
  }
  if (capsWords.length >= 2 && capsRatio > 0.15) signals.push("capital letters");
  if (exclam >= 2) signals.push(`${exclam} exclamation marks`);
  if (hits.length) signals.push(`negative words: ${[...new Set(hits)].slice(0, 4).join(", ")}`);

  const neg = angry + frustrated;
  const pos = positive + happy;
  let emotion: Emotion = "neutral";
  let intensity = 2;
  if (neg >= 1 && neg > pos * 1.2) {
    const shouting = capsWords.length >= 2 && capsRatio > 0.15;
    emotion = angry >= 1.5 || (shouting && multiExclam) ? "angry" : "frustrated";
    intensity = 3 + Math.min(4, neg * 0.8);
    if (shouting) intensity += capsRatio > 0.4 ? 2 : 1;
    if (exclam >= 2) intensity += exclam >= 4 ? 2 : 1;
    else if (exclam === 1) intensity += 0.5;
    if (profanity) intensity += 1;
    if (legal) intensity += 1.5;
    if (leave) intensity += 1;
    if (repeat) intensity += 1;
  } else if (pos >= 0.75 && pos > neg) {
    emotion = happy >= positive && (happy >= 2 || exclam > 0) ? "happy" : "satisfied";
    intensity = 3 + Math.min(4, pos) + (exclam > 0 ? 1 : 0);
  } else if (confused >= 1 || questions >= 3) {
    emotion = "confused";
    intensity = 3 + Math.min(3, confused + (questions >= 3 ? 1 : 0));
  } else if (neg > 0 && neg >= pos) {
    emotion = "neutral";
    intensity = 3;
  }
  const level = Math.max(1, Math.min(10, Math.round(intensity)));
  const escalationNeeded = level > 8 && (emotion === "angry" || emotion === "frustrated");
  return { emotion, intensity: level, escalationNeeded, signals };
}
