/**
 * Reader for TNEF ("winmail.dat", application/ms-tnef, MS-OXTNEF): the message body and the
 * attachments that Outlook hides inside it. Also decompresses RTF (MS-OXRTFCP) and turns RTF
 * into plain text. Every reader here is defensive: lengths are checked against the bytes left,
 * counts are capped, and malformed input yields what was read so far plus `problems`.
 */

/** A file found inside a TNEF stream. */
export interface TnefAttachment {
  /** File name: long file name, then title, then short name, then "attachment-N". */
  name: string;
  /** MIME type from PR_ATTACH_MIME_TAG, or null when the sender did not declare one. */
  type: string | null;
  bytes: Uint8Array;
}

/** What `readTnef` found: bodies, attachments and everything that looked wrong. */
export interface TnefContent {
  /** Plain-text body; `rtfToText(rtf)` when the stream's plain text is missing or blank. */
  text: string | null;
  html: string | null;
  /** Decompressed RTF body as a latin1 string. */
  rtf: string | null;
  attachments: TnefAttachment[];
  /** Human-readable descriptions of malformed or skipped parts; empty for a clean stream. */
  problems: string[];
}

const tnefSignature = 0x223e9f78;
const levelMessage = 1;
const levelAttachment = 2;

// TNEF attribute ids (low 16 bits of the attribute id; the high 16 bits are its type).
const attBody = 0x800c;
const attAttachData = 0x800f;
const attAttachTitle = 0x8010;
const attAttachRendData = 0x9002; // starts a new attachment
const attMsgProps = 0x9003;
const attAttachment = 0x9005;
const attOemCodepage = 0x9007;

// MAPI property ids.
const prBody = 0x1000;
const prRtfCompressed = 0x1009;
const prBodyHtml = 0x1013;
const prDisplayName = 0x3001;
const prAttachDataBin = 0x3701;
const prAttachFilename = 0x3704;
const prAttachLongFilename = 0x3707;
const prAttachMimeTag = 0x370e;
const prInternetCpid = 0x3fde;

// MAPI property types.
const ptString8 = 0x001e;
const ptUnicode = 0x001f;
const ptBinary = 0x0102;
const ptObject = 0x000d;
const mvFlag = 0x1000;
const fixedTypeSizes = new Map<number, number>([
  [0x0002, 4], // int16, padded to 4
  [0x0003, 4],
  [0x0004, 4],
  [0x000a, 4],
  [0x000b, 4], // boolean, padded to 4
  [0x0005, 8],
  [0x0006, 8],
  [0x0007, 8],
  [0x0014, 8],
  [0x0040, 8],
  [0x0048, 16],
]);
const variableTypes = new Set([ptString8, ptUnicode, ptBinary, ptObject]);

const maxAttributes = 10_000;
const maxProperties = 10_000;
const maxValuesPerProperty = 10_000;
const maxAttachments = 1_000;
const maxProblems = 100;

/** True when `bytes` starts with the TNEF signature 0x223E9F78 (little-endian). */
export function isTnef(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && readUint32(bytes, 0) === tnefSignature;
}

/** A string value; 8-bit ones wait for the stream's code page, known only at the end. */
type Text8 = { kind: "8bit"; bytes: Uint8Array } | { kind: "string"; value: string };

/** PR_BODY_HTML, either as a string or as binary in the message's Internet code page. */
type HtmlBody = Text8 | { kind: "binary"; bytes: Uint8Array };

interface AttachmentDraft {
  title: Text8 | null;
  longName: Text8 | null;
  shortName: Text8 | null;
  displayName: Text8 | null;
  mimeTag: Text8 | null;
  data: Uint8Array | null;
  propData: Uint8Array | null;
}

interface MessageDraft {
  body: Text8 | null;
  prBody: Text8 | null;
  html: HtmlBody | null;
  rtfCompressed: Uint8Array | null;
  internetCodepage: number | null;
  oemCodepage: number | null;
}

/**
 * Reads a TNEF stream. Never throws: malformed or truncated input returns what was read before
 * the damage plus `problems`. `text` is attBody, else PR_BODY; when both are missing or blank
 * and compressed RTF is present it is `rtfToText(rtf)`, so callers get text whenever any exists.
 */
