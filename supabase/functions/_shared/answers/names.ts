/** How a customer is addressed, and language names for answers. */

const ORGANISATION_WORDS =
  /\b(team|it|ops|support|finance|accounts?|payable|receivable|devops|partnerships?|department|dept|inc|ltd|llc|gmbh|ag|sa|bv|co|corp|company|traders|trading|group|services|admin|billing|sales|hr|office|info|platform|operations|helpdesk|monitoring|noreply|no-reply)\b/i;

/** How to greet a customer: their first name, or an organisation's whole name; null if unknown. */
export function addressee(name: string | null | undefined): string | null {
  const clean = (name ?? "").replace(/["<>]/g, " ").replace(/\s+/g, " ").trim();
  if (!clean || /@/.test(clean)) return null;
  if (ORGANISATION_WORDS.test(clean)) return clean;
  const first = clean.split(" ")[0].replace(/[^\p{L}\p{M}'-]/gu, "");
  return first.length >= 2 ? first : null;
}

const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  de: "German",
  es: "Spanish",
  fr: "French",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  sv: "Swedish",
  da: "Danish",
  no: "Norwegian",
  nb: "Norwegian",
  fi: "Finnish",
  pl: "Polish",
  cs: "Czech",
  tr: "Turkish",
  ru: "Russian",
  uk: "Ukrainian",
  ja: "Japanese",
  zh: "Chinese",
  ko: "Korean",
  ar: "Arabic",
  hi: "Hindi",
};

/** The English name of an ISO 639-1 language code ("de" → "German"); the code if unknown. */
export function languageName(code: string): string {
  return LANGUAGE_NAMES[code.toLowerCase()] ?? code;
}

/** The signature of answers: the organisation's support team ("Acme" → "Acme Support"). */
export function supportSignature(orgName: string): string {
  const org = orgName.trim() || "Customer";
  return /\b(support|help ?desk|service|team)$/i.test(org) ? org : `${org} Support`;
}
