/** `npm run eval -- responses [--input FILE.jsonl] [--json FILE] [--show]`: runs and prints it. */
import postgres from "postgres";
import { resolve } from "node:path";
import { evaluateResponses, type ResponseEvalRow } from "./eval_responses.ts";
import { parseMessages } from "./messages.ts";
import { ROOT } from "./paths.ts";
import { startStack } from "./stack/stack.ts";

/** Usage of the responses mode. */
export const RESPONSES_USAGE =
  "usage: npm run eval -- responses [--input FILE.jsonl] [--json FILE] [--show]";

function describe(r: ResponseEvalRow): string {
  if (r.outcome !== "drafted") return r.outcome.replace("_", "-");
  const decision = r.autoSend ? "AUTO-SEND" : `review: ${r.reasons.join(", ")}`;
  return `${r.article ?? "(no article)"}  conf ${r.confidence?.toFixed(2)}  gates ` +
    `${r.gatesPassed}/9  ${decision}`;
}

/** Parses the options, ensures the local stack runs, evaluates and prints; returns the exit code. */
export async function runResponsesEval(argv: string[]): Promise<number> {
  let input = resolve(ROOT, "samples", "messages.jsonl");
  let json: string | undefined;
  let show = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--input") input = resolve(Deno.cwd(), value() ?? "");
    else if (flag === "--json") json = value();
    else if (flag === "--show") show = true;
    else {
      console.error(`Cannot understand option "${argv[i]}"\n${RESPONSES_USAGE}`);
      return 2;
    }
  }
  const { messages, problems } = parseMessages(await Deno.readTextFile(input));
  for (const p of problems) console.log(`# skipped ${p}`);
  const info = await startStack();
  const sql = postgres(info.dbUrl, { max: 2, onnotice: () => {} });
  try {
    const [{ n }] = await sql<{ n: number }[]>`
      select count(*)::int as n from public.kb_articles where published`;
    console.log(
      `\n== responses: ${messages.length} sample messages (${input.replace(`${ROOT}/`, "")}), ` +
        `local writer, ${n} published knowledge-base articles (nothing is stored)\n`,
    );
    const { rows, summary } = await evaluateResponses(sql, messages);
    for (const r of rows) {
      console.log(
        `  ${String(r.line).padStart(3)}  ${r.subject.slice(0, 38).padEnd(38)}  ${describe(r)}`,
      );
      if (show && r.body) console.log(r.body.replace(/^/gm, "       │ "));
    }
    const list = (o: Record<string, number>) =>
      Object.entries(o).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
    console.log("\nSummary");
    console.log(`  messages:           ${summary.messages} (${summary.duplicates} duplicates)`);
    console.log(
      `  not drafted:        ${summary.autoResolved} auto-resolved by routing, ` +
        `${summary.quarantined} quarantined as spam`,
    );
    console.log(`  drafted:            ${summary.drafted}`);
    console.log(`  all gates passed:   ${summary.allGatesPassed} of ${summary.drafted}`);
    console.log(`  would be auto-sent: ${summary.autoSent} of ${summary.drafted}`);
    console.log(
      `  unsafe auto-sends:  ${summary.unsafeAutoSent} (a refund mentioned or a placeholder)`,
    );
    console.log(`  failed gates:       ${list(summary.gateFailures)}`);
    console.log(`  review reasons:     ${list(summary.reviewReasons)}`);
    console.log(
      `\neval responses drafted=${summary.drafted} all_gates=${summary.allGatesPassed} ` +
        `auto_send=${summary.autoSent} unsafe_auto_send=${summary.unsafeAutoSent}`,
    );
    if (json) {
      await Deno.writeTextFile(
        resolve(Deno.cwd(), json),
        JSON.stringify({ summary, rows }, null, 2),
      );
      console.log(`# wrote ${json}`);
    }
    return summary.unsafeAutoSent === 0 ? 0 : 1;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