export function readTnef(bytes: Uint8Array): TnefContent {
  const problems: string[] = [];
  const note = (problem: string) => {
    if (problems.length < maxProblems) problems.push(problem);
  };
  const message: MessageDraft = {
    body: null,
    prBody: null,
    html: null,
    rtfCompressed: null,
    internetCodepage: null,
    oemCodepage: null,
  };
  const drafts: AttachmentDraft[] = [];
  try {
    readAttributes(bytes, message, drafts, note);
  } catch (error) {
    // Defence in depth: the readers check bounds themselves, so this should be unreachable.
    note(`Cannot read TNEF: ${error instanceof Error ? error.message : String(error)}`);
  }
  return buildContent(message, drafts, problems, note);
}

function readAttributes(
  bytes: Uint8Array,
  message: MessageDraft,
  drafts: AttachmentDraft[],
  note: (problem: string) => void,
): void {
  if (!isTnef(bytes)) {
    note("Cannot read TNEF: missing signature 0x223E9F78");
    return;
  }
  if (bytes.length < 6) {
    note("Cannot read TNEF: stream ends inside the header");
    return;
  }
  let offset = 6; // signature + legacy key
  let current: AttachmentDraft | null = null;
  let count = 0;
  while (offset < bytes.length) {
    if (++count > maxAttributes) {
      note(`Stopped after ${maxAttributes} attributes`);
      return;
    }
    if (bytes.length - offset < 9) {
      note(`Cannot read attribute at offset ${offset}: only ${bytes.length - offset} bytes left`);
      return;
    }
    const level = bytes[offset];
    const id = readUint32(bytes, offset + 1) & 0xffff;
    const length = readUint32(bytes, offset + 5);
    const dataStart = offset + 9;
    if (length > bytes.length - dataStart - 2) {
      note(
        `Cannot read attribute 0x${hex(id)} at offset ${offset}: declares ${length} bytes, ` +
          `${Math.max(0, bytes.length - dataStart - 2)} left`,
      );
      return;
    }
    const data = bytes.subarray(dataStart, dataStart + length);
    const checksum = readUint16(bytes, dataStart + length);
    if (checksum !== sumBytes(data)) {
      note(`Attribute 0x${hex(id)} at offset ${offset} has a wrong checksum; used anyway`);
    }
    offset = dataStart + length + 2;

    if (level === levelMessage) {
      readMessageAttribute(id, data, message, note);
    } else if (level === levelAttachment) {
      if (id === attAttachRendData || current === null) {
        if (drafts.length >= maxAttachments) {
          note(`Stopped after ${maxAttachments} attachments`);
          return;
        }
        current = emptyAttachment();
        drafts.push(current);
      }
      readAttachmentAttribute(id, data, current, note);
    } else {
      note(`Skipped attribute 0x${hex(id)} with unknown level ${level}`);
    }
  }
}

function readMessageAttribute(
  id: number,
  data: Uint8Array,
  message: MessageDraft,
  note: (problem: string) => void,
): void {
  switch (id) {
    case attBody:
      message.body = { kind: "8bit", bytes: data };
      break;
    case attOemCodepage:
      if (data.length >= 4) message.oemCodepage = readUint32(data, 0);
      break;
    case attMsgProps:
      for (const prop of readProperties(data, "message properties", note)) {
        const value = prop.values[0];
        if (value === undefined || prop.multi) continue;
        if (prop.id === prBody && isText(prop.type)) message.prBody = toText8(prop.type, value);
        else if (prop.id === prBodyHtml && prop.type === ptBinary) {
          message.html = { kind: "binary", bytes: value };
        } else if (prop.id === prBodyHtml && isText(prop.type)) {
          message.html = toText8(prop.type, value);
        } else if (prop.id === prRtfCompressed && prop.type === ptBinary) {
          message.rtfCompressed = value;
        } else if (prop.id === prInternetCpid && prop.type === 0x0003) {
          message.internetCodepage = readUint32(value, 0);
        }
      }
      break;
  }
}

