/**
 * JSON read as it streams, in bounded memory: the value is built as JSON.parse builds it,
 * except that each string value goes, piece by piece, to a sink chosen by its path. A sink can
 * decode and hash an attachment's base64 on the fly, or keep only a prefix of a huge text; the
 * default sink keeps a string up to a limit and records the cut.
 */

/** Where a value sits: object keys and array indexes from the root. */
export type JsonPath = ReadonlyArray<string | number>;

/** Receives one string value in pieces; end() returns what the value becomes. */
export interface StringSink {
  write(piece: string): void;
  end(): unknown;
}

/** Thrown for input that is not JSON (or nests too deep). */
export class JsonStreamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonStreamError";
  }
}

/** Options of JsonStreamParser. */
export interface JsonStreamOptions {
  /** A sink for the string at this path; undefined keeps it with the default sink. */
  sinkFor?: (path: JsonPath) => StringSink | undefined;
  /** Characters the default sink keeps of one string (default 1 MiB); the rest is counted. */
  maxStringChars?: number;
  /** Deepest nesting accepted (default 32). */
  maxDepth?: number;
  /** Characters of an object key (default 1024). */
  maxKeyChars?: number;
  /** Values in all (default 100,000): a body of countless tiny values is refused. */
  maxValues?: number;
}

type Frame =
  | { kind: "object"; value: Record<string, unknown>; key: string }
  | { kind: "array"; value: unknown[] };

type Mode =
  | "value"
  | "value_or_end"
  | "key"
  | "key_or_end"
  | "colon"
  | "after"
  | "string"
  | "token";

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Path and cut of a string the default sink shortened. */
export interface CutString {
  path: string;
  keptChars: number;
  totalChars: number;
}

/** A push parser: feed it text with push(), then finish() returns the value. */
export class JsonStreamParser {
  /** Strings the default sink shortened. */
  readonly cut: CutString[] = [];
  #options: Required<Omit<JsonStreamOptions, "sinkFor">> & Pick<JsonStreamOptions, "sinkFor">;
  #stack: Frame[] = [];
  #mode: Mode = "value";
  #root: unknown = undefined;
  #rootDone = false;
  #isKey = false;
  #key = "";
  #sink: StringSink | null = null;
  #escape: string | null = null;
  #token = "";
  #decoder = new TextDecoder("utf-8", { fatal: true });
  #values = 0;

