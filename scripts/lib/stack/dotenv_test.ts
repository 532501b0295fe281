import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "../paths.ts";
import { parseDotenv } from "./stack.ts";

Deno.test("parseDotenv() reads KEY=VALUE lines", () => {
  assert.deepEqual(parseDotenv("A=1\nB_2=two words\n"), { A: "1", B_2: "two words" });
});

Deno.test("parseDotenv() skips comments, blank lines and lines without a key", () => {
  const text = [
    "# a comment",
    "   # an indented comment",
    "#DISABLED=1",
    "",
    "not a pair",
    "1BAD=starts with a digit",
    "KEEP=yes",
  ].join("\n");
  assert.deepEqual(parseDotenv(text), { KEEP: "yes" });
});

Deno.test("parseDotenv() accepts an export prefix", () => {
  assert.deepEqual(parseDotenv("export OPENAI_API_KEY=sk-test\n  export  X=1"), {
    OPENAI_API_KEY: "sk-test",
    X: "1",
  });
});

Deno.test("parseDotenv() trims spaces around the key, the equals sign and the value", () => {
  assert.deepEqual(parseDotenv("  KEY  =   value with spaces   "), { KEY: "value with spaces" });
});

Deno.test("parseDotenv() removes matching double or single quotes", () => {
  assert.deepEqual(parseDotenv(`A="double quoted"\nB='single quoted'\nC=""`), {
    A: "double quoted",
    B: "single quoted",
    C: "",
  });
});

Deno.test("parseDotenv() keeps mismatched quotes as they are", () => {
  assert.deepEqual(parseDotenv(`A="open\nB='mixed"`), { A: `"open`, B: `'mixed"` });
});

Deno.test("parseDotenv() keeps a # inside quotes", () => {
  assert.deepEqual(parseDotenv(`COLOR="#ff0000 # not a comment"`), {
    COLOR: "#ff0000 # not a comment",
  });
});

Deno.test("parseDotenv() drops an inline comment after an unquoted value", () => {
  assert.deepEqual(parseDotenv("ISTS_ORG_NAME=Acme Support   # shown in Slack\nB=1 #x"), {
    ISTS_ORG_NAME: "Acme Support",
    B: "1",
  });
});

Deno.test("parseDotenv() keeps a # that does not follow whitespace", () => {
  assert.deepEqual(parseDotenv("URL=https://example.com/#anchor\nKEY=abc#123"), {
    URL: "https://example.com/#anchor",
    KEY: "abc#123",
  });
});

Deno.test("parseDotenv() keeps = signs in the value and allows an empty value", () => {
  assert.deepEqual(parseDotenv("DB=postgres://u:p@h/db?sslmode=require\nEMPTY="), {
    DB: "postgres://u:p@h/db?sslmode=require",
    EMPTY: "",
  });
});

Deno.test("parseDotenv() reads CRLF line endings", () => {
  assert.deepEqual(parseDotenv("A=1\r\nB='2'\r\n"), { A: "1", B: "2" });
});

Deno.test("parseDotenv() lets a later line override an earlier one", () => {
  assert.deepEqual(parseDotenv("A=1\nA=2"), { A: "2" });
});

Deno.test("importing stack.ts starts nothing and needs no permission but read", async () => {
  // Without --allow-run/-write/-net/-env, any side effect at import time fails the run.
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--no-check",
      `--allow-read=${ROOT}`,
      join(ROOT, "scripts", "lib", "stack", "stack.ts"),
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
});

Deno.test("parseDotenv() drops the quotes of a quoted value followed by a comment", () => {
  assert.deepEqual(parseDotenv('A="x y" # the key'), { A: "x y" });
});