function readAttachmentAttribute(
  id: number,
  data: Uint8Array,
  attachment: AttachmentDraft,
  note: (problem: string) => void,
): void {
  switch (id) {
    case attAttachTitle:
      attachment.title = { kind: "8bit", bytes: data };
      break;
    case attAttachData:
      attachment.data = data;
      break;
    case attAttachment:
      for (const prop of readProperties(data, "attachment properties", note)) {
        const value = prop.values[0];
        if (value === undefined || prop.multi) continue;
        if (isText(prop.type)) {
          const text = toText8(prop.type, value);
          if (prop.id === prAttachLongFilename) attachment.longName = text;
          else if (prop.id === prAttachFilename) attachment.shortName = text;
          else if (prop.id === prDisplayName) attachment.displayName = text;
          else if (prop.id === prAttachMimeTag) attachment.mimeTag = text;
        } else if (prop.id === prAttachDataBin && prop.type === ptBinary) {
          attachment.propData = value;
        } else if (prop.id === prAttachDataBin && prop.type === ptObject) {
          // PT_OBJECT data starts with the 16-byte interface id (IMessage, IStorage, …).
          attachment.propData = value.subarray(Math.min(16, value.length));
        }
      }
      break;
  }
}

interface MapiProperty {
  type: number;
  id: number;
  multi: boolean;
  values: Uint8Array[];
}

/**
 * Reads a MAPI property list (attMsgProps, attAttachment). Stops at the first property whose
 * size cannot be known or that runs past the end, returning the properties read before it.
 */
function readProperties(
  data: Uint8Array,
  what: string,
  note: (problem: string) => void,
): MapiProperty[] {
  const properties: MapiProperty[] = [];
  if (data.length < 4) {
    note(`Cannot read ${what}: ${data.length} bytes is too short for a count`);
    return properties;
  }
  const declared = readUint32(data, 0);
  // Each property takes at least 8 bytes (tag plus smallest value).
  if (declared > (data.length - 4) / 8) {
    note(`${what} declares ${declared} properties in ${data.length} bytes; reading what fits`);
  }
  const count = Math.min(declared, maxProperties);
  let offset = 4;
  for (let index = 0; index < count; index++) {
    if (data.length - offset < 4) {
      note(`Cannot read ${what}: property ${index} of ${declared} is past the end`);
      return properties;
    }
    const baseType = readUint16(data, offset);
    const id = readUint16(data, offset + 2);
    offset += 4;
    if (id >= 0x8000) {
      const skipped = skipNamedPropertyId(data, offset);
      if (skipped === null) {
        note(`Cannot read ${what}: named property 0x${hex(id)} runs past the end`);
        return properties;
      }
      offset = skipped;
    }
    const multi = (baseType & mvFlag) !== 0;
    const type = baseType & ~mvFlag;
    const read = readPropertyValues(data, offset, type, multi);
    if (typeof read === "string") {
      note(`Cannot read ${what}: property 0x${hex(id)} of type 0x${hex(baseType)} ${read}`);
      return properties;
    }
    offset = read.end;
    properties.push({ type, id, multi, values: read.values });
  }
  if (declared > maxProperties) note(`Stopped ${what} after ${maxProperties} properties`);
  return properties;
}

/** Offset after a named property's GUID, kind and id or name; null when it does not fit. */
function skipNamedPropertyId(data: Uint8Array, offset: number): number | null {
  if (data.length - offset < 24) return null;
  const kind = readUint32(data, offset + 16);
  if (kind === 0) return offset + 24;
  if (kind !== 1) return null;
  const nameLength = readUint32(data, offset + 20);
  const padded = padTo4(nameLength);
  if (padded > data.length - offset - 24) return null;
  return offset + 24 + padded;
}

/** Values of one property, or a phrase saying why they cannot be read. */
function readPropertyValues(
  data: Uint8Array,
  start: number,
  type: number,
  multi: boolean,
): { values: Uint8Array[]; end: number } | string {
  let offset = start;
  const fixedSize = fixedTypeSizes.get(type);
  const variable = variableTypes.has(type);
  if (fixedSize === undefined && !variable) return "has an unknown size";
  let count = 1;
  if (multi || variable) {
    if (data.length - offset < 4) return "has no value count";
    count = readUint32(data, offset);
    offset += 4;
    const smallest = variable ? 4 : fixedSize!;
    if (count > (data.length - offset) / smallest) {
      return `declares ${count} values, more than fit`;
    }
    if (count > maxValuesPerProperty) return `declares ${count} values`;
  }
  const values: Uint8Array[] = [];
  for (let index = 0; index < count; index++) {
    if (fixedSize !== undefined) {
      if (data.length - offset < fixedSize) return "runs past the end";
      values.push(data.subarray(offset, offset + fixedSize));
      offset += fixedSize;
      continue;
    }
    if (data.length - offset < 4) return "runs past the end";
    const length = readUint32(data, offset);
    offset += 4;
    if (length > data.length - offset) return `declares ${length} bytes, more than are left`;
    values.push(data.subarray(offset, offset + length));
    offset += Math.min(padTo4(length), data.length - offset);
  }
  return { values, end: offset };
}

