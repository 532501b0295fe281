/**
 * Literal prefilters for regular expressions: the set of fixed strings of which every match
 * must contain at least one, read off the pattern. Most cue patterns of the local model match
 * few texts, and a few `includes()` calls rule a pattern out far faster than running it, so a
 * ticket runs only the patterns that could match. The answer is always the pattern's own.
 *
 * Supported syntax: literals and escapes, `.`, classes, groups (capturing, `(?:`, named),
 * lookarounds and anchors (zero-width, no requirement), `|`, and the quantifiers `? * + {n,m}`.
 * A pattern this reader does not understand gets no prefilter. For a pattern with the `i` flag
 * the literals are lower-case and are looked for in the lower-cased text.
 */

/** A parsed node: what it requires of any text it matches. */
interface Info {
  /** The exact string the node always matches, when it matches one fixed string. */
  exact: string | null;
  /** Strings of which every match contains one; null when no such set is known. */
  required: string[] | null;
  /** True when the node can match the empty string. */
  empty: boolean;
}

const ANY: Info = { exact: null, required: null, empty: false };
const ZERO: Info = { exact: "", required: null, empty: true };

class Unsupported extends Error {}

/** The weakest literal of a set (the shorter, the more texts contain it). */
function strength(set: string[] | null): number {
  if (!set || set.length === 0) return 0;
  let min = Infinity;
  for (const s of set) min = Math.min(min, s.length);
  return min / Math.sqrt(set.length);
}

function better(a: string[] | null, b: string[] | null): string[] | null {
  return strength(b) > strength(a) ? b : a;
}

function literal(s: string): Info {
  return { exact: s, required: s ? [s] : null, empty: s === "" };
}

/** A recursive-descent reader of the pattern source. */
class Reader {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Info {
    const info = this.alternation();
    if (this.i !== this.src.length) throw new Unsupported(`unexpected ${this.src[this.i]}`);
    return info;
  }

  private alternation(): Info {
    const branches = [this.sequence()];
    while (this.src[this.i] === "|") {
      this.i++;
      branches.push(this.sequence());
    }
    if (branches.length === 1) return branches[0];
    let required: string[] | null = [];
    for (const b of branches) {
      if (!b.required || b.empty) {
        required = null;
        break;
      }
      required.push(...b.required);
    }
    return {
      exact: null,
      required: required ? [...new Set(required)] : null,
      empty: branches.some((b) => b.empty),
    };
  }

  private sequence(): Info {
    const items: Info[] = [];
    while (this.i < this.src.length && this.src[this.i] !== "|" && this.src[this.i] !== ")") {
      items.push(this.quantified(this.atom()));
    }
    // Runs of adjacent fixed strings concatenate into longer literals.
    let best: string[] | null = null;
    let run = "";
    let exact: string | null = "";
    let empty = true;
    for (const it of items) {
      if (!it.empty) empty = false;
      if (it.exact !== null) {
        run += it.exact;
        if (exact !== null) exact += it.exact;
        continue;
      }
      exact = null;
      if (run) best = better(best, [run]);
      run = "";
      if (!it.empty) best = better(best, it.required);
    }
    if (run) best = better(best, [run]);
    return { exact, required: best, empty };
  }

