import assert from "node:assert/strict";
import { parseYaml } from "./small_yaml.ts";

Deno.test("parseYaml() reads a tagged mapping with quoted, folded and block scalars", () => {
  const doc = [
    "--- !ruby/hash:ActiveSupport::HashWithIndifferentAccess",
    "from: Jane <jane@example.com>",
    "subject: 'AW: it''s here'",
    'to: "a\\tb \\u00e4',
    "  c\\",
    '  \\ d"',
    "body: |-",
    "  line one",
    "",
    "    indented",
    "cc:",
    "attachments:",
    "- !ruby/hash:ActiveSupport::HashWithIndifferentAccess",
    "  filename: message.html",
    "  preferences:",
    "    content-alternative: true",
    "    ? Very-Long-Header",
    "    : value",
    "- filename: x.pdf",
    "empty: []",
    "...",
  ].join("\n");
  assert.deepEqual(parseYaml(doc), {
    from: "Jane <jane@example.com>",
    subject: "AW: it's here",
    to: "a\tb ä c d",
    body: "line one\n\n  indented",
    cc: null,
    attachments: [
      {
        filename: "message.html",
        preferences: { "content-alternative": "true", "Very-Long-Header": "value" },
      },
      { filename: "x.pdf" },
    ],
    empty: [],
  });
});

Deno.test("parseYaml() keeps trailing newlines of |+ and folds > blocks", () => {
  assert.deepEqual(parseYaml("a: |+\n  x\n\nb: >\n  one\n  two\n\n  three\n"), {
    a: "x\n\n",
    b: "one two\nthree\n",
  });
});