function buildContent(
  message: MessageDraft,
  drafts: AttachmentDraft[],
  problems: string[],
  note: (problem: string) => void,
): TnefContent {
  const codepage = message.oemCodepage;
  let rtf: string | null = null;
  if (message.rtfCompressed) {
    const inflated = inflateRtf(message.rtfCompressed);
    for (const problem of inflated.problems) note(`Compressed RTF: ${problem}`);
    if (inflated.rtf) rtf = latin1(inflated.rtf);
  }
  let html: string | null = null;
  if (message.html?.kind === "binary") {
    html = decodeHtml(message.html.bytes, message.internetCodepage ?? codepage);
  } else if (message.html) {
    html = decodeText8(message.html, codepage);
  }
  let text: string | null = null;
  if (message.body) text = decodeText8(message.body, codepage);
  else if (message.prBody) text = decodeText8(message.prBody, codepage);
  if (rtf !== null && !text?.trim()) {
    const rtfText = rtfToText(rtf);
    if (rtfText !== "" || text === null) text = rtfText;
  }

  const attachments: TnefAttachment[] = [];
  drafts.forEach((draft, index) => {
    const bytes = draft.data ?? draft.propData;
    const nameSource = draft.longName ?? draft.title ?? draft.shortName ?? draft.displayName;
    const name = nameSource ? firstCString(decodeText8(nameSource, codepage)).trim() : "";
    if (bytes === null && name === "") return;
    if (bytes === null) note(`Attachment ${index + 1} ("${name}") has no data`);
    const mimeTag = draft.mimeTag ? firstCString(decodeText8(draft.mimeTag, codepage)) : "";
    attachments.push({
      name: name || `attachment-${index + 1}`,
      type: mimeTag.trim().toLowerCase() || null,
      bytes: bytes ? bytes.slice() : new Uint8Array(0),
    });
  });
  return { text, html, rtf, attachments, problems };
}

function emptyAttachment(): AttachmentDraft {
  return {
    title: null,
    longName: null,
    shortName: null,
    displayName: null,
    mimeTag: null,
    data: null,
    propData: null,
  };
}

function isText(type: number): boolean {
  return type === ptString8 || type === ptUnicode;
}

function toText8(type: number, value: Uint8Array): Text8 {
  if (type === ptUnicode) return { kind: "string", value: stripNuls(decode("utf-16le", value)) };
  return { kind: "8bit", bytes: value };
}

function decodeText8(text: Text8, codepage: number | null): string {
  if (text.kind === "string") return text.value;
  return stripNuls(decode(codepageLabel(codepage) ?? "windows-1252", text.bytes));
}

/** HTML bytes in the declared code page; else UTF-8 if valid; else windows-1252. */
function decodeHtml(bytes: Uint8Array, codepage: number | null): string {
  const label = codepageLabel(codepage);
  if (label) return stripNuls(decode(label, bytes));
  try {
    return stripNuls(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return stripNuls(decode("windows-1252", bytes));
  }
}

const namedCodepages = new Map<number, string>([
  [65001, "utf-8"],
  [1200, "utf-16le"],
  [20127, "windows-1252"],
  [28591, "windows-1252"],
  [932, "shift_jis"],
  [936, "gbk"],
  [949, "euc-kr"],
  [950, "big5"],
  [50220, "iso-2022-jp"],
  [51932, "euc-jp"],
  [20866, "koi8-r"],
  [21866, "koi8-u"],
]);

/** TextDecoder label for a Windows code page number, or null when unknown or unsupported. */
function codepageLabel(codepage: number | null): string | null {
  if (codepage === null) return null;
  let label = namedCodepages.get(codepage);
  if (!label && (codepage === 874 || (codepage >= 1250 && codepage <= 1258))) {
    label = `windows-${codepage}`;
  }
  if (!label && codepage >= 28592 && codepage <= 28605) label = `iso-8859-${codepage - 28590}`;
  if (!label) return null;
  try {
    new TextDecoder(label);
    return label;
  } catch {
    return null;
  }
}

function decode(label: string, bytes: Uint8Array): string {
  return new TextDecoder(label).decode(bytes);
}

function stripNuls(text: string): string {
  return text.replace(/\0+$/, "");
}

function firstCString(text: string): string {
  const end = text.indexOf("\0");
  return end === -1 ? text : text.slice(0, end);
}

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let start = 0; start < bytes.length; start += 8192) {
    out += String.fromCharCode(...bytes.subarray(start, start + 8192));
  }
  return out;
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) |
    (bytes[offset + 3] << 24)) >>> 0;
}

