import assert from "node:assert/strict";
import {
  CompressedRtfError,
  decompressRtf,
  isTnef,
  readTnef,
  rtfToText,
  type TnefContent,
} from "./tnef.ts";

// --- A small TNEF writer -----------------------------------------------------------------------

type Bytes = Uint8Array | number[];

function u16(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff];
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function concat(...parts: Bytes[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function latin1Bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

function utf16Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) out.set(u16(text.charCodeAt(i)), i * 2);
  return out;
}

function pad4(bytes: Bytes): Uint8Array {
  return concat(bytes, new Array((4 - (bytes.length % 4)) % 4).fill(0));
}

const message = 1;
const attachment = 2;

/** One TNEF attribute: level, id (with its type in the high 16 bits), length, data, checksum. */
function attr(level: number, id: number, type: number, data: Bytes): Uint8Array {
  const checksum = Array.from(data).reduce((sum, byte) => (sum + byte) & 0xffff, 0);
  return concat([level], u32((type << 16) | id), u32(data.length), data, u16(checksum));
}

function tnef(...attributes: Uint8Array[]): Uint8Array {
  return concat(u32(0x223e9f78), u16(0x0001), ...attributes);
}

const tnefVersion = attr(message, 0x9006, 0x0008, u32(0x00010000));
const oemCodepage = attr(message, 0x9007, 0x0006, [...u32(1252), ...u32(0)]);

interface Prop {
  type: number;
  id: number;
  /** Fixed-size types: the raw value; variable types: one or more values. */
  value: Bytes | Bytes[];
  /** Named property identification (GUID + kind + id or name), written after the tag. */
  named?: Bytes;
}

function props(list: Prop[]): Uint8Array {
  const parts: Bytes[] = [u32(list.length)];
  for (const prop of list) {
    parts.push(u16(prop.type), u16(prop.id));
    if (prop.named) parts.push(prop.named);
    const base = prop.type & ~0x1000;
    const variable = [0x001e, 0x001f, 0x0102, 0x000d].includes(base);
    const values = Array.isArray(prop.value[0]) || prop.value[0] instanceof Uint8Array
      ? prop.value as Bytes[]
      : [prop.value as Bytes];
    if (variable || prop.type & 0x1000) parts.push(u32(values.length));
    for (const value of values) {
      if (variable) parts.push(u32(value.length), pad4(value));
      else parts.push(pad4(value));
    }
  }
  return concat(...parts);
}

const guid = new Array(16).fill(0xab);

// --- Compressed RTF helpers --------------------------------------------------------------------

/** Bitwise MS-OXRTFCP CRC, written independently of the module's table-driven one. */
function crc(bytes: Uint8Array): number {
  let value = 0;
  for (const byte of bytes) {
    value ^= byte;
    for (let k = 0; k < 8; k++) value = value & 1 ? (value >>> 1) ^ 0xedb88320 : value >>> 1;
  }
  return value >>> 0;
}

function lzfu(payload: Bytes, rawSize: number): Uint8Array {
  const body = Uint8Array.from(payload);
  return concat(u32(body.length + 12), u32(rawSize), latin1Bytes("LZFu"), u32(crc(body)), body);
}