  constructor(options: JsonStreamOptions = {}) {
    this.#options = {
      sinkFor: options.sinkFor,
      maxStringChars: options.maxStringChars ?? 1024 * 1024,
      maxDepth: options.maxDepth ?? 32,
      maxKeyChars: options.maxKeyChars ?? 1024,
      maxValues: options.maxValues ?? 100_000,
    };
  }

  /** Consumes the next bytes (UTF-8). */
  pushBytes(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#decoder.decode(bytes, { stream: true });
    } catch {
      throw new JsonStreamError("the body is not valid UTF-8");
    }
    this.push(text);
  }

  /** Consumes the next text. */
  push(text: string): void {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.#mode === "string") {
        i = this.#string(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.#mode === "token") {
        if (WHITESPACE.has(c) || c === 0x2c || c === 0x5d || c === 0x7d) {
          this.#endToken();
          continue; // the delimiter is read again in mode "after"
        }
        this.#token += text[i++];
        if (this.#token.length > 64) throw new JsonStreamError("a number or literal is too long");
        continue;
      }
      if (WHITESPACE.has(c)) {
        i++;
        continue;
      }
      const ch = text[i++];
      switch (this.#mode) {
        case "value_or_end":
          if (ch === "]") {
            this.#close();
            break;
          }
          this.#mode = "value";
          i--;
          break;
        case "value":
          this.#startValue(ch);
          break;
        case "key_or_end":
        case "key":
          if (ch === "}" && this.#mode === "key_or_end") {
            this.#close();
            break;
          }
          if (ch !== '"') throw new JsonStreamError(`expected an object key, found "${ch}"`);
          this.#isKey = true;
          this.#key = "";
          this.#mode = "string";
          break;
        case "colon":
          if (ch !== ":") throw new JsonStreamError(`expected ":", found "${ch}"`);
          this.#mode = "value";
          break;
        case "after": {
          const top = this.#stack.at(-1);
          if (!top) throw new JsonStreamError(`unexpected "${ch}" after the value`);
          if (ch === ",") this.#mode = top.kind === "object" ? "key" : "value";
          else if (ch === (top.kind === "object" ? "}" : "]")) this.#close();
          else throw new JsonStreamError(`unexpected "${ch}"`);
          break;
        }
      }
    }
  }

  /** Ends the input and returns the value. */
  finish(): unknown {
    try {
      this.push(this.#decoder.decode());
    } catch (error) {
      if (error instanceof JsonStreamError) throw error;
      throw new JsonStreamError("the body is not valid UTF-8");
    }
    if (this.#mode === "token" && this.#stack.length === 0) this.#endToken();
    if (!this.#rootDone || this.#stack.length > 0 || this.#mode !== "after") {
      throw new JsonStreamError("the JSON ends too early");
    }
    return this.#root;
  }

  #startValue(ch: string): void {
    if (ch === "{" || ch === "[") {
      if (this.#stack.length >= this.#options.maxDepth) {
        throw new JsonStreamError(`nested deeper than ${this.#options.maxDepth} levels`);
      }
      this.#stack.push(
        ch === "{" ? { kind: "object", value: {}, key: "" } : { kind: "array", value: [] },
      );
      this.#mode = ch === "{" ? "key_or_end" : "value_or_end";
      return;
    }
    if (ch === '"') {
      this.#isKey = false;
      const path = this.#path();
      this.#sink = this.#options.sinkFor?.(path) ?? this.#keptString(path);
      this.#mode = "string";
      return;
    }
    if (/[-0-9tfn]/.test(ch)) {
      this.#token = ch;
      this.#mode = "token";
      return;
    }
    throw new JsonStreamError(`unexpected "${ch}"`);
  }

  /** Reads string content from text[i]; returns where it stopped. */
  #string(text: string, i: number): number {
    const n = text.length;
    while (i < n) {
      if (this.#escape !== null) {
        this.#escape += text[i++];
        const e = this.#escape;
        if (e[0] === "u") {
          if (e.length < 5) continue;
          if (!/^u[0-9a-fA-F]{4}$/.test(e)) throw new JsonStreamError("a bad \\u escape");
          this.#piece(String.fromCharCode(parseInt(e.slice(1), 16)));
        } else {
          const out = ESCAPES[e];
          if (out === undefined) throw new JsonStreamError(`a bad escape "\\${e}"`);
          this.#piece(out);
        }
        this.#escape = null;
        continue;
      }
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 0x22 || c === 0x5c) break;
        if (c < 0x20) throw new JsonStreamError("a control character inside a string");
        j++;
      }
      if (j > i) this.#piece(text.slice(i, j));
      if (j === n) return n;
      if (text.charCodeAt(j) === 0x5c) {
        this.#escape = "";
        i = j + 1;
        continue;
      }
      // The closing quote.
      this.#endString();
      return j + 1;
    }
    return i;
  }

  #piece(piece: string): void {
    if (this.#isKey) {
      this.#key += piece;
      if (this.#key.length > this.#options.maxKeyChars) {
        throw new JsonStreamError("an object key is too long");
      }
    } else this.#sink!.write(piece);
  }

  #endString(): void {
    if (this.#isKey) {
      (this.#stack.at(-1) as Extract<Frame, { kind: "object" }>).key = this.#key;
      this.#mode = "colon";
      return;
    }
    const sink = this.#sink!;
    this.#sink = null;
    this.#complete(sink.end());
  }

  #endToken(): void {
    let value: unknown;
    try {
      value = JSON.parse(this.#token);
    } catch {
      throw new JsonStreamError(`"${this.#token}" is not a JSON value`);
    }
    if (typeof value === "string" || (typeof value === "object" && value !== null)) {
      throw new JsonStreamError(`"${this.#token}" is not a JSON value`);
    }
    this.#token = "";
    this.#complete(value);
  }

  #close(): void {
    const frame = this.#stack.pop()!;
    this.#complete(frame.value);
  }

  #complete(value: unknown): void {
    if (++this.#values > this.#options.maxValues) {
      throw new JsonStreamError(`more than ${this.#options.maxValues} values`);
    }
    const top = this.#stack.at(-1);
    if (!top) {
      this.#root = value;
      this.#rootDone = true;
    } else if (top.kind === "object") {
      // defineProperty: a "__proto__" key stays a plain property, as with JSON.parse.
      Object.defineProperty(top.value, top.key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else top.value.push(value);
    this.#mode = "after";
  }

  #path(): JsonPath {
    return this.#stack.map((f) => f.kind === "object" ? f.key : f.value.length);
  }

  #keptString(path: JsonPath): StringSink {
    const limit = this.#options.maxStringChars;
    const parts: string[] = [];
    let kept = 0;
    let total = 0;
    return {
      write: (piece) => {
        total += piece.length;
        if (kept >= limit) return;
        const take = piece.length <= limit - kept ? piece : piece.slice(0, limit - kept);
        parts.push(take);
        kept += take.length;
      },
      end: () => {
        if (total > kept) {
          this.cut.push({ path: path.join("."), keptChars: kept, totalChars: total });
        }
        return parts.join("");
      },
    };
  }
}
