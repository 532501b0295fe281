/** The knowledge-base query of a ticket: its content words, or-ed, in websearch syntax. */
import { stripInjection } from "../ai/local/injection.ts";

const STOPWORDS = new Set(
  ("a about above after again against all also am an and any are as at be because been before " +
    "being below between both but by can cannot could did do does doing down during each few for " +
    "from further get got had has have having he her here hers him his how i if in into is it its " +
    "itself just me more most my myself no nor not now of off on once only or other our ours out " +
    "over own please same she should so some such than thank thanks that the their them then there " +
    "these they this those through to too under until up very was we were what when where which " +
    "while who whom why will with would you your yours yourself hi hello hey dear regards best " +
    "kind cheers team guys sir madam could would can't don't won't i'm it's i've we've let know " +
    "need want like really still also since yesterday today one two").split(/\s+/),
);

/** Most words taken from a ticket into its query. */
export const MAX_QUERY_WORDS = 24;

/**
 * The ticket's distinct content words (stop words, numbers, e-mail addresses, URLs and
 * injected instructions dropped), joined with "or" for `websearch_to_tsquery`: an article
 * matching more of them ranks higher.
 */
export function searchQuery(subject: string, body: string): string {
  const withoutLinks = `${subject}\n${body}`
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\S+@\S+/g, " ");
  const cleaned = stripInjection(withoutLinks).text.toLowerCase();
  const words: string[] = [];
  const seen = new Set<string>();
  for (const match of cleaned.matchAll(/[\p{L}][\p{L}\p{M}\d]*/gu)) {
    const word = match[0];
    if (word.length < 3 || STOPWORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    words.push(word);
    if (words.length >= MAX_QUERY_WORDS) break;
  }
  return words.join(" or ");
}