function mela(rtf: string): Uint8Array {
  const body = latin1Bytes(rtf);
  return concat(u32(body.length + 12), u32(body.length), latin1Bytes("MELA"), u32(0), body);
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

// MS-OXRTFCP 3.1.1.1 / 3.2.1.1 (Example 1: simple compressed RTF).
const specSimpleCompressed = Uint8Array.from([
  0x2d,
  0x00,
  0x00,
  0x00,
  0x2b,
  0x00,
  0x00,
  0x00,
  0x4c,
  0x5a,
  0x46,
  0x75,
  0xf1,
  0xc5,
  0xc7,
  0xa7,
  0x03,
  0x00,
  0x0a,
  0x00,
  0x72,
  0x63,
  0x70,
  0x67,
  0x31,
  0x32,
  0x35,
  0x42,
  0x32,
  0x0a,
  0xf3,
  0x20,
  0x68,
  0x65,
  0x6c,
  0x09,
  0x00,
  0x20,
  0x62,
  0x77,
  0x05,
  0xb0,
  0x6c,
  0x64,
  0x7d,
  0x0a,
  0x80,
  0x0f,
  0xa0,
]);
const specSimpleRtf = "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";

// MS-OXRTFCP 3.1.1.2 (Example 2: a reference that crosses the write position).
const specCrossingCompressed = Uint8Array.from([
  0x1a,
  0x00,
  0x00,
  0x00,
  0x1c,
  0x00,
  0x00,
  0x00,
  0x4c,
  0x5a,
  0x46,
  0x75,
  0xe2,
  0xd4,
  0x4b,
  0x51,
  0x41,
  0x00,
  0x04,
  0x20,
  0x57,
  0x58,
  0x59,
  0x5a,
  0x0d,
  0x6e,
  0x7d,
  0x01,
  0x0e,
  0xb0,
]);
const specCrossingRtf = "{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}";

function assertNoProblems(content: TnefContent): void {
  assert.deepEqual(content.problems, []);
}

// --- isTnef ------------------------------------------------------------------------------------

Deno.test("isTnef() recognises the little-endian signature", () => {
  assert.equal(isTnef(tnef()), true);
  assert.equal(isTnef(Uint8Array.from([0x78, 0x9f, 0x3e, 0x22])), true);
});

Deno.test("isTnef() rejects other and short buffers", () => {
  assert.equal(isTnef(latin1Bytes("%PDF-1.7\n")), false);
  assert.equal(isTnef(Uint8Array.from([0x22, 0x3e, 0x9f, 0x78])), false);
  assert.equal(isTnef(Uint8Array.from([0x78, 0x9f, 0x3e])), false);
  assert.equal(isTnef(new Uint8Array(0)), false);
});

// --- Message bodies ----------------------------------------------------------------------------

Deno.test("readTnef() reads attBody as windows-1252 and strips trailing NULs", () => {
  const body = concat(latin1Bytes("Caf\xe9 \x80 5\r\nBye"), [0, 0]);
  const content = readTnef(tnef(tnefVersion, oemCodepage, attr(message, 0x800c, 0x0002, body)));
  assertNoProblems(content);
  assert.equal(content.text, "Café € 5\r\nBye");
  assert.equal(content.html, null);
  assert.equal(content.rtf, null);
  assert.deepEqual(content.attachments, [], "attTnefVersion (0x9006) must not start an attachment");
});

Deno.test("readTnef() reads PR_BODY (unicode) and PR_BODY_HTML among other properties", () => {
  const msgProps = props([
    { type: 0x0003, id: 0x0017, value: u32(1) }, // PR_IMPORTANCE
    { type: 0x000b, id: 0x0057, value: u16(1) }, // boolean, padded
    { type: 0x0040, id: 0x0039, value: new Array(8).fill(7) }, // PT_SYSTIME
    { type: 0x0003, id: 0x3fde, value: u32(65001) }, // PR_INTERNET_CPID
    { type: 0x001f, id: 0x8001, named: [...guid, ...u32(0), ...u32(0x8510)], value: [[1, 0]] },
    {
      type: 0x001e,
      id: 0x8002,
      named: [...guid, ...u32(1), ...u32(10), ...utf16Bytes("Keyw"), 0, 0, 0, 0],
      value: [latin1Bytes("x\0")],
    },
    { type: 0x101f, id: 0x8003, named: [...guid, ...u32(0), ...u32(1)], value: [[65, 0], [66, 0]] },
    { type: 0x1003, id: 0x3a00, value: [u32(1), u32(2), u32(3)] }, // multi-valued fixed
    { type: 0x001f, id: 0x1000, value: [utf16Bytes("Grüße aus Köln 😀\0")] },
    { type: 0x0102, id: 0x1013, value: [new TextEncoder().encode("<p>Grüße</p>")] },
  ]);
  const content = readTnef(tnef(tnefVersion, attr(message, 0x9003, 0x0006, msgProps)));
  assertNoProblems(content);
  assert.equal(content.text, "Grüße aus Köln 😀");
  assert.equal(content.html, "<p>Grüße</p>");
});

Deno.test("readTnef() prefers attBody over PR_BODY", () => {
  const msgProps = props([{ type: 0x001e, id: 0x1000, value: [latin1Bytes("from props\0")] }]);
  const content = readTnef(tnef(
    attr(message, 0x800c, 0x0002, latin1Bytes("from attBody")),
    attr(message, 0x9003, 0x0006, msgProps),
  ));
  assertNoProblems(content);
  assert.equal(content.text, "from attBody");
});

Deno.test("readTnef() decompresses stored (MELA) PR_RTF_COMPRESSED and derives text from it", () => {
  const rtf = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}\\f0 Hello\\par World}";
  const msgProps = props([{ type: 0x0102, id: 0x1009, value: [mela(rtf)] }]);
  const content = readTnef(tnef(tnefVersion, attr(message, 0x9003, 0x0006, msgProps)));
  assertNoProblems(content);
  assert.equal(content.rtf, rtf);
  assert.equal(content.text, "Hello\nWorld");
});