  private quantified(info: Info): Info {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === "?") [min, max] = [0, 1];
    else if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) throw new Unsupported("brace");
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      this.i += m[0].length - 1;
    } else return info;
    this.i++;
    if (this.src[this.i] === "?") this.i++; // lazy
    if (min === 0) return { exact: max === 0 ? "" : null, required: null, empty: true };
    if (min === 1 && max === 1) return info;
    const exact = info.exact !== null && min === max ? info.exact.repeat(min) : null;
    return { exact, required: info.required, empty: info.empty };
  }

  private atom(): Info {
    const c = this.src[this.i];
    if (c === "(") return this.group();
    if (c === "[") return this.charClass();
    if (c === "\\") return this.escape();
    if (c === "." || c === "^" || c === "$") {
      this.i++;
      return c === "." ? ANY : ZERO;
    }
    if ("*+?{}])".includes(c)) throw new Unsupported(`stray ${c}`);
    this.i++;
    return literal(c);
  }

  private group(): Info {
    this.i++;
    let lookaround = false;
    if (this.src[this.i] === "?") {
      const rest = this.src.slice(this.i, this.i + 3);
      if (rest.startsWith("?:")) this.i += 2;
      else if (rest.startsWith("?=") || rest.startsWith("?!")) {
        this.i += 2;
        lookaround = true;
      } else if (rest === "?<=" || rest === "?<!") {
        this.i += 3;
        lookaround = true;
      } else if (rest.startsWith("?<")) {
        const end = this.src.indexOf(">", this.i);
        if (end < 0) throw new Unsupported("group name");
        this.i = end + 1;
      } else throw new Unsupported("group");
    }
    const inner = this.alternation();
    if (this.src[this.i] !== ")") throw new Unsupported("unclosed group");
    this.i++;
    return lookaround ? ZERO : inner;
  }

  private charClass(): Info {
    this.i++;
    if (this.src[this.i] === "^") this.i++;
    if (this.src[this.i] === "]") this.i++;
    while (this.i < this.src.length && this.src[this.i] !== "]") {
      if (this.src[this.i] === "\\") this.i++;
      this.i++;
    }
    if (this.src[this.i] !== "]") throw new Unsupported("unclosed class");
    this.i++;
    return ANY;
  }

  private escape(): Info {
    const c = this.src[this.i + 1];
    if (c === undefined) throw new Unsupported("trailing backslash");
    this.i += 2;
    if (c === "b" || c === "B") return ZERO;
    if ("dDwWsS".includes(c)) return ANY;
    if (c === "p" || c === "P") {
      const end = this.src.indexOf("}", this.i);
      if (this.src[this.i] !== "{" || end < 0) throw new Unsupported("property");
      this.i = end + 1;
      return ANY;
    }
    if (c === "u") {
      const hex = this.src.slice(this.i, this.i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Unsupported("unicode escape");
      this.i += 4;
      return literal(String.fromCharCode(parseInt(hex, 16)));
    }
    if (c === "x") {
      const hex = this.src.slice(this.i, this.i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Unsupported("hex escape");
      this.i += 2;
      return literal(String.fromCharCode(parseInt(hex, 16)));
    }
    if (c === "n") return literal("\n");
    if (c === "r") return literal("\r");
    if (c === "t") return literal("\t");
    if (/[0-9kcfv]/.test(c)) throw new Unsupported(`escape \\${c}`);
    return literal(c);
  }
}

/**
 * Literals of which every match of `re` contains one, or null when none are known (then the
 * pattern must always run). Lower-case for a case-insensitive pattern.
 */
export function requiredLiterals(re: RegExp): string[] | null {
  const lits = literalsOf(re);
  return lits && re.ignoreCase ? [...new Set(lits.map((l) => l.toLowerCase()))] : lits;
}

function literalsOf(re: RegExp): string[] | null {
  try {
    const info = new Reader(re.source).parse();
    if (info.empty || !info.required || info.required.length === 0) return null;
    // A literal containing another one adds nothing ("login" when "log" is there).
    const set = info.required;
    return set.filter((l, i) =>
      !set.some((o, j) => j !== i && l.includes(o) && (o !== l || j < i))
    );
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

/**
 * `re.test(text)` behind the literal prefilter (for patterns without the g or y flag). A
 * case-insensitive pattern's test takes the lower-cased text too, when the caller has it.
 */
export function fastTest(re: RegExp): (text: string, lower?: string) => boolean {
  if (re.global || re.sticky) throw new Error(`fastTest() needs a pattern without g/y: ${re}`);
  const lits = requiredLiterals(re);
  if (!lits) return (text) => re.test(text);
  const fold = re.ignoreCase;
  return (text, lower) => {
    const seen = fold ? lower ?? text.toLowerCase() : text;
    for (const l of lits) if (seen.includes(l)) return re.test(text);
    return false;
  };
}

/** How many times a global pattern matches (`(text.match(re) ?? []).length`), prefiltered. */
export function fastCount(re: RegExp): (text: string) => number {
  if (!re.global) throw new Error(`fastCount() needs a global pattern: ${re}`);
  const lits = re.ignoreCase ? null : requiredLiterals(re);
  const count = (text: string) => (text.match(re) ?? []).length;
  if (!lits) return count;
  return (text) => {
    for (const l of lits) if (text.includes(l)) return count(text);
    return 0;
  };
}

/** False only when `re` cannot match `text` (none of its required literals occurs). */
export function mayMatch(re: RegExp): (text: string) => boolean {
  const lits = re.ignoreCase ? null : requiredLiterals(re);
  if (!lits) return () => true;
  return (text) => {
    for (const l of lits) if (text.includes(l)) return true;
    return false;
  };
}
