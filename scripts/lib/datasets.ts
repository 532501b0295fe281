import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./paths.ts";

/** Where the public evaluation datasets live (../shared/datasets unless ISTS_DATASETS is set). */
export const DATASETS_DIR = Deno.env.get("ISTS_DATASETS") ?? join(ROOT, "..", "shared", "datasets");

/** True when the datasets folder is present. */
export function datasetsAvailable(): boolean {
  return existsSync(join(DATASETS_DIR, "bitext-llm-4514"));
}

/** A CSV record keyed by header. */
export type Row = Record<string, string>;

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, newlines inside quotes). */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...rows] = records.filter((r) => r.length > 1 || r[0] !== "");
  const keys = header.map((h) => h.replace(/^\uFEFF/, ""));
  return rows.map((r) => Object.fromEntries(keys.map((k, i) => [k, r[i] ?? ""])));
}

/** A real customer message from the datasets, shaped for the intake API. */
export interface DatasetMessage {
  source: string;
  subject?: string;
  body: string;
}

/** Up to `n` messages: half Bitext instructions, half English support tickets (subject + body). */
export async function loadDatasetMessages(n: number): Promise<DatasetMessage[]> {
  const bitext = parseCsv(
    await Deno.readTextFile(
      join(DATASETS_DIR, "bitext-llm-4514", "bitext_customer_support_llm_4514.csv"),
    ),
  ).map((r): DatasetMessage => ({ source: "bitext-llm-4514", body: r.instruction }))
    .filter((m) => m.body.trim().length > 0);
  const tickets = parseCsv(
    await Deno.readTextFile(
      join(DATASETS_DIR, "support-tickets-synthetic", "tickets_multi_lang_4_20k_first2181.csv"),
    ),
  ).filter((r) => r.language === "en" && r.body.trim().length > 0)
    .map((r): DatasetMessage => ({
      source: "support-tickets-synthetic",
      subject: r.subject,
      body: r.body,
    }));
  const half = Math.floor(n / 2);
  return [...bitext.slice(0, half), ...tickets.slice(0, n - half)];
}