Deno.test("readTnef() decompresses LZFu PR_RTF_COMPRESSED (spec example 1) cleanly", () => {
  const msgProps = props([
    { type: 0x001e, id: 0x1000, value: [latin1Bytes("plain")] },
    { type: 0x0102, id: 0x1009, value: [specSimpleCompressed] },
  ]);
  const content = readTnef(tnef(attr(message, 0x9003, 0x0006, msgProps)));
  assertNoProblems(content);
  assert.equal(content.rtf, specSimpleRtf);
  assert.equal(content.text, "plain", "an existing plain-text body wins over RTF");
});

Deno.test("readTnef() falls back to the RTF text when attBody is blank", () => {
  const msgProps = props([{ type: 0x0102, id: 0x1009, value: [mela("{\\rtf1 From RTF}")] }]);
  const content = readTnef(tnef(
    attr(message, 0x800c, 0x0002, latin1Bytes("\r\n\0")),
    attr(message, 0x9003, 0x0006, msgProps),
  ));
  assertNoProblems(content);
  assert.equal(content.text, "From RTF");
});

// --- Compressed RTF ----------------------------------------------------------------------------

Deno.test("decompressRtf() reproduces MS-OXRTFCP example 1", () => {
  assert.equal(crc(specSimpleCompressed.subarray(16)), 0xa7c7c5f1);
  assert.equal(latin1(decompressRtf(specSimpleCompressed)), specSimpleRtf);
});

Deno.test("decompressRtf() reproduces MS-OXRTFCP example 2 (reference crossing the write position)", () => {
  assert.equal(latin1(decompressRtf(specCrossingCompressed)), specCrossingRtf);
});

Deno.test("decompressRtf() expands a hand-built LZFu stream with a prefix reference", () => {
  // Control 0x01: a reference (offset 0, length 15 → "{\rtf1\ansi\mac"), then 7 literals.
  // Control 0x01: the end reference, whose offset is the write position 207 + 15 + 7 = 229.
  const payload = [0x01, 0x00, 0x0d, ...latin1Bytes(" hello}"), 0x01, ...u16be((229 << 4) | 0)];
  const expected = "{\\rtf1\\ansi\\mac hello}";
  assert.equal(latin1(decompressRtf(lzfu(payload, expected.length))), expected);
});

Deno.test("decompressRtf() reaches the end of the 207-byte prefix dictionary", () => {
  // Offset 190, length 17 covers the prefix tail "\pard\plain\f0\fs20\b\i\u\tab\tx" up to 207.
  const payload = [0x03, ...u16be((190 << 4) | 15), ...u16be((224 << 4) | 0)];
  assert.equal(latin1(decompressRtf(lzfu(payload, 17))), "fs20\\b\\i\\u\\tab\\tx");
});

Deno.test("decompressRtf() returns a stored (MELA) body as is", () => {
  assert.equal(latin1(decompressRtf(mela("{\\rtf1 x}"))), "{\\rtf1 x}");
});

Deno.test("decompressRtf() throws CompressedRtfError for a short or unknown header", () => {
  assert.throws(() => decompressRtf(new Uint8Array(10)), CompressedRtfError);
  const unknown = concat(u32(12), u32(0), latin1Bytes("ABCD"), u32(0));
  assert.throws(() => decompressRtf(unknown), /unknown compression type/);
});

