import assert from "node:assert/strict";
import { type JsonPath, JsonStreamError, JsonStreamParser } from "./json_stream.ts";

function parseInPieces(text: string, size: number, parser = new JsonStreamParser()): unknown {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) parser.pushBytes(bytes.subarray(i, i + size));
  return parser.finish();
}

Deno.test("JsonStreamParser builds what JSON.parse builds, whatever the chunk size", () => {
  const samples = [
    '{"a":1,"b":[true,false,null,-2.5e3,"x"],"c":{"d":"é \\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\/"}}',
    "[]",
    "{}",
    ' [ 1 , [ ] , { } , "" ] ',
    '"just a string"',
    "42",
    '{"__proto__":{"polluted":true},"k":"v"}',
  ];
  for (const text of samples) {
    for (const size of [1, 2, 3, 7, 1000]) {
      assert.deepEqual(parseInPieces(text, size), JSON.parse(text), `${text} in ${size}s`);
    }
  }
  const value = parseInPieces('{"__proto__":{"polluted":true}}', 1) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("JsonStreamParser refuses what is not JSON", () => {
  for (
    const text of [
      "{",
      '{"a"}',
      '{"a":1,}',
      "[1 2]",
      '"unterminated',
      "tru",
      "{'a':1}",
      '"bad \\x escape"',
      '"tab\there"',
      "1 2",
      "",
    ]
  ) {
    assert.throws(() => parseInPieces(text, 2), JsonStreamError, text);
  }
  assert.throws(
    () => parseInPieces("[".repeat(40) + "]".repeat(40), 5, new JsonStreamParser({ maxDepth: 32 })),
    /nested deeper than 32/,
  );
  const invalid = new JsonStreamParser();
  assert.throws(() => invalid.pushBytes(new Uint8Array([0x22, 0xff, 0x22])), /UTF-8/);
});

Deno.test("JsonStreamParser hands a string to the sink chosen by its path, in pieces", () => {
  const seen: { path: JsonPath; pieces: string[] }[] = [];
  const parser = new JsonStreamParser({
    sinkFor: (path) => {
      if (path[0] !== "files" || path[2] !== "content") return undefined;
      const entry = { path, pieces: [] as string[] };
      seen.push(entry);
      return {
        write: (piece) => entry.pieces.push(piece),
        end: () => ({ length: entry.pieces.join("").length }),
      };
    },
  });
  const value = parseInPieces(
    JSON.stringify({ name: "x", files: [{ name: "a", content: "A".repeat(50) }] }),
    8,
    parser,
  ) as { files: { content: unknown }[] };
  assert.deepEqual(seen[0].path, ["files", 0, "content"]);
  assert.ok(seen[0].pieces.length > 1, "delivered as it arrived");
  assert.deepEqual(value.files[0].content, { length: 50 });
});

Deno.test("JsonStreamParser keeps at most maxStringChars of a string and records the cut", () => {
  const parser = new JsonStreamParser({ maxStringChars: 10 });
  const value = parseInPieces(
    JSON.stringify({ TextBody: "x".repeat(25), short: "ok" }),
    4,
    parser,
  ) as Record<string, string>;
  assert.equal(value.TextBody, "x".repeat(10));
  assert.equal(value.short, "ok");
  assert.deepEqual(parser.cut, [{ path: "TextBody", keptChars: 10, totalChars: 25 }]);
});
