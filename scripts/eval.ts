/**
 * Evaluates the built-in local triage provider on the public datasets in ../shared/datasets
 * (override with env ISTS_DATASETS). The datasets are used for evaluation only: nothing here is
 * trained on them. Prints one `name: value` line per figure.
 *
 * Run: deno run -A scripts/eval.ts            (add --confusion for a sub-category confusion dump)
 */
import { createLocalProvider } from "../supabase/functions/_shared/ai/local_provider.ts";
import type { TriageInput, TriageResult } from "../supabase/functions/_shared/ai/types.ts";
import { SUB_CATEGORIES, type SubCategory } from "../supabase/functions/_shared/ai/types.ts";
import { DATASETS_DIR, parseCsv, type Row } from "./lib/datasets.ts";

const ROOT = DATASETS_DIR;
const SHOW_CONFUSION = Deno.args.includes("--confusion");
const SHOW_ERRORS = Deno.args.includes("--errors");

type LabelMapping = Record<string, Record<string, unknown>>;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function readCsv(rel: string): Promise<Row[] | null> {
  const path = `${ROOT}/${rel}`;
  if (!(await exists(path))) {
    console.log(`# skipped ${rel}: not found`);
    return null;
  }
  return parseCsv(await Deno.readTextFile(path));
}

/**
 * label_mapping.json uses finer sub-categories than the product; these are the product
 * sub-categories we accept for each of them (only where a fair equivalent exists).
 */