Deno.test("decompressRtf() bounds its output by the input, not by the declared size", () => {
  const payload = [0x01, 0x00, 0x0d, ...latin1Bytes(" hello}"), 0x01, ...u16be(229 << 4)];
  const huge = lzfu(payload, 0xffffffff);
  assert.equal(latin1(decompressRtf(huge)), "{\\rtf1\\ansi\\mac hello}");
});

Deno.test("readTnef() reports a bad CRC and truncated compressed RTF but keeps the text", () => {
  const broken = specSimpleCompressed.slice(0, 40);
  broken[12] ^= 0xff;
  const msgProps = props([{ type: 0x0102, id: 0x1009, value: [broken] }]);
  const content = readTnef(tnef(attr(message, 0x9003, 0x0006, msgProps)));
  assert.ok(content.rtf?.startsWith("{\\rtf1\\ansi\\ansicpg1252\\pard hel"));
  assert.ok(content.problems.some((problem) => problem.includes("CRC")));
  assert.ok(content.problems.some((problem) => problem.includes("declares")));
});

function u16be(value: number): number[] {
  return [(value >>> 8) & 0xff, value & 0xff];
}

// --- Attachments -------------------------------------------------------------------------------

Deno.test("readTnef() lists attachments from attAttachTitle and attAttachData", () => {
  const pdf = latin1Bytes("%PDF-1.4 fake");
  const content = readTnef(tnef(
    tnefVersion,
    attr(message, 0x800c, 0x0002, latin1Bytes("See attached")),
    attr(attachment, 0x9002, 0x0006, new Array(14).fill(0)),
    attr(attachment, 0x8010, 0x0001, latin1Bytes("report.pdf\0")),
    attr(attachment, 0x800f, 0x0006, pdf),
    attr(attachment, 0x9002, 0x0006, new Array(14).fill(0)),
    attr(attachment, 0x8010, 0x0001, latin1Bytes("r\xe9sum\xe9.txt\0")),
    attr(attachment, 0x800f, 0x0006, latin1Bytes("hi")),
  ));
  assertNoProblems(content);
  assert.equal(content.text, "See attached");
  assert.deepEqual(content.attachments, [
    { name: "report.pdf", type: null, bytes: pdf },
    { name: "résumé.txt", type: null, bytes: latin1Bytes("hi") },
  ]);
});

Deno.test("readTnef() prefers PR_ATTACH_LONG_FILENAME and reads PR_ATTACH_DATA_BIN", () => {
  const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  const attachProps = props([
    { type: 0x0003, id: 0x3705, value: u32(1) }, // PR_ATTACH_METHOD
    { type: 0x001e, id: 0x3704, value: [latin1Bytes("QUARTE~1.PNG\0")] },
    { type: 0x001f, id: 0x3707, value: [utf16Bytes("Quarterly chart – Q3.png\0")] },
    { type: 0x001e, id: 0x370e, value: [latin1Bytes("image/PNG\0")] },
    { type: 0x0102, id: 0x3701, value: [png] },
  ]);
  const content = readTnef(tnef(
    tnefVersion,
    attr(attachment, 0x9002, 0x0006, new Array(14).fill(0)),
    attr(attachment, 0x8010, 0x0001, latin1Bytes("QUARTE~1.PNG\0")),
    attr(attachment, 0x9005, 0x0006, attachProps),
  ));
  assertNoProblems(content);
  assert.deepEqual(content.attachments, [
    { name: "Quarterly chart – Q3.png", type: "image/png", bytes: png },
  ]);
});

Deno.test("readTnef() names an attachment without any name by its position", () => {
  const content = readTnef(tnef(attr(attachment, 0x800f, 0x0006, [1, 2, 3])));
  assertNoProblems(content);
  assert.deepEqual(content.attachments, [
    { name: "attachment-1", type: null, bytes: Uint8Array.from([1, 2, 3]) },
  ]);
});

Deno.test("readTnef() returns attachment bytes that do not alias the input", () => {
  const input = tnef(attr(attachment, 0x800f, 0x0006, [1, 2, 3]));
  const content = readTnef(input);
  input.fill(0);
  assert.deepEqual(content.attachments[0].bytes, Uint8Array.from([1, 2, 3]));
});

