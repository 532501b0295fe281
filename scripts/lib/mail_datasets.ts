/**
 * The raw e-mail collections of ../shared/datasets (Zammad, mikel/mail, sisimai, SpamAssassin),
 * read at run time for the parser tests and the bench; never copied into the repository.
 */
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { DATASETS_DIR } from "./datasets.ts";

/** Folder of the raw e-mail fixtures. */
export const EMAILS_DIR = join(DATASETS_DIR, "emails");
/** SpamAssassin's raw messages, one JSON object a line. */
export const SPAMASSASSIN_FILE = join(DATASETS_DIR, "spamassassin", "spamassassin_sample.jsonl");

/** True when the e-mail collections are present. */
export function mailDatasetsAvailable(): boolean {
  return existsSync(join(EMAILS_DIR, "zammad")) && existsSync(SPAMASSASSIN_FILE);
}

/** One raw message file of a collection. */
export interface MailFile {
  collection: "zammad" | "mikel-mail" | "sisimai-bounces";
  /** Path relative to the collection folder, e.g. "mail002.box". */
  name: string;
  path: string;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** Every raw message file: Zammad *.box, mikel/mail *.eml, sisimai *.eml, sorted. */
export function listMailFiles(): MailFile[] {
  const collections = [
    ["zammad", ".box"],
    ["mikel-mail", ".eml"],
    ["sisimai-bounces", ".eml"],
  ] as const;
  return collections.flatMap(([collection, ext]) => {
    const dir = join(EMAILS_DIR, collection);
    return walk(dir).filter((p) => p.endsWith(ext)).sort()
      .map((path) => ({ collection, name: relative(dir, path), path }));
  });
}

/** One SpamAssassin message. */
export interface SpamAssassinMessage {
  file: string;
  label: "ham" | "spam";
  /** The raw message; lossy (U+FFFD) where the original had non-UTF-8 bytes. */
  text: string;
  utf8Lossy: boolean;
}

/** The stored SpamAssassin messages. */
export function loadSpamAssassin(): SpamAssassinMessage[] {
  return Deno.readTextFileSync(SPAMASSASSIN_FILE).split("\n").filter((l) => l.trim())
    .map((line) => {
      const r = JSON.parse(line);
      return { file: r.file, label: r.label, text: r.text, utf8Lossy: r.utf8_lossy === true };
    });
}
