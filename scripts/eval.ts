/**
 * Evaluates a triage provider on the public datasets (../shared/datasets unless --datasets-dir
 * or ISTS_DATASETS says otherwise). The datasets are used for evaluation only: nothing is trained
 * on them. Per dataset and field it prints accuracy, macro-F1, a confusion matrix and the share
 * and accuracy of answers with confidence ≥ 0.85, then one `eval <dataset> <field> ...` line each.
 *
 * Run: npm run eval -- --provider local|openai [--dataset NAME] [--limit N] [--json FILE]
 *      [--datasets-dir DIR] [--mode parallel|combined]
 *
 * `npm run eval -- responses` evaluates the answers instead (scripts/lib/eval_responses.ts):
 * over the bundled sample tickets, how many drafts pass every gate and would be auto-sent.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createLocalProvider } from "../supabase/functions/_shared/ai/local_provider.ts";
import type {
  AiProvider,
  Emotion,
  TriageInput,
  TriageResult,
} from "../supabase/functions/_shared/ai/types.ts";
import { DATASETS_DIR } from "./lib/datasets.ts";
import { parseEvalArgs, USAGE, UsageError } from "./lib/eval_args.ts";
import {
  type EvalDataset,
  type EvalItem,
  type Field,
  FIELDS,
  loadEvalDatasets,
  sample,
} from "./lib/eval_datasets.ts";
import {
  confusionTable,
  evalLine,
  FieldReport,
  FieldScorer,
  summaryLines,
} from "./lib/eval_metrics.ts";
import { ROOT } from "./lib/paths.ts";
import { runResponsesEval } from "./lib/eval_responses_report.ts";

/** Options of `createOpenAiProvider` in openai_provider.ts (loaded only for --provider openai). */
interface OpenAiOptions {
  apiKey: string;
  baseURL?: string;
  mode?: "parallel" | "combined";
  fallback: AiProvider;
}

/** Three-way polarity of an emotion, as the tweet labels have it. */
export function polarity(e: Emotion): "negative" | "neutral" | "positive" {
  if (e === "angry" || e === "frustrated") return "negative";
  if (e === "satisfied" || e === "happy") return "positive";
  return "neutral";
}

/** What a result answers for a field, with its confidence when it has one. */
export function predict(
  field: Field,
  res: TriageResult,
): { pred: string; confidence?: number } | null {
  switch (field) {
    case "category":
      return { pred: res.category, confidence: res.confidence };
    case "sub_category":
      return { pred: res.subCategory };
    case "priority":
      // The datasets know low/medium/high only.
      return { pred: res.priority.priority === "urgent" ? "high" : res.priority.priority };
    case "sentiment":
      return { pred: polarity(res.sentiment.emotion) };
    case "spam":
      if (!res.spam) return null;
      return {
        pred: res.spam.isSpam ? "spam" : "not_spam",
        confidence: Math.max(res.spam.score, 1 - res.spam.score),
      };
    case "language":
      return { pred: res.language };
  }
}

async function makeProvider(
  kind: "local" | "openai",
  mode: OpenAiOptions["mode"],
): Promise<AiProvider> {
  const local = createLocalProvider();
  if (kind === "local") return local;
  const apiKey = Deno.env.get("OPENAI_API_KEY");
  if (!apiKey) {
    throw new UsageError("Cannot evaluate the openai provider: set OPENAI_API_KEY");
  }
  // A computed specifier keeps the OpenAI module (and its SDK) out of local-only runs.
  const url = new URL("../supabase/functions/_shared/ai/openai_provider.ts", import.meta.url);
  const mod = await import(url.href) as {
    createOpenAiProvider?: (o: OpenAiOptions) => AiProvider;
  };
  if (typeof mod.createOpenAiProvider !== "function") {
    throw new Error("Cannot evaluate openai: openai_provider.ts exports no createOpenAiProvider");
  }
  return mod.createOpenAiProvider({
    apiKey,
    baseURL: Deno.env.get("OPENAI_BASE_URL") || undefined,
    mode,
    fallback: local,
  });
}