// --- Malformed input ---------------------------------------------------------------------------

const sample = tnef(
  tnefVersion,
  oemCodepage,
  attr(message, 0x800c, 0x0002, latin1Bytes("Body text")),
  attr(
    message,
    0x9003,
    0x0006,
    props([
      { type: 0x001f, id: 0x1000, value: [utf16Bytes("Body")] },
      { type: 0x0102, id: 0x1009, value: [specSimpleCompressed] },
    ]),
  ),
  attr(attachment, 0x9002, 0x0006, new Array(14).fill(0)),
  attr(attachment, 0x8010, 0x0001, latin1Bytes("a.txt\0")),
  attr(attachment, 0x800f, 0x0006, latin1Bytes("abc")),
  attr(
    attachment,
    0x9005,
    0x0006,
    props([{ type: 0x001f, id: 0x3707, value: [utf16Bytes("a long.txt")] }]),
  ),
);

Deno.test("readTnef() reads the sample used by the malformed-input tests cleanly", () => {
  const content = readTnef(sample);
  assertNoProblems(content);
  assert.equal(content.text, "Body text");
  assert.equal(content.rtf, specSimpleRtf);
  assert.equal(content.attachments[0].name, "a long.txt");
});

Deno.test("readTnef() never throws on any truncation and reports the cut", () => {
  for (let length = 0; length < sample.length; length++) {
    const content = readTnef(sample.subarray(0, length));
    assert.ok(Array.isArray(content.attachments));
    if (length < 4) assert.match(content.problems[0], /missing signature/);
  }
  const cut = readTnef(sample.subarray(0, sample.length - 5));
  assert.equal(cut.text, "Body text", "attributes before the cut are kept");
  assert.match(cut.problems.join("\n"), /Cannot read attribute 0x9005/);
});

Deno.test("readTnef() never throws on random or bit-flipped input", () => {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  for (let round = 0; round < 500; round++) {
    const noisy = sample.slice();
    const flips = 1 + Math.floor(random() * 8);
    for (let i = 0; i < flips; i++) {
      noisy[4 + Math.floor(random() * (noisy.length - 4))] = Math.floor(random() * 256);
    }
    const content = readTnef(noisy);
    assert.ok(Array.isArray(content.problems));
    const garbage = concat(
      u32(0x223e9f78),
      Array.from({ length: Math.floor(random() * 300) }, () => Math.floor(random() * 256)),
    );
    readTnef(garbage);
  }
});

Deno.test("readTnef() reports a non-TNEF buffer", () => {
  const content = readTnef(latin1Bytes("Content-Type: text/plain\r\n\r\nhello"));
  assert.equal(content.text, null);
  assert.deepEqual(content.attachments, []);
  assert.match(content.problems[0], /missing signature/);
});

Deno.test("readTnef() rejects a huge attribute length without allocating", () => {
  const huge = concat(tnef(tnefVersion), [message], u32(0x0002800c), u32(0xfffffff0), [1, 2, 3]);
  const content = readTnef(huge);
  assert.equal(content.text, null);
  assert.match(content.problems.join("\n"), /declares 4294967280 bytes/);
});

Deno.test("readTnef() rejects huge property and value counts without allocating", () => {
  const hugeCount = concat(u32(0xffffffff), u16(0x0003), u16(0x0017), u32(1));
  const hugeValueLength = concat(u32(1), u16(0x001f), u16(0x1000), u32(1), u32(0xffffffff));
  const hugeValueCount = concat(u32(1), u16(0x0102), u16(0x1009), u32(0x7fffffff), u32(4));
  const hugeMultiCount = concat(u32(1), u16(0x1014), u16(0x3a00), u32(0xffffffff));
  const hugeName = concat(u32(1), u16(0x001f), u16(0x8000), guid, u32(1), u32(0xfffffff0));
  for (const bad of [hugeCount, hugeValueLength, hugeValueCount, hugeMultiCount, hugeName]) {
    const content = readTnef(tnef(attr(message, 0x9003, 0x0006, bad)));
    assert.equal(content.text, null);
    assert.ok(content.problems.length > 0, "a problem is reported");
  }
});

