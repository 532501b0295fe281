/**
 * A small YAML reader for test fixtures (Zammad's expected-parse files): block mappings and
 * sequences, plain, single- and double-quoted scalars (folded over lines), literal and folded
 * block scalars, empty flow collections, explicit (`? `) keys; tags such as `!ruby/hash:…` are ignored. Anchors,
 * aliases and non-empty flow collections are not supported. Scalars stay strings
 * (no number, boolean or null typing, except an empty value, which is null).
 */

/** A value read from the YAML subset. */
export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
}

const doubleEscapes: Record<string, string> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};

function unescapeDouble(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    const out = doubleEscapes[e];
    if (out === undefined) throw new Error(`Cannot read YAML: unknown escape \\${e}`);
    return out;
  });
}

/** Joins the lines of a multi-line flow scalar: a break is a space, n blank lines n breaks. */
function foldFlow(raw: string, double: boolean): string {
  const lines = raw.split("\n");
  let out = "";
  let blanks = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (i > 0) line = line.replace(/^[ \t]+/, "");
    if (i < lines.length - 1) {
      const trimmed = line.replace(/[ \t]+$/, "");
      // An escaped space at the end of a line keeps that space.
      line = double && /(^|[^\\])(\\\\)*\\$/.test(trimmed) && trimmed.length < line.length
        ? trimmed + " "
        : trimmed;
    }
    if (i > 0 && line === "" && i < lines.length - 1) {
      blanks++;
      continue;
    }
    if (i > 0) {
      const escapedBreak = double && /(^|[^\\])(\\\\)*\\$/.test(out);
      if (escapedBreak) out = out.slice(0, -1) + "\n".repeat(blanks);
      else out += blanks > 0 ? "\n".repeat(blanks) : " ";
    }
    blanks = 0;
    out += line;
  }
  return out;
}