function sumBytes(bytes: Uint8Array): number {
  let sum = 0;
  for (const byte of bytes) sum = (sum + byte) & 0xffff;
  return sum;
}

function padTo4(length: number): number {
  return length + ((4 - (length % 4)) % 4);
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, "0");
}

// ---------------------------------------------------------------------------------------------
// Compressed RTF (MS-OXRTFCP)

const rtfCompressed = 0x75465a4c; // "LZFu"
const rtfUncompressed = 0x414c454d; // "MELA"
const rtfDictionaryPrefix = "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}" +
  "{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArial" +
  "Times New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par " +
  "\\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/** Error thrown by `decompressRtf` when the data is not compressed RTF at all. */
export class CompressedRtfError extends Error {
  override name = "CompressedRtfError";
}

/**
 * Decompresses MS-OXRTFCP data ("LZFu" compressed or "MELA" stored). Throws
 * `CompressedRtfError` when the header is missing or of an unknown type; a bad CRC or a
 * truncated stream still returns the bytes decoded so far.
 */
export function decompressRtf(bytes: Uint8Array): Uint8Array {
  const { rtf, problems } = inflateRtf(bytes);
  if (rtf === null) throw new CompressedRtfError(`Cannot decompress RTF: ${problems[0]}`);
  return rtf;
}

/** Never throws: the decompressed bytes (null if unusable) and what looked wrong. */
function inflateRtf(bytes: Uint8Array): { rtf: Uint8Array | null; problems: string[] } {
  const problems: string[] = [];
  if (bytes.length < 16) {
    return { rtf: null, problems: [`header needs 16 bytes, got ${bytes.length}`] };
  }
  const compSize = readUint32(bytes, 0);
  const rawSize = readUint32(bytes, 4);
  const compType = readUint32(bytes, 8);
  const crc = readUint32(bytes, 12);
  let end = bytes.length;
  if (compSize + 4 !== bytes.length) {
    problems.push(`header declares ${compSize + 4} bytes, got ${bytes.length}`);
    end = Math.min(bytes.length, compSize + 4);
  }
  const payload = bytes.subarray(Math.min(16, end), end);

  if (compType === rtfUncompressed) {
    if (rawSize > payload.length) {
      problems.push(`declares ${rawSize} bytes, only ${payload.length} present`);
    }
    return { rtf: payload.slice(0, Math.min(rawSize, payload.length)), problems };
  }
  if (compType !== rtfCompressed) {
    return { rtf: null, problems: [`unknown compression type 0x${compType.toString(16)}`] };
  }
  if (crc32(payload) !== crc) problems.push("CRC mismatch; decompressed anyway");

  // Each control byte plus 8 references (16 bytes) yields at most 8 × 17 bytes.
  const limit = Math.min(rawSize, Math.ceil(payload.length / 17) * 136);
  const out = new Uint8Array(limit);
  const dictionary = new Uint8Array(4096);
  for (let i = 0; i < rtfDictionaryPrefix.length; i++) {
    dictionary[i] = rtfDictionaryPrefix.charCodeAt(i);
  }
  let writePosition = rtfDictionaryPrefix.length;
  let written = 0;
  let offset = 0;
  let ended = false;
  let overflow = false;
  decoding: while (offset < payload.length) {
    const control = payload[offset++];
    for (let bit = 0; bit < 8; bit++) {
      if ((control & (1 << bit)) === 0) {
        if (offset >= payload.length) break decoding;
        if (written >= limit) {
          overflow = true;
          break decoding;
        }
        const byte = payload[offset++];
        out[written++] = byte;
        dictionary[writePosition] = byte;
        writePosition = (writePosition + 1) & 0xfff;
        continue;
      }
      if (payload.length - offset < 2) break decoding;
      const reference = (payload[offset] << 8) | payload[offset + 1];
      offset += 2;
      let readPosition = reference >> 4;
      const length = (reference & 0xf) + 2;
      if (readPosition === writePosition) {
        ended = true;
        break decoding;
      }
      for (let i = 0; i < length; i++) {
        if (written >= limit) {
          overflow = true;
          break decoding;
        }
        const byte = dictionary[readPosition];
        readPosition = (readPosition + 1) & 0xfff;
        out[written++] = byte;
        dictionary[writePosition] = byte;
        writePosition = (writePosition + 1) & 0xfff;
      }
    }
  }
  if (overflow) problems.push(`output exceeds the declared ${rawSize} bytes; truncated`);
  else if (!ended) problems.push("stream ends without an end marker");
  if (!overflow && written < rawSize) {
    problems.push(`declares ${rawSize} bytes, decoded ${written}`);
  }
  return { rtf: out.slice(0, written), problems };
}