Deno.test("readTnef() stops at a property of unknown type but keeps earlier ones", () => {
  const list = concat(
    props([
      { type: 0x001e, id: 0x1000, value: [latin1Bytes("kept")] },
      { type: 0x001e, id: 0x1013, value: [latin1Bytes("<b>also</b>")] },
    ]).subarray(4),
    u16(0x00fe),
    u16(0x1234),
    u32(0),
  );
  const content = readTnef(tnef(attr(message, 0x9003, 0x0006, concat(u32(3), list))));
  assert.equal(content.text, "kept");
  assert.equal(content.html, "<b>also</b>");
  assert.match(content.problems.join("\n"), /unknown size/);
});

Deno.test("readTnef() reports a wrong checksum but still uses the data", () => {
  const good = attr(message, 0x800c, 0x0002, latin1Bytes("text"));
  good[good.length - 1] ^= 0x55;
  const content = readTnef(tnef(good));
  assert.equal(content.text, "text");
  assert.match(content.problems[0], /wrong checksum/);
});

Deno.test("readTnef() caps the number of attributes", () => {
  const empty = attr(message, 0x8004, 0x0001, []);
  const content = readTnef(tnef(...new Array(10_050).fill(empty)));
  assert.match(content.problems.join("\n"), /Stopped after 10000 attributes/);
});

// --- RTF to text -------------------------------------------------------------------------------

Deno.test("rtfToText() skips tables and destinations and maps common control words", () => {
  const rtf = "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}" +
    "{\\colortbl;\\red0\\green0\\blue0;}{\\*\\generator Riched20;}{\\info{\\title T}}" +
    "\\pard\\f0\\fs20 Caf\\'e9 costs 5\\u8364?\\par Tab\\tab here \\{braces\\} back\\\\slash" +
    "\\line next{\\*\\unknown hidden}{\\pict\\pngblip 89504e47}\\par}";
  assert.equal(rtfToText(rtf), "Café costs 5€\nTab\there {braces} back\\slash\nnext");
});

Deno.test("rtfToText() honours \\ucN when skipping replacement characters", () => {
  assert.equal(rtfToText("{\\rtf1{\\uc2\\u8364\\'80\\'80!}\\u-3913? ok}"), "€!\uf0b7 ok");
});

Deno.test("rtfToText() decodes \\'hh in the declared \\ansicpg", () => {
  assert.equal(rtfToText("{\\rtf1\\ansi\\ansicpg1251 \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2}"), "Привет");
});

Deno.test("rtfToText() skips \\bin data", () => {
  assert.equal(rtfToText("{\\rtf1 a{\\*\\blob\\bin4 {}\\x}b}"), "ab");
  assert.equal(rtfToText("{\\rtf1 a\\bin3 }{xc}"), "ac", "the three bytes after the space");
});

Deno.test("rtfToText() extracts the text of HTML encapsulated in RTF", () => {
  const rtf = "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\r\n" +
    "{\\*\\htmltag19 <html>}{\\*\\htmltag34 <head>}{\\*\\htmltag177 <style>p {margin:0}</style>}" +
    "{\\*\\htmltag41 </head>}{\\*\\htmltag50 <body>}\\htmlrtf \\lang1033 \\htmlrtf0 \r\n" +
    "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Hello &amp; welcome\r\n" +
    "{\\*\\htmltag148 &nbsp;}\\htmlrtf \\'a0\\htmlrtf0 team\\htmlrtf }\\htmlrtf0 " +
    "{\\*\\htmltag72 </p>}\\htmlrtf \\par \\htmlrtf0\r\n" +
    "{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Line one{\\*\\htmltag116 <br>}\\htmlrtf \\line " +
    "\\htmlrtf0 line two\\htmlrtf }\\htmlrtf0 {\\*\\htmltag72 </p>}\r\n" +
    "{\\*\\htmltag58 </body>}{\\*\\htmltag27 </html>}}";
  assert.equal(rtfToText(rtf), "Hello & welcome team\n\nLine one\nline two");
});

Deno.test("rtfToText() returns an empty string for empty or broken RTF", () => {
  assert.equal(rtfToText(""), "");
  assert.equal(rtfToText("}}}{{{\\"), "");
  assert.equal(rtfToText("{\\rtf1 unterminated \\'4"), "unterminated");
});
