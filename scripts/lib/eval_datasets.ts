/**
 * Loads the public evaluation datasets (../shared/datasets by default) as labelled tickets.
 * Evaluation only: nothing here feeds the shipped models. Absent datasets are skipped.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { SUB_CATEGORIES, type SubCategory } from "../../supabase/functions/_shared/ai/types.ts";
import { parseCsv, type Row } from "./datasets.ts";
import { parseEmail } from "../../supabase/functions/_shared/mail/parse.ts";

/** The fields `npm run eval` scores. */
export const FIELDS = [
  "category",
  "sub_category",
  "priority",
  "sentiment",
  "spam",
  "language",
] as const;
export type Field = typeof FIELDS[number];

/** A gold label, plus other labels that also count as right. */
export interface Gold {
  label: string;
  accepted?: readonly string[];
}

/** One labelled message. */
export interface EvalItem {
  subject: string;
  body: string;
  gold: Partial<Record<Field, Gold>>;
}

/** One dataset ready to score. */
export interface EvalDataset {
  name: string;
  items: EvalItem[];
}

/**
 * label_mapping.json uses finer sub-categories than the product; these are the product
 * sub-categories accepted for each (only where a fair equivalent exists; others are not scored).
 */
export const SUB_EQUIV: Record<string, SubCategory[]> = {
  password_reset: ["password_reset"],
  account_deletion: ["account_deletion"],
  profile_update: ["account_update"],
  account_creation: ["account_update"],
  address_update: ["account_update"],
  email_preferences: ["account_update"],
  plan_change: ["account_update", "subscription_change"],
  registration_problem: ["login_problem", "account_update"],
  invoice_request: ["invoice_request"],
  refund_request: ["refund_request"],
  refund_status: ["refund_request"],
  refund_policy: ["refund_request"],
  payment_failed: ["payment_failed"],
  payment_methods: ["payment_failed", "subscription_change"],
  cancellation_fee: ["subscription_change"],
  order_cancel: ["other"],
  order_change: ["other"],
  order_placement: ["other"],
  order_status: ["other"],
  delivery: ["other"],
  contact_request: ["other"],
  human_agent_request: ["other", "complaint"],
  complaint: ["complaint"],
  feedback: ["other", "complaint", "feature_request"],
  outage: ["outage"],
};
for (const subs of Object.values(SUB_EQUIV)) {
  for (const s of subs) if (!(s in SUB_CATEGORIES)) throw new Error(`bad sub-category ${s}`);
}

type Pair = [string, string];
type Mapping = Record<string, Record<string, unknown>>;

function subGold(fine: string): Gold | undefined {
  const accepted = SUB_EQUIV[fine];
  return accepted ? { label: accepted[0], accepted } : undefined;
}

function intentGold(pair: Pair | undefined): EvalItem["gold"] {
  if (!pair) return {};
  const gold: EvalItem["gold"] = { category: { label: pair[0] } };
  const sub = subGold(pair[1]);
  if (sub) gold.sub_category = sub;
  return gold;
}

function readCsv(dir: string, rel: string): Row[] | null {
  const path = join(dir, rel);
  return existsSync(path) ? parseCsv(Deno.readTextFileSync(path)) : null;
}