function ticket(item: EvalItem): TriageInput {
  return {
    subject: item.subject,
    body: item.body,
    channel: "email",
    customerTier: "standard",
    history: [],
  };
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Scores of one dataset. */
interface DatasetReport {
  n: number;
  fields: Partial<Record<Field, FieldReport>>;
  usage: {
    tokensPer1000: number;
    dollarsPer1000: number;
    promptTokens: number;
    completionTokens: number;
    totalCost: number;
  };
  fallbacks: number;
  seconds: number;
}

async function evaluate(
  provider: AiProvider,
  ds: EvalDataset,
  concurrency: number,
  errorsOf?: string,
): Promise<DatasetReport> {
  const t0 = performance.now();
  const results = await mapLimit(ds.items, concurrency, (it) => provider.triage(ticket(it)));
  const seconds = (performance.now() - t0) / 1000;
  const scorers = new Map<Field, FieldScorer>();
  let promptTokens = 0;
  let completionTokens = 0;
  let totalCost = 0;
  let fallbacks = 0;
  ds.items.forEach((item, i) => {
    const res = results[i];
    promptTokens += res.promptTokens ?? 0;
    completionTokens += res.completionTokens ?? 0;
    totalCost += res.totalCost ?? 0;
    if (res.fallback) fallbacks++;
    for (const field of FIELDS) {
      const gold = item.gold[field];
      if (!gold) continue;
      const scorer = scorers.get(field) ?? new FieldScorer();
      scorers.set(field, scorer);
      const p = predict(field, res);
      if (!p) {
        scorer.addMissing();
        continue;
      }
      scorer.add({ gold: gold.label, accepted: gold.accepted, ...p });
      const right = p.pred === gold.label || (gold.accepted?.includes(p.pred) ?? false);
      if (errorsOf === field && !right) {
        const text = `${item.subject} | ${item.body}`.replace(/\s+/g, " ").slice(0, 160);
        console.log(`#ERR ${ds.name} ${gold.label} -> ${p.pred} | ${text}`);
      }
    }
  });
  const fields: DatasetReport["fields"] = {};
  for (const field of FIELDS) {
    const s = scorers.get(field);
    if (s) fields[field] = s.report(field === "spam" ? "spam" : undefined);
  }
  const n = ds.items.length;
  return {
    n,
    fields,
    usage: {
      tokensPer1000: n ? ((promptTokens + completionTokens) / n) * 1000 : 0,
      dollarsPer1000: n ? (totalCost / n) * 1000 : 0,
      promptTokens,
      completionTokens,
      totalCost,
    },
    fallbacks,
    seconds,
  };
}

/** Analyses per second of the local provider on one core, on the loaded ticket texts. */
async function measureSpeed(provider: AiProvider, inputs: TriageInput[]) {
  for (const t of inputs.slice(0, 200)) await provider.triage(t);
  // Rounds over the whole sample; the fastest round is the figure (other processes on the
  // machine only ever slow a round down), the mean of all rounds is reported beside it.
  const rounds: number[] = [];
  let chars = 0;
  const t0 = performance.now();
  while (rounds.length < 3 || (performance.now() - t0 < 4000 && rounds.length < 20)) {
    const r0 = performance.now();
    for (const t of inputs) await provider.triage(t);
    rounds.push((performance.now() - r0) / 1000);
  }
  for (const t of inputs) chars += t.subject.length + t.body.length;
  const best = Math.min(...rounds);
  const mean = rounds.reduce((a, b) => a + b, 0) / rounds.length;
  return {
    analysesPerSecond: Math.round(inputs.length / best),
    meanAnalysesPerSecond: Math.round(inputs.length / mean),
    rounds: rounds.length,
    msPerAnalysis: (1000 * best) / inputs.length,
    meanChars: Math.round(chars / inputs.length),
    sample: inputs.length,
  };
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "responses") return await runResponsesEval(argv.slice(1));
  let args;
  try {
    args = parseEvalArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  const dir = args.datasetsDir ? resolve(ROOT, args.datasetsDir) : DATASETS_DIR;
  if (!existsSync(dir)) {
    console.log(`# datasets folder ${dir} not found; nothing to evaluate`);
    return 0;
  }
  let provider: AiProvider;
  try {
    provider = await makeProvider(args.provider, args.mode);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const { datasets, skipped } = await loadEvalDatasets(dir);
  for (const s of skipped) console.log(`# skipped ${s}: not found in ${dir}`);
  const wanted = args.datasets.length
    ? datasets.filter((d) => args.datasets.includes(d.name))
    : datasets;
  for (const name of args.datasets) {
    if (!datasets.some((d) => d.name === name)) console.log(`# skipped ${name}: not available`);
  }
  const concurrency = args.provider === "local" ? 1 : args.concurrency;
  const reports: Record<string, DatasetReport> = {};
  const lines: string[] = [];
  for (const full of wanted) {
    const ds = { name: full.name, items: sample(full.items, args.limit) };
    const rep = await evaluate(provider, ds, concurrency, args.errors);
    reports[ds.name] = rep;
    console.log(`\n== ${ds.name} (${rep.n} messages, ${rep.seconds.toFixed(1)} s)`);
    if (args.provider !== "local") {
      console.log(
        `  tokens per 1,000 tickets: ${Math.round(rep.usage.tokensPer1000)}  ` +
          `dollars per 1,000 tickets: ${rep.usage.dollarsPer1000.toFixed(4)}  ` +
          `fallbacks: ${rep.fallbacks}`,
      );
    }
    for (const [field, r] of Object.entries(rep.fields) as Array<[Field, FieldReport]>) {
      console.log(`-- ${field}`);
      for (const l of summaryLines(r, field === "spam" ? "spam" : undefined)) console.log(l);
      console.log(confusionTable(r).replace(/^/gm, "  "));
      lines.push(evalLine(ds.name, field, r));
    }
  }
  let speed;
  if (args.provider === "local" && wanted.length) {
    // Time realistic multi-sentence tickets when they are loaded (as before), else whatever ran.
    const tickets = wanted.filter((d) => d.name === "support_tickets" || d.name === "helpdesk_600");
    const inputs = (tickets.length ? tickets : wanted).flatMap((d) => sample(d.items, 1000))
      .map(ticket);
    speed = await measureSpeed(provider, inputs);
    console.log(
      `\n== speed: ${speed.analysesPerSecond} analyses/s on one core, fastest of ${speed.rounds} ` +
        `rounds (${speed.msPerAnalysis.toFixed(3)} ms each, mean ${speed.meanChars} chars; ` +
        `${speed.meanAnalysesPerSecond}/s over all rounds)`,
    );
  }
  console.log("");
  for (const l of lines) console.log(l);
  if (speed) console.log(`eval speed analyses_per_s=${speed.analysesPerSecond}`);
  if (args.json) {
    const report = {
      provider: args.provider,
      mode: args.mode ?? null,
      datasetsDir: dir,
      limit: args.limit ?? null,
      createdAt: new Date().toISOString(),
      skipped,
      datasets: reports,
      speed: speed ?? null,
    };
    await Deno.writeTextFile(resolve(Deno.cwd(), args.json), JSON.stringify(report, null, 2));
    console.log(`# wrote ${args.json}`);
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
