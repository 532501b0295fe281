/** Command-line options of `npm run eval`. */

/** Parsed options of `npm run eval`. */
export interface EvalArgs {
  provider: "local" | "openai";
  /** Dataset names to run (all when empty). */
  datasets: string[];
  limit?: number;
  json?: string;
  datasetsDir?: string;
  mode?: "parallel" | "combined";
  /** Parallel requests for remote providers. */
  concurrency: number;
  /** Print wrong answers of this field (development aid). */
  errors?: string;
}

/** Thrown for bad command-line options; the message says how to fix them. */
export class UsageError extends Error {}

/** Usage text printed on `--help` and after a UsageError. */
export const USAGE =
  "usage: npm run eval -- [--provider local|openai] [--dataset NAME[,NAME]] [--limit N] " +
  "[--json FILE] [--datasets-dir DIR] [--mode parallel|combined] [--concurrency N] [--errors FIELD]\n" +
  "       npm run eval -- responses [--input FILE.jsonl] [--json FILE] [--show]";

/** Parses `--flag value` and `--flag=value` options. */
export function parseEvalArgs(argv: string[]): EvalArgs {
  const out: EvalArgs = { provider: "local", datasets: [], concurrency: 4 };
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s, 2) as [string, string | undefined];
    const take = () => {
      if (value === undefined) {
        value = argv[++i];
        if (value === undefined) throw new UsageError(`Cannot read ${flag}: a value is missing`);
      }
      return value;
    };
    switch (flag) {
      case "--provider": {
        const p = take();
        if (p !== "local" && p !== "openai") {
          throw new UsageError(`Cannot use provider "${p}": use local or openai`);
        }
        out.provider = p;
        break;
      }
      case "--dataset":
        out.datasets.push(...take().split(",").map((s) => s.trim()).filter(Boolean));
        break;
      case "--limit": {
        const n = Number(take());
        if (!Number.isInteger(n) || n <= 0) {
          throw new UsageError(`Cannot use --limit ${value}: give a positive integer`);
        }
        out.limit = n;
        break;
      }
      case "--concurrency": {
        const n = Number(take());
        if (!Number.isInteger(n) || n <= 0) {
          throw new UsageError(`Cannot use --concurrency ${value}: give a positive integer`);
        }
        out.concurrency = n;
        break;
      }
      case "--json":
        out.json = take();
        break;
      case "--datasets-dir":
        out.datasetsDir = take();
        break;
      case "--mode": {
        const m = take();
        if (m !== "parallel" && m !== "combined") {
          throw new UsageError(`Cannot use mode "${m}": use parallel or combined`);
        }
        out.mode = m;
        break;
      }
      case "--errors":
        out.errors = take();
        break;
      default:
        throw new UsageError(`Cannot understand option "${argv[i]}"`);
    }
  }
  return out;
}