let crcTable: Uint32Array | null = null;

/** MS-OXRTFCP CRC: CRC-32 (0xEDB88320) with initial value 0 and no final inversion. */
function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

// ---------------------------------------------------------------------------------------------
// RTF to plain text

const skippedDestinations = new Set([
  "fonttbl",
  "colortbl",
  "stylesheet",
  "info",
  "pict",
  "object",
  "objdata",
  "header",
  "headerl",
  "headerr",
  "headerf",
  "footer",
  "footerl",
  "footerr",
  "footerf",
  "listtable",
  "listoverridetable",
  "revtbl",
  "rsidtbl",
  "filetbl",
  "xmlnstbl",
  "generator",
  "themedata",
  "colorschememapping",
  "latentstyles",
  "datastore",
  "fldinst",
  "pgdsctbl",
  "mmathPr",
  "bkmkstart",
  "bkmkend",
  "nonshppict",
  "shppict",
  "userprops",
  "docvar",
  "mhtmltag",
]);

const symbolWords = new Map<string, string>([
  ["par", "\n"],
  ["line", "\n"],
  ["sect", "\n"],
  ["page", "\n"],
  ["row", "\n"],
  ["cell", "\t"],
  ["tab", "\t"],
  ["emdash", "\u2014"],
  ["endash", "\u2013"],
  ["bullet", "\u2022"],
  ["lquote", "\u2018"],
  ["rquote", "\u2019"],
  ["ldblquote", "\u201c"],
  ["rdblquote", "\u201d"],
  ["emspace", " "],
  ["enspace", " "],
  ["qmspace", " "],
]);

const blockTag = /^<\/?(p|div|br|tr|li|h[1-6]|table|ul|ol|blockquote|pre|hr)\b/i;

const htmlEntities = new Map<string, string>([
  ["nbsp", " "],
  ["amp", "&"],
  ["lt", "<"],
  ["gt", ">"],
  ["quot", '"'],
  ["apos", "'"],
]);

interface RtfGroup {
  skip: boolean;
  htmlRtf: boolean;
  htmlTag: boolean;
  unicodeSkip: number;
}

/**
 * Good-enough plain text from RTF: skips font/colour/style tables, pictures, objects and other
 * destinations, maps \par, \line and \tab, decodes \'hh (in the \ansicpg code page, default
 * windows-1252) and \uN. For HTML encapsulated in RTF (\fromhtml1) keeps the text outside
 * \htmlrtf blocks, turns block-level tags into line breaks and decodes common entities.
 */
