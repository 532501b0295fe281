import assert from "node:assert/strict";
import { join } from "node:path";
import { failedGates, runGates } from "../../supabase/functions/_shared/answers/gates.ts";
import { draftLocal } from "../../supabase/functions/_shared/answers/local_draft.ts";
import { ticket } from "../../supabase/functions/_shared/answers/test_fixtures.ts";
import { parseKbFile, readKbDir } from "./kb_files.ts";
import { ROOT } from "./paths.ts";

const GOOD = `---
title: Download invoices
category: billing
sub_category: invoice_request
tags: [invoice, "pdf copy"]
published: false
summary: Every invoice is a PDF under Settings › Billing › Invoices.
---
1. Open Settings › Billing › Invoices.
2. Click Download PDF.
`;

Deno.test("parseKbFile() reads front matter and body, with defaults for slug, locale and url", () => {
  const parsed = parseKbFile("billing/download-invoices.md", GOOD);
  assert.ok("article" in parsed);
  assert.deepEqual(parsed.article, {
    slug: "download-invoices",
    title: "Download invoices",
    summary: "Every invoice is a PDF under Settings › Billing › Invoices.",
    body: "1. Open Settings › Billing › Invoices.\n2. Click Download PDF.",
    category: "billing",
    sub_category: "invoice_request",
    tags: ["invoice", "pdf copy"],
    locale: "en",
    published: false,
    url: null,
    source_path: "billing/download-invoices.md",
  });
});

Deno.test("parseKbFile() names every problem of a bad file", () => {
  const bad = GOOD.replace("category: billing", "category: shipping")
    .replace("title: Download invoices", "title: ab\ncolour: blue");
  const parsed = parseKbFile("bad.md", bad);
  assert.ok("problems" in parsed);
  assert.equal(parsed.problems.length, 3, parsed.problems.join(" | "));
  assert.match(parsed.problems.join("\n"), /title must have at least 3 characters/);
  assert.match(parsed.problems.join("\n"), /category must be one of billing, technical/);
  assert.match(parsed.problems.join("\n"), /unknown front matter key\(s\): colour/);
});

Deno.test("parseKbFile() refuses a sub-category of another category and a file without front matter", () => {
  const wrong = parseKbFile("x.md", GOOD.replace("invoice_request", "password_reset"));
  assert.deepEqual("problems" in wrong && wrong.problems, [
    'sub_category "password_reset" belongs to account, not billing',
  ]);
  const none = parseKbFile("y.md", "# Just a heading\n");
  assert.ok("problems" in none && /no front matter/.test(none.problems[0]));
});

Deno.test("readKbDir() reports duplicate slugs with both file names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      join(dir, "a.md"),
      GOOD.replace("---\ntitle", "---\nslug: same\ntitle"),
    );
    await Deno.writeTextFile(
      join(dir, "b.md"),
      GOOD.replace("---\ntitle", "---\nslug: same\ntitle"),
    );
    await Deno.writeTextFile(join(dir, "README.md"), "not an article");
    const { articles, bad } = await readKbDir(dir);
    assert.equal(articles.length, 1);
    assert.deepEqual(bad, [{ path: "b.md", problems: ['slug "same" is also used by a.md'] }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the bundled knowledge base has 20+ valid articles whose template answers pass every gate", async () => {
  const { articles, bad } = await readKbDir(join(ROOT, "kb"));
  assert.deepEqual(bad, []);
  assert.ok(articles.length >= 20, `${articles.length} articles`);
  for (const a of articles) {
    const kb = {
      id: a.slug,
      slug: a.slug,
      title: a.title,
      summary: a.summary,
      body: a.body,
      url: a.url ?? `https://help.example.com/articles/${a.slug}`,
      category: a.category,
      subCategory: a.sub_category,
      locale: a.locale,
      textRank: 0.3,
      similarity: null,
      subCategoryMatch: true,
      categoryMatch: true,
      score: 0.04,
    };
    const draft = draftLocal({ ticket: ticket(), articles: [kb] });
    const failed = failedGates(runGates({
      text: draft.body,
      language: "en",
      name: "Priya",
      articles: [kb],
      customerText: ticket().body,
    }));
    assert.deepEqual(failed, [], `${a.slug}: ${failed.join(", ")}\n${draft.body}`);
    assert.ok(draft.body.includes(kb.url), a.slug);
    assert.ok(a.url?.startsWith("https://help.example.com/articles/"), a.slug);
  }
});