const SUB_EQUIV: Record<string, SubCategory[]> = {
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

function input(subject: string, body: string): TriageInput {
  return { subject, body, channel: "email", customerTier: "standard", history: [] };
}

const fmt = (x: number) => x.toFixed(3);

class Tally {
  n = 0;
  ok = 0;
  add(good: boolean) {
    this.n++;
    if (good) this.ok++;
  }
  get value() {
    return this.n ? this.ok / this.n : 0;
  }
}

const provider = createLocalProvider();
const confusion = new Map<string, Map<string, number>>();
function confuse(gold: string, pred: string) {
  const m = confusion.get(gold) ?? new Map<string, number>();
  m.set(pred, (m.get(pred) ?? 0) + 1);
  confusion.set(gold, m);
}

async function evalIntentSet(
  name: string,
  rows: Row[],
  textCol: string,
  labelOf: (r: Row) => [string, string] | undefined,
) {
  const cat = new Tally();
  const sub = new Tally();
  const confident = new Tally();
  for (const r of rows) {
    const gold = labelOf(r);
    if (!gold) continue;
    const res = await provider.triage(input("", r[textCol]));
    const good = res.category === gold[0];
    cat.add(good);
    if (res.confidence > 0.85) confident.add(good);
    const accepted = SUB_EQUIV[gold[1]];
    if (accepted) {
      sub.add(accepted.includes(res.subCategory));
      if (SHOW_CONFUSION) confuse(`${name}:${gold[1]}`, res.subCategory);
    }
    if (SHOW_ERRORS && !good) {
      console.log(`#ERR ${gold.join("/")} -> ${res.category}/${res.subCategory} | ${r[textCol]}`);
    }
  }
  console.log(`category_accuracy_${name}: ${fmt(cat.value)}`);
  console.log(`sub_category_accuracy_${name}: ${fmt(sub.value)}`);
  console.log(`precision_at_conf_0.85_${name}: ${fmt(confident.value)}`);
  console.log(`coverage_at_conf_0.85_${name}: ${fmt(confident.n / Math.max(1, cat.n))}`);
  console.log(`rows_${name}: ${cat.n}`);
}

async function main() {
  if (!(await exists(ROOT))) {
    console.log(`datasets folder ${ROOT} not found (set ISTS_DATASETS); nothing to evaluate`);
    return;
  }
  const mapping = JSON.parse(
    await Deno.readTextFile(`${ROOT}/label_mapping.json`),
  ) as LabelMapping;
  const bitextIntent = mapping.bitext_intent as Record<string, [string, string]>;

  // --- Bitext (three variants) ---
  const b4514 = await readCsv("bitext-llm-4514/bitext_customer_support_llm_4514.csv");
  if (b4514) {
    await evalIntentSet("bitext_llm_4514", b4514, "instruction", (r) => bitextIntent[r.intent]);
  }
  const b8k = await readCsv("bitext-8k/bitext_customer_service_8k_utterances.csv");
  if (b8k) await evalIntentSet("bitext_8k", b8k, "utterance", (r) => bitextIntent[r.intent]);
  const b20k = await readCsv("bitext-20k/bitext_customer_support_20k_utterances.csv");
  if (b20k) await evalIntentSet("bitext_20k", b20k, "utterance", (r) => bitextIntent[r.intent]);

  // --- banking77 (extra: covers technical/account routing in banking) ---
  const b77 = await readCsv("banking77/banking77_test.csv");
  if (b77) {
    const m = mapping.banking77 as Record<string, [string, string]>;
    await evalIntentSet("banking77", b77, "text", (r) => m[r.category]);
  }

  // --- support-tickets-synthetic (English rows): category, sub-category, priority ---
  const queueMap = mapping.support_tickets_queue as Record<string, [string, string]>;
  const prioMap = mapping.support_tickets_priority as Record<string, string>;
  const st = await readCsv("support-tickets-synthetic/tickets_multi_lang_4_20k_first2181.csv");
  const timedInputs: TriageInput[] = [];
  if (st) {
    const cat = new Tally();
    const sub = new Tally();
    const prio = new Tally();
    const prioWithin1 = new Tally();
    const confident = new Tally();
    const perQueue = new Map<string, Tally>();
    const order = ["low", "medium", "high"];
    const prioConf = new Map<string, number>();
    for (const r of st) {
      timedInputs.push(input(r.subject, r.body));
      if (r.language !== "en") continue;
      const gold = queueMap[r.queue];
      if (!gold) continue;
      const res = await provider.triage(input(r.subject, r.body));
      const good = res.category === gold[0];
      cat.add(good);
      if (res.confidence > 0.85) confident.add(good);
      const q = perQueue.get(r.queue) ?? new Tally();
      q.add(good);
      perQueue.set(r.queue, q);
      const accepted = SUB_EQUIV[gold[1]];
      if (accepted) sub.add(accepted.includes(res.subCategory));
      if (SHOW_CONFUSION) confuse(`tickets:${r.queue}`, `${res.category}/${res.subCategory}`);
      const goldPrio = prioMap[r.priority];
      if (goldPrio) {
        const p = res.priority.priority === "urgent" ? "high" : res.priority.priority;
        prio.add(p === goldPrio);
        prioWithin1.add(Math.abs(order.indexOf(p) - order.indexOf(goldPrio)) <= 1);
        const k = `${goldPrio}->${p}`;
        prioConf.set(k, (prioConf.get(k) ?? 0) + 1);
      }
      if (SHOW_ERRORS && !good) {
        console.log(
          `#ERR ${r.queue} -> ${res.category}/${res.subCategory} | ${r.subject} | ${
            r.body.slice(0, 200)
          }`,
        );
      }
    }
    console.log(`category_accuracy_support_tickets_en: ${fmt(cat.value)}`);
    console.log(`sub_category_accuracy_support_tickets_en_mapped: ${fmt(sub.value)}`);
    console.log(`precision_at_conf_0.85_support_tickets_en: ${fmt(confident.value)}`);
    console.log(`rows_support_tickets_en: ${cat.n}`);
    for (const [q, t] of [...perQueue].sort()) {
      const key = q.toLowerCase().replace(/[^a-z]+/g, "_");
      console.log(`category_accuracy_support_tickets_en_queue_${key}: ${fmt(t.value)}`);
    }
    console.log(`priority_accuracy_support_tickets_en: ${fmt(prio.value)}`);
    console.log(`priority_within_one_level_support_tickets_en: ${fmt(prioWithin1.value)}`);
    if (SHOW_CONFUSION) {
      console.log(`# priority gold->pred: ${JSON.stringify(Object.fromEntries(prioConf))}`);
    }
  }

  // --- language detection on the multilingual 600-ticket file ---
  const st600 = await readCsv("support-tickets-synthetic/helpdesk_customer_tickets_600.csv");
  if (st600) {
    const lang = new Tally();
    for (const r of st600) {
      const res = await provider.triage(input(r.subject, r.body));
      lang.add(res.language === r.language);
      timedInputs.push(input(r.subject, r.body));
    }
    console.log(`language_accuracy_support_tickets_600: ${fmt(lang.value)}`);
  }

  // --- sentiment polarity on real airline tweets ---
  const tw = await readCsv("twitter-airline-sentiment/tweets_airline_sentiment.csv");
  if (tw) {
    const all = new Tally();
    const confidentRows = new Tally();
    const perClass = new Map<string, Tally>();
    const polarity = (e: TriageResult["sentiment"]["emotion"]) =>
      e === "angry" || e === "frustrated"
        ? "negative"
        : e === "satisfied" || e === "happy"
        ? "positive"
        : "neutral";
    for (const r of tw) {
      const res = await provider.triage(input("", r.text));
      const good = polarity(res.sentiment.emotion) === r.airline_sentiment;
      all.add(good);
      if (Number(r.airline_sentiment_confidence) >= 0.66) {
        confidentRows.add(good);
        const t = perClass.get(r.airline_sentiment) ?? new Tally();
        t.add(good);
        perClass.set(r.airline_sentiment, t);
      }
    }
    console.log(`sentiment_polarity_accuracy_twitter_airline: ${fmt(all.value)}`);
    console.log(`sentiment_polarity_accuracy_twitter_airline_conf66: ${fmt(confidentRows.value)}`);
    for (const [k, t] of [...perClass].sort()) {
      console.log(`sentiment_recall_twitter_airline_conf66_${k}: ${fmt(t.value)}`);
    }
  }

  // --- throughput (the full pipeline call on realistic multi-sentence tickets) ---
  if (timedInputs.length === 0) {
    timedInputs.push(input("Cannot log in", "I forgot my password, please help me reset it."));
  }
  const warm = timedInputs.slice(0, 50);
  for (const t of warm) await provider.triage(t);
  let n = 0;
  let chars = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 2000) {
    for (const t of timedInputs) {
      await provider.triage(t);
      n++;
      chars += t.subject.length + t.body.length;
    }
  }
  const secs = (performance.now() - t0) / 1000;
  console.log(`throughput_tickets_per_s: ${(n / secs).toFixed(0)}`);
  console.log(`ms_per_ticket: ${(1000 * secs / n).toFixed(3)}`);
  console.log(`mean_ticket_chars: ${(chars / n).toFixed(0)}`);

  if (SHOW_CONFUSION) {
    for (const [gold, m] of [...confusion].sort()) {
      const parts = [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`);
      console.log(`# ${gold}: ${parts.join(" ")}`);
    }
  }
  // Keep the import of SUB_CATEGORIES meaningful: sanity-check the equivalence table.
  for (const subs of Object.values(SUB_EQUIV)) {
    for (const s of subs) if (!(s in SUB_CATEGORIES)) throw new Error(`bad sub-category ${s}`);
  }
}

if (import.meta.main) await main();