export function rtfToText(rtf: string): string {
  const out: string[] = [];
  let tagText = "";
  let pendingBytes: number[] = [];
  let decoderLabel = "windows-1252";
  let htmlMode = false;
  let state: RtfGroup = { skip: false, htmlRtf: false, htmlTag: false, unicodeSkip: 1 };
  const stack: RtfGroup[] = [];
  let skipChars = 0; // characters to drop after \uN
  let groupStart = false; // just after "{": the next control word may name a destination
  let starred = false; // saw "\*" right after "{"

  const emit = (text: string) => {
    if (state.skip) return;
    if (state.htmlTag) {
      tagText += text;
      return;
    }
    if (state.htmlRtf) return;
    out.push(htmlMode ? text.replace(/[\r\n\t ]+/g, " ") : text);
  };
  const flushBytes = () => {
    if (pendingBytes.length === 0) return;
    const text = decode(decoderLabel, new Uint8Array(pendingBytes));
    pendingBytes = [];
    emit(text);
  };
  const closeHtmlTag = () => {
    const tag = tagText.trim();
    tagText = "";
    if (blockTag.test(tag)) out.push("\n");
    else if (tag.startsWith("&")) out.push(tag);
  };

  let i = 0;
  const length = rtf.length;
  while (i < length) {
    const char = rtf[i];
    if (char === "{" || char === "}") {
      flushBytes();
      skipChars = 0;
      if (char === "{") {
        if (stack.length < 10_000) stack.push(state);
        state = { ...state };
        groupStart = true;
        starred = false;
      } else {
        const wasTag = state.htmlTag && !state.skip;
        const parent = stack.pop();
        if (parent) state = parent;
        if (wasTag && !state.htmlTag) closeHtmlTag();
        groupStart = false;
      }
      i++;
      continue;
    }
    if (char === "\\") {
      const next = rtf[i + 1];
      if (next === undefined) break;
      if (/[a-zA-Z]/.test(next)) {
        let j = i + 1;
        while (j < length && j - i < 40 && /[a-zA-Z]/.test(rtf[j])) j++;
        const word = rtf.slice(i + 1, j);
        let paramText = "";
        if (rtf[j] === "-" || /[0-9]/.test(rtf[j] ?? "")) {
          const k = j;
          if (rtf[j] === "-") j++;
          while (j < length && j - k < 12 && /[0-9]/.test(rtf[j])) j++;
          paramText = rtf.slice(k, j);
        }
        if (rtf[j] === " ") j++;
        i = j;
        const param = paramText === "" || paramText === "-" ? null : parseInt(paramText, 10);
        flushBytes();
        if (skipChars > 0 && word !== "bin") {
          skipChars--;
          continue;
        }
        const wasGroupStart = groupStart;
        groupStart = false;
        if (wasGroupStart && starred && htmlMode && word.startsWith("htmltag") && !state.skip) {
          state.htmlTag = true;
          tagText = "";
          continue;
        }
        if (wasGroupStart && (starred || skippedDestinations.has(word))) {
          state.skip = true;
          continue;
        }
        if (word === "bin") {
          i += Math.max(0, Math.min(param ?? 0, length - i));
          continue;
        }
        if (word === "fromhtml") htmlMode = param !== 0;
        else if (word === "htmlrtf") state.htmlRtf = param !== 0;
        else if (word === "ansicpg" && param !== null) {
          decoderLabel = codepageLabel(param) ?? "windows-1252";
        } else if (word === "uc") state.unicodeSkip = Math.max(0, Math.min(param ?? 1, 10));
        else if (word === "u" && param !== null) {
          flushBytes();
          emit(String.fromCharCode(param < 0 ? param + 65536 : param & 0xffff));
          skipChars = state.unicodeSkip;
        } else if (word === "par" || word === "line") {
          if (state.htmlTag) continue; // newlines in the HTML source
          emit(htmlMode ? " " : "\n");
        } else {
          const symbol = symbolWords.get(word);
          if (symbol !== undefined) emit(symbol);
        }
        continue;
      }
      // Control symbol.
      i += 2;
      if (next === "'") {
        const hexDigits = rtf.slice(i, i + 2);
        i += 2;
        if (skipChars > 0) {
          skipChars--;
          continue;
        }
        if (/^[0-9a-fA-F]{2}$/.test(hexDigits)) pendingBytes.push(parseInt(hexDigits, 16));
        continue;
      }
      flushBytes();
      if (skipChars > 0) {
        skipChars--;
        continue;
      }
      if (next === "*") {
        if (groupStart) starred = true;
        continue;
      }
      groupStart = false;
      if (next === "{" || next === "}" || next === "\\") emit(next);
      else if (next === "~") emit(" ");
      else if (next === "_") emit("-");
      else if (next === "\n" || next === "\r") emit(htmlMode ? " " : "\n");
      continue;
    }
    flushBytes();
    i++;
    if (char === "\r" || char === "\n") continue;
    groupStart = false;
    if (skipChars > 0) {
      skipChars--;
      continue;
    }
    emit(char);
  }
  flushBytes();

  let text = out.join("");
  if (htmlMode) {
    text = text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
      if (body[0] === "#") {
        const code = body[1] === "x" || body[1] === "X"
          ? parseInt(body.slice(2), 16)
          : parseInt(body.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
      }
      return htmlEntities.get(body.toLowerCase()) ?? entity;
    });
    text = text.replace(/[ \u00a0]{2,}/g, " ");
  }
  return text
    .split("\n")
    .map((line) => line.replace(/[ \u00a0]+$/, "").replace(htmlMode ? /^ +/ : /^$/, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
