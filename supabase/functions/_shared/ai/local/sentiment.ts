/**
 * Lexicon- and cue-based sentiment: emotion, intensity 1-10 and the escalation flag. VADER
 * (./vader.ts) adds negative evidence on top of the support-specific rules below.
 * Handles negation ("not happy" is negative, "not bad" is not), capitals, exclamation marks,
 * profanity, threats to leave, repeated contacts and legal threats.
 */
import type { Emotion } from "../types.ts";
import { normalize, stem, type Token, tokenize } from "./text.ts";
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
const POSITIVE_EXACT: Record<string, number> = {
  pleased: 0.8,
  fixed: 0.8,
  resolved: 0.8,
  solved: 0.8,
  works: 0.8,
  worked: 0.8,
};

/** Stemmed single-word cues with their weights. */
const ANGRY_WORDS: Record<string, number> = {};
const FRUSTRATED_WORDS: Record<string, number> = {};
const POSITIVE_WORDS: Record<string, number> = {};
const HAPPY_WORDS: Record<string, number> = {};
const CONFUSED_WORDS: Record<string, number> = {};

function fill(target: Record<string, number>, words: string, weight: number) {
  for (const w of words.split(/\s+/)) if (w) target[stem(w)] = weight;
}

fill(
  ANGRY_WORDS,
  "unacceptable ridiculous outrageous outraged furious livid disgusting disgraceful pathetic " +
    "incompetent incompetence scam scammers fraudulent ripoff thieves thief stealing liars lying lied " +
    "shameful insulting absurd appalling atrocious despicable idiots idiotic clowns joke angry mad " +
    "worst hate hated",
  1.5,
);
fill(
  FRUSTRATED_WORDS,
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
  POSITIVE_WORDS,
  "thanks thank thx ty appreciate appreciated helpful good nice " +
    "quick quickly smooth fine kind friendly professional",
  0.8,
);
fill(
  HAPPY_WORDS,
  "love loved lovely amazing awesome great excellent fantastic wonderful brilliant outstanding " +
    "perfect happy delighted glad superb best impressed incredible thrilled kudos yay beautiful " +
    "enjoy enjoyed",
  1.3,
);
fill(
  CONFUSED_WORDS,
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
    const s = t.s;
    if (ANGRY_WORDS[s]) {
      if (t.neg) continue;
      angry += ANGRY_WORDS[s];
      hits.push(t.w);
    } else if (FRUSTRATED_WORDS[s]) {
      if (t.neg) {
        // "not bad", "no problem" read as mildly positive.
        if (s === stem("bad") || s === stem("problem") || s === stem("issue")) positive += 0.5;
        continue;
      }
      frustrated += FRUSTRATED_WORDS[s];
      hits.push(t.w);
    } else if (HAPPY_WORDS[s] || POSITIVE_WORDS[s] || POSITIVE_EXACT[t.w]) {
      const w = HAPPY_WORDS[s] ?? POSITIVE_WORDS[s] ?? POSITIVE_EXACT[t.w];
      if (t.neg) {
        frustrated += w; // "not happy", "not helpful", "not fixed"
        hits.push("not " + t.w);
      } else if (HAPPY_WORDS[s]) happy += w;
      else positive += w;
    } else if (CONFUSED_WORDS[s] && !t.neg) {
      confused += CONFUSED_WORDS[s];
    }
  }
  // "thanks for nothing", "thanks a lot" sarcasm and "thank you" boilerplate in angry mails.
  if (/\bthanks? (you )?for nothing\b/.test(norm)) {
    positive = Math.max(0, positive - 1);
    angry += 1.5;
  }

  // Cues measured on the raw text.
  const words = text.match(/[A-Za-z]{3,}/g) ?? [];
  const capsWords = words.filter((w) =>
    w === w.toUpperCase() &&
    !/^(VIP|API|SSO|VPN|PDF|CSV|URL|USA|EU|UK|IT|CEO|CTO|GDPR|VAT|SMS|HTTP|HTTPS|ASAP|FAQ|IOS|SDK|CRM|ERP|CPU|RAM|SLA|ATM|PIN|OTP|MFA|AWS|DNS|SAML|REST)$/
      .test(w)
  );
  const capsRatio = words.length ? capsWords.length / words.length : 0;
  const exclam = (text.match(/!/g) ?? []).length;
  const multiExclam = /!{2,}|\?!|!\?/.test(text);
  const profanity = PROFANITY.test(norm);
  const legal = LEGAL.test(norm);
  const leave = LEAVE.test(norm);
  const repeat = REPEAT.test(norm);
  if (CONFUSED_PHRASE.test(norm)) confused += 1.5;
  const sadFaces = (text.match(NEG_EMOJI) ?? []).length;
  const happyFaces = (text.match(POS_EMOJI) ?? []).length;
  if (sadFaces) frustrated += 1.5 * sadFaces;
  if (happyFaces) happy += 1.2 * happyFaces;
  const negPhrases = norm.match(NEG_PHRASE) ?? [];
  if (negPhrases.length) {
    frustrated += negPhrases.length;
    hits.push(...negPhrases);
  }
  if (/#?sarcasm|\byeah right\b/.test(norm)) {
    frustrated += positive + happy + 1;
    positive = 0;
    happy = 0;
  }
  const questions = (text.match(/\?/g) ?? []).length;
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
