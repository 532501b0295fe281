import assert from "node:assert/strict";
import { parseEvalArgs, UsageError } from "./eval_args.ts";

Deno.test("parseEvalArgs() reads every option in both spellings", () => {
  const a = parseEvalArgs([
    "--provider",
    "openai",
    "--dataset=sms_spam,spamassassin",
    "--limit",
    "50",
    "--json=out.json",
    "--datasets-dir",
    "../data",
    "--mode",
    "combined",
  ]);
  assert.equal(a.provider, "openai");
  assert.deepEqual(a.datasets, ["sms_spam", "spamassassin"]);
  assert.equal(a.limit, 50);
  assert.equal(a.json, "out.json");
  assert.equal(a.datasetsDir, "../data");
  assert.equal(a.mode, "combined");
});

Deno.test("parseEvalArgs() defaults to the local provider and all datasets", () => {
  assert.deepEqual(parseEvalArgs([]), { provider: "local", datasets: [], concurrency: 4 });
});

Deno.test("parseEvalArgs() rejects an unknown provider and a bad limit", () => {
  assert.throws(() => parseEvalArgs(["--provider", "foo"]), UsageError);
  assert.throws(() => parseEvalArgs(["--limit", "0"]), UsageError);
  assert.throws(() => parseEvalArgs(["--nope"]), UsageError);
});