/** Reads a YAML document of the supported subset. */
export function parseYaml(text: string): YamlValue {
  const lines: Line[] = text.replace(/\r\n?/g, "\n").split("\n").map((l) => ({
    indent: l.length - l.trimStart().length,
    text: l,
  }));
  const end = lines.findIndex((l) => l.text === "...");
  if (end >= 0) lines.length = end;
  let pos = 0;
  if (lines[0]?.text.startsWith("---")) {
    const rest = lines[0].text.slice(3).trim().replace(/^!\S+\s*/, "");
    if (rest) throw new Error("Cannot read YAML: a value on the document start line");
    pos = 1;
  }

  const isBlank = (l: Line) => l.text.trim() === "" || l.text.trimStart().startsWith("#");
  const skipBlank = () => {
    while (pos < lines.length && isBlank(lines[pos])) pos++;
  };

  /** A scalar starting at column `col` of line `pos`; `parent` is the owning indent. */
  function scalar(rest: string, parent: number): YamlValue {
    if (rest.startsWith('"') || rest.startsWith("'")) {
      const quote = rest[0];
      let raw = rest.slice(1);
      pos++;
      for (;;) {
        const end = quote === '"' ? closingDouble(raw) : closingSingle(raw);
        if (end >= 0) {
          const tail = raw.slice(end + 1).trim();
          if (tail && !tail.startsWith("#")) {
            throw new Error(`Cannot read YAML: text after a quoted scalar: ${tail}`);
          }
          raw = raw.slice(0, end);
          break;
        }
        if (pos >= lines.length) throw new Error("Cannot read YAML: unterminated quoted scalar");
        raw += "\n" + lines[pos++].text;
      }
      return quote === '"'
        ? unescapeDouble(foldFlow(raw, true))
        : foldFlow(raw, false).replaceAll("''", "'");
    }
    const block = /^([|>])([1-9])?([+-])?([1-9])?\s*(#.*)?$/.exec(rest);
    if (block) {
      pos++;
      const explicit = Number(block[2] ?? block[4] ?? 0);
      const chomp = block[3] ?? "";
      const body: string[] = [];
      let indent = explicit ? parent + explicit : -1;
      while (pos < lines.length) {
        const l = lines[pos];
        if (l.text.trim() === "") {
          body.push("");
          pos++;
          continue;
        }
        if (indent < 0) indent = l.indent;
        if (l.indent < indent || l.indent <= parent) break;
        body.push(l.text.slice(indent));
        pos++;
      }
      let trailing = 0;
      while (body.length > 0 && body[body.length - 1] === "") {
        body.pop();
        trailing++;
      }
      let content: string;
      if (block[1] === "|") content = body.join("\n");
      else {
        content = "";
        let blanks = 0;
        body.forEach((l, i) => {
          if (l === "") return void blanks++;
          const literal = /^\s/.test(l);
          if (i > 0) {
            const prevLiteral = /^\s/.test(body[i - 1 - blanks] ?? "");
            content += blanks > 0 ? "\n".repeat(blanks) : literal || prevLiteral ? "\n" : " ";
          }
          blanks = 0;
          content += l;
        });
      }
      if (body.length === 0) return "";
      if (chomp === "-") return content;
      if (chomp === "+") return content + "\n".repeat(trailing + 1);
      return content + "\n";
    }
    // A plain scalar, possibly continued on more-indented lines.
    let raw = rest.replace(/\s+#.*$/, "");
    pos++;
    while (pos < lines.length && !isBlank(lines[pos]) && lines[pos].indent > parent) {
      raw += "\n" + lines[pos++].text;
    }
    const value = foldFlow(raw, false).trim();
    if (value === "[]") return [];
    if (value === "{}") return {};
    if (value === "" || value === "~" || value === "null") return null;
    return value;
  }

  /** The node at `pos`, whose lines are indented more than `parent`. */
  function node(parent: number): YamlValue {
    skipBlank();
    if (pos >= lines.length || lines[pos].indent <= parent) return null;
    const indent = lines[pos].indent;
    const head = lines[pos].text.slice(indent);
    if (head === "-" || head.startsWith("- ")) return sequence(indent);
    return mapping(indent);
  }

  function value(rest: string, owner: number, childIndent: number): YamlValue {
    rest = rest.replace(/^!\S+\s*/, "");
    if (rest === "" || rest.startsWith("#")) {
      pos++;
      skipBlank();
      // A sequence may sit at the same indent as its mapping key.
      if (
        pos < lines.length && lines[pos].indent === owner &&
        /^-( |$)/.test(lines[pos].text.slice(owner)) && childIndent > owner
      ) {
        return sequence(owner);
      }
      return node(owner);
    }
    return scalar(rest, owner);
  }

  function sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (;;) {
      skipBlank();
      if (pos >= lines.length || lines[pos].indent !== indent) break;
      const text = lines[pos].text.slice(indent);
      if (!/^-( |$)/.test(text)) break;
      const rest = text.slice(1).trimStart();
      const column = indent + text.length - rest.length;
      const tagless = rest.replace(/^!\S+\s*/, "");
      if (/^[^'"\s][^:]*:( |$)/.test(tagless) && !/^[|>]/.test(tagless)) {
        // "- key: value": a mapping whose first line shares the dash's line.
        lines[pos] = { indent: column, text: " ".repeat(column) + tagless };
        items.push(mapping(column));
      } else items.push(value(rest, indent, indent + 2));
    }
    return items;
  }

  function mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    for (;;) {
      skipBlank();
      if (pos >= lines.length || lines[pos].indent !== indent) break;
      const text = lines[pos].text.slice(indent);
      if (/^-( |$)/.test(text)) break;
      if (text.startsWith("? ")) {
        // An explicit key ("? long key" then ": value" on the next line).
        const key = scalar(text.slice(2).trim(), indent);
        skipBlank();
        const next = lines[pos]?.text.slice(indent) ?? "";
        if (typeof key !== "string" || lines[pos]?.indent !== indent || !/^:( |$)/.test(next)) {
          throw new Error(`Cannot read YAML line ${pos + 1}: an explicit key without a value`);
        }
        out[key] = value(next.slice(1).trim(), indent, indent + 1);
        continue;
      }
      const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:]+?)\s*:(?: |$)/.exec(text) ??
        /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:]+?)\s*:$/.exec(text);
      if (!m) throw new Error(`Cannot read YAML line ${pos + 1}: ${text.slice(0, 60)}`);
      let key = m[1];
      if (key.startsWith('"')) key = unescapeDouble(key.slice(1, -1));
      else if (key.startsWith("'")) key = key.slice(1, -1).replaceAll("''", "'");
      out[key] = value(text.slice(m[0].length).trim(), indent, indent + 1);
    }
    return out;
  }

  const result = node(-1);
  skipBlank();
  if (pos < lines.length) {
    throw new Error(`Cannot read YAML line ${pos + 1}: ${lines[pos].text.slice(0, 60)}`);
  }
  return result;
}

function closingDouble(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "\\") i++;
    else if (raw[i] === '"') return i;
  }
  return -1;
}

function closingSingle(raw: string): number {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === "'") {
      if (raw[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}
