/**
 * VADER sentiment (Hutto & Gilbert 2014) through the `vader-sentiment` package (Apache-2.0,
 * Comcast's JavaScript port): its lexicon and valence rules, with a faster tokeniser. The
 * package's own tokeniser builds a table of every word with every punctuation mark, which makes
 * a 400-character ticket cost about 0.5 ms; this one strips one leading or trailing punctuation
 * mark per token directly, which gives the same tokens.
 */
import vader from "vader-sentiment";

/** VADER's normalised scores. */
export interface VaderScores {
  neg: number;
  neu: number;
  pos: number;
  /** -1 (most negative) .. 1 (most positive). */
  compound: number;
}

interface SentiText {
  words_and_emoticons: string[];
  is_cap_diff: boolean;
}

interface Analyzer {
  sentiment_valence(
    valence: number,
    sentiText: SentiText,
    item: string,
    index: number,
    sentiments: number[],
  ): number[];
  but_check(words: string[], sentiments: number[]): number[];
  score_valence(sentiments: number[], text: string): VaderScores;
}

const SIA = vader.SentimentIntensityAnalyzer as unknown as Analyzer;

/** VADER's punctuation marks that may cling to a word (same list as the package). */
const PUNC_LIST = [
  ".",
  "!",
  "?",
  ",",
  ";",
  ":",
  "-",
  "'",
  '"',
  "!!",
  "!!!",
  "??",
  "???",
  "?!?",
  "!?!",
  "?!?!",
  "!?!?",
];
const PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** VADER's booster and dampener words, which carry no valence of their own. */
const BOOSTERS = new Set(
  ("absolutely amazingly awfully completely considerably decidedly deeply effing enormously " +
    "entirely especially exceptionally extremely fabulously flipping flippin fricking frickin " +
    "frigging friggin fully fucking greatly hella highly hugely incredibly intensely majorly more " +
    "most particularly purely quite really remarkably so substantially thoroughly totally " +
    "tremendously uber unbelievably unusually utterly very almost barely hardly " +
    "kindof kinda kind-of less little marginally occasionally partly scarcely slightly somewhat " +
    "sortof sorta sort-of").split(" "),
);

function isUpper(w: string): boolean {
  return w === w.toUpperCase() && w !== w.toLowerCase();
}

/** True for the characters JavaScript's `\s` matches. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 ||
    (c >= 0x1680 && (c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 ||
      c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff));
}

/** True when a token holds one of VADER's punctuation marks (PUNCT). */
function hasPunct(tok: string): boolean {
  for (let i = 0; i < tok.length; i++) {
    const c = tok.charCodeAt(i);
    if (
      (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)
    ) return true;
  }
  return false;
}

/** `text.split(/\s/)` without the regular expression. */
function splitSpaces(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** Words and emoticons as VADER sees them (leading/trailing punctuation removed). */
export function vaderTokens(text: string): string[] {
  const out: string[] = [];
  for (const tok of splitSpaces(text)) {
    if (tok.length <= 1) continue;
    const bare = hasPunct(tok) ? tok.replace(PUNCT, "") : tok;
    if (bare.length > 1 && bare !== tok) {
      let hit = false;
      for (const p of PUNC_LIST) {
        if (tok === p + bare || tok === bare + p) {
          hit = true;
          break;
        }
      }
      out.push(hit ? bare : tok);
    } else out.push(tok);
  }
  return out;
}

/** The "!" and "?" of a text, in order. */
function marksOf(text: string): string {
  let marks = "";
  for (let i = text.indexOf("!"); i >= 0; i = text.indexOf("!", i + 1)) marks += "!";
  for (let i = text.indexOf("?"); i >= 0; i = text.indexOf("?", i + 1)) marks += "?";
  return marks;
}

/** VADER polarity scores of a text. */
export function vaderScores(text: string): VaderScores {
  const words = vaderTokens(text);
  let caps = 0;
  for (const w of words) if (isUpper(w)) caps++;
  const st: SentiText = {
    words_and_emoticons: words,
    is_cap_diff: words.length - caps > 0 && words.length - caps < words.length,
  };
  let sentiments: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const lower = words[i].toLowerCase();
    if (
      BOOSTERS.has(lower) ||
      (lower === "kind" && i < words.length - 1 && words[i + 1].toLowerCase() === "of")
    ) {
      sentiments.push(0);
      continue;
    }
    sentiments = SIA.sentiment_valence(0, st, words[i], i, sentiments);
  }
  sentiments = SIA.but_check(words, sentiments);
  // VADER reads the text only for its exclamation and question marks.
  return SIA.score_valence(sentiments, marksOf(text));
}
