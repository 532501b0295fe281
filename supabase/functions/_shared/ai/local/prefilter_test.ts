import assert from "node:assert/strict";
import { fastCount, fastTest, mayMatch, requiredLiterals } from "./prefilter.ts";
import { CONCEPTS } from "./text.ts";
import { DATA } from "./training_data.ts";
import { LONGFORM } from "./data_longform.ts";
import { HAM_EXAMPLES, SPAM_EXAMPLES } from "./data_spam.ts";
import { rng } from "./classifier.ts";

Deno.test("requiredLiterals() reads the fixed strings every match must contain", () => {
  assert.deepEqual(requiredLiterals(/\b(pass ?words?|pwd|credentials?)\b/), [
    "pass",
    "pwd",
    "credential",
  ]);
  assert.deepEqual(requiredLiterals(/\b(log ?in|login|sign ?in)\b/), ["log", "sign"]);
  assert.deepEqual(requiredLiterals(/production.{0,30}(down|offline)/), ["production"]);
  assert.deepEqual(requiredLiterals(/<\/?(system|prompt)>/i), ["system", "prompt"]);
  assert.deepEqual(requiredLiterals(/\bHello (World|THERE)\b/i), ["hello "]);
  assert.deepEqual(requiredLiterals(/ab\bcd/), ["abcd"]);
  assert.deepEqual(requiredLiterals(/x(?=yy)z{2}/), ["xzz"]);
});

Deno.test("requiredLiterals() gives nothing for patterns that can match without a literal", () => {
  for (
    const re of [
      /[$€£]|\b(dollars?|euros?)\b/,
      /\d+/,
      /(a|)b?/,
      /(foo)?/,
      /\p{L}+/u,
      /(\w)\1/,
      /x*/,
    ]
  ) {
    assert.equal(requiredLiterals(re), null, String(re));
  }
});

/** Texts to try the prefilters on: the training material plus lower-cased, cut and mixed forms. */
function corpus(): string[] {
  const base: string[] = [...SPAM_EXAMPLES, ...HAM_EXAMPLES];
  for (const entry of Object.values(DATA)) base.push(...entry.examples, ...entry.phrases);
  for (const list of Object.values(LONGFORM)) base.push(...(list ?? []));
  const rand = rng(3);
  const out: string[] = [];
  for (const t of base) {
    out.push(t, t.toLowerCase(), t.toUpperCase(), t.slice(Math.floor(rand() * t.length)));
    const other = base[Math.floor(rand() * base.length)];
    out.push(`${t.slice(0, 40)} ${other.slice(-40)}`.toLowerCase());
  }
  return out;
}

const PATTERNS: RegExp[] = [
  ...CONCEPTS.map(([, re]) => re),
  /\b(production|prod|live (site|system))\b.{0,30}\b(down|offline|not working)\b/,
  /\b(ignore|disregard|forget)\b[^.!?\n]{0,60}\b(instructions?|prompts?|rules)\b/i,
  /^\s*(system|assistant)\s*:/im,
  /(^|\D)0[89]\d{8,9}(\D|$)/,
  /\b(to|txt|text|send|call|reply|on)\s*:?\s*\d{5}(?![\d -]*\d)/,
  /(?<![\d-])(\+?\d[\d -]{8,}\d)(?![\d-])/,
  /!{2,}|\?!|!\?/,
  /\bthanks? (you )?for nothing\b/,
];

Deno.test("fastTest() answers exactly as the pattern does", () => {
  const texts = corpus();
  for (const re of PATTERNS) {
    const test = fastTest(re);
    for (const t of texts) {
      assert.equal(test(t), re.test(t), `${re} on ${JSON.stringify(t)}`);
      assert.equal(test(t, t.toLowerCase()), re.test(t), `${re} (lower given)`);
    }
  }
});

Deno.test("fastCount() and mayMatch() agree with the pattern's matches", () => {
  const texts = corpus();
  for (const source of PATTERNS) {
    const re = new RegExp(
      source.source,
      source.flags.includes("g") ? source.flags : source.flags + "g",
    );
    const count = fastCount(re);
    const may = mayMatch(re);
    for (const t of texts) {
      const n = (t.match(re) ?? []).length;
      assert.equal(count(t), n, `${re} on ${JSON.stringify(t)}`);
      if (n > 0) assert.ok(may(t), `${re} may match ${JSON.stringify(t)}`);
    }
  }
});

Deno.test("fastTest() refuses global patterns, fastCount() needs one", () => {
  assert.throws(() => fastTest(/a/g));
  assert.throws(() => fastCount(/a/));
});