/** Every dataset found under `dir`, in a fixed order; missing ones are listed in `skipped`. */
export async function loadEvalDatasets(
  dir: string,
): Promise<{ datasets: EvalDataset[]; skipped: string[] }> {
  const datasets: EvalDataset[] = [];
  const skipped: string[] = [];
  const mappingPath = join(dir, "label_mapping.json");
  if (!existsSync(mappingPath)) return { datasets, skipped: ["label_mapping.json"] };
  const mapping = JSON.parse(Deno.readTextFileSync(mappingPath)) as Mapping;
  const bitext = mapping.bitext_intent as Record<string, Pair>;

  const add = (name: string, rel: string, build: (rows: Row[]) => EvalItem[]) => {
    const rows = readCsv(dir, rel);
    if (!rows) skipped.push(name);
    else datasets.push({ name, items: build(rows) });
  };
  const bitextItems = (col: string) => (rows: Row[]) =>
    rows.map((r) => ({
      subject: "",
      body: r[col],
      gold: { ...intentGold(bitext[r.intent]), language: { label: "en" } },
    }));
  add(
    "bitext_llm_4514",
    "bitext-llm-4514/bitext_customer_support_llm_4514.csv",
    bitextItems("instruction"),
  );
  add("bitext_8k", "bitext-8k/bitext_customer_service_8k_utterances.csv", bitextItems("utterance"));
  add(
    "bitext_20k",
    "bitext-20k/bitext_customer_support_20k_utterances.csv",
    bitextItems("utterance"),
  );

  const b77 = mapping.banking77 as Record<string, Pair>;
  add(
    "banking77",
    "banking77/banking77_test.csv",
    (rows) => rows.map((r) => ({ subject: "", body: r.text, gold: intentGold(b77[r.category]) })),
  );

  const clinc = mapping.clinc150 as Record<string, Pair>;
  add("clinc150", "clinc150/clinc150_test.csv", (rows) =>
    rows.map((r) => {
      const pair = clinc[r.intent] ?? ["general", "out_of_domain"];
      return { subject: "", body: r.text, gold: { category: { label: pair[0] } } };
    }));

  const queue = mapping.support_tickets_queue as Record<string, Pair>;
  const prio = mapping.support_tickets_priority as Record<string, string>;
  const ticketItems = (rows: Row[]) =>
    rows.map((r) => {
      const gold: EvalItem["gold"] = { language: { label: r.language } };
      if (r.language === "en") {
        Object.assign(gold, intentGold(queue[r.queue]));
        if (prio[r.priority]) gold.priority = { label: prio[r.priority] };
      }
      return { subject: r.subject, body: r.body, gold };
    });
  add(
    "support_tickets",
    "support-tickets-synthetic/tickets_multi_lang_4_20k_first2181.csv",
    ticketItems,
  );
  add("helpdesk_600", "support-tickets-synthetic/helpdesk_customer_tickets_600.csv", ticketItems);

  add(
    "twitter_airline",
    "twitter-airline-sentiment/tweets_airline_sentiment.csv",
    (rows) =>
      rows.map((r) => ({
        subject: "",
        body: r.text,
        gold: { sentiment: { label: r.airline_sentiment } },
      })),
  );

  add("sms_spam", "sms-spam-collection/sms_spam_collection.csv", (rows) =>
    rows.map((r) => ({
      subject: "",
      body: r.text,
      gold: { spam: { label: r.label === "spam" ? "spam" : "not_spam" } },
    })));

  const saPath = join(dir, "spamassassin", "spamassassin_sample.jsonl");
  if (!existsSync(saPath)) skipped.push("spamassassin");
  else {
    // Each raw mail through the product's own parser: the subject and the cleaned text (HTML
    // converted, quotes and signature removed) are what triage reads for an e-mail ticket.
    const items: EvalDataset["items"] = [];
    for (const line of Deno.readTextFileSync(saPath).split("\n").filter((l) => l.trim())) {
      const rec = JSON.parse(line) as { label: string; text: string };
      const mail = await parseEmail(rec.text).catch(() => null);
      items.push({
        subject: mail?.subject ?? "",
        body: mail?.cleanText ?? "",
        gold: { spam: { label: rec.label === "spam" ? "spam" : "not_spam" } },
      });
    }
    datasets.push({ name: "spamassassin", items });
  }
  return { datasets, skipped };
}

/** Up to `n` items spread evenly over the dataset (so label blocks stay mixed). */
export function sample<T>(items: T[], n: number | undefined): T[] {
  if (n === undefined || n >= items.length) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]);
}
