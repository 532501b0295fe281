/**
 * Knowledge-base articles as Markdown files: front matter (between `---` lines) with the
 * metadata, the Markdown body after it. Every problem is reported with the file's name, so an
 * import can refuse the whole folder before it changes anything.
 *
 * ```
 * ---
 * title: Reset your password
 * category: account
 * sub_category: password_reset
 * tags: [password, login]
 * summary: One or two sentences that answer the question.
 * url: https://help.example.com/articles/reset-your-password
 * ---
 * Markdown body with a numbered list of steps…
 * ```
 * `slug` defaults to the file name, `locale` to `en`, `published` to `true`, `url` to the
 * `kb_base_url` setting plus the slug.
 */
import { basename, join, relative } from "node:path";
import { z } from "zod";
import { CATEGORIES, SUB_CATEGORIES } from "../../supabase/functions/_shared/ai/types.ts";

/** An article read from a file, ready for app_private.import_kb_articles. */
export interface KbFileArticle {
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  category: string;
  sub_category: string | null;
  tags: string[];
  locale: string;
  published: boolean;
  url: string | null;
  source_path: string;
}

/** A file that cannot be imported, and why. */
export interface KbFileProblem {
  path: string;
  problems: string[];
}

const FrontMatter = z.object({
  title: z.string().trim().min(3, "title must have at least 3 characters").max(200),
  slug: z.string().regex(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    "slug must be lowercase letters, digits and single hyphens",
  ).max(120).optional(),
  category: z.enum(CATEGORIES, { message: `category must be one of ${CATEGORIES.join(", ")}` }),
  sub_category: z.string().optional(),
  tags: z.array(z.string().trim().min(1).max(60)).max(30).optional(),
  locale: z.string().regex(/^[a-z]{2}$/, "locale must be a two-letter language code").optional(),
  published: z.boolean().optional(),
  url: z.url({ protocol: /^https?$/, message: "url must be an http(s) URL" }).optional(),
  summary: z.string().trim().max(500, "summary must be at most 500 characters").optional(),
}).strict();

/** Scalar and list values of the front matter: strings, booleans, [flow, lists]. */
type Value = string | boolean | string[];

/** Reads the front matter's `key: value` lines; throws with the line number of a bad one. */
export function parseFrontMatter(text: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "" || line.trim().startsWith("#")) return;
    const m = line.match(/^([a-z_]+):\s*(.*)$/);
    if (!m) throw new Error(`front matter line ${i + 2} is not "key: value": ${line.trim()}`);
    const [, key, raw] = m;
    if (key in out) throw new Error(`front matter names ${key} twice`);
    out[key] = scalarOrList(raw.trim());
  });
  return out;
}

function scalarOrList(raw: string): Value {
  if (raw === "true" || raw === "false") return raw === "true";
  if (raw.startsWith("[")) {
    if (!raw.endsWith("]")) throw new Error(`list "${raw}" has no closing ]`);
    const inner = raw.slice(1, -1).trim();
    return inner === "" ? [] : inner.split(",").map((item) => unquote(item.trim()));
  }
  return unquote(raw);
}

function unquote(raw: string): string {
  const m = raw.match(/^(["'])(.*)\1$/);
  return m ? m[2] : raw;
}

/** Parses one file's text; returns the article or every problem found. */
export function parseKbFile(
  path: string,
  text: string,
): { article: KbFileArticle } | { problems: string[] } {
  const normalised = text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n");
  const m = normalised.match(/^---\n([\s\S]*?)\n---\n?([\s\S]*)$/);
  if (!m) return { problems: ["has no front matter (a --- line, key: value lines, a --- line)"] };
  let meta: Record<string, Value>;
  try {
    meta = parseFrontMatter(m[1]);
  } catch (error) {
    return { problems: [(error as Error).message] };
  }
  const parsed = FrontMatter.safeParse(meta);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join(".");
      problems.push(
        issue.code === "unrecognized_keys"
          ? `unknown front matter key(s): ${issue.keys.join(", ")}`
          : issue.message.startsWith(key) || !key
          ? issue.message
          : `${key}: ${issue.message}`,
      );
    }
  }
  const body = m[2].trim();
  if (body === "") problems.push("has no body after the front matter");
  if (body.length > 50_000) problems.push(`body has ${body.length} characters (50,000 allowed)`);
  const slug = parsed.success ? parsed.data.slug ?? basename(path).replace(/\.md$/i, "") : "";
  if (parsed.success && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug)) {
    problems.push(`file name gives the slug "${slug}": set slug (lowercase, digits, hyphens)`);
  }
  const sub = parsed.success ? parsed.data.sub_category : undefined;
  if (parsed.success && sub !== undefined) {
    const owner = (SUB_CATEGORIES as Record<string, string>)[sub];
    if (!owner) problems.push(`sub_category "${sub}" is not a known sub-category`);
    else if (owner !== parsed.data.category) {
      problems.push(`sub_category "${sub}" belongs to ${owner}, not ${parsed.data.category}`);
    }
  }
  if (!parsed.success || problems.length) return { problems };
  const d = parsed.data;
  return {
    article: {
      slug,
      title: d.title,
      summary: d.summary ?? null,
      body,
      category: d.category,
      sub_category: sub ?? null,
      tags: d.tags ?? [],
      locale: d.locale ?? "en",
      published: d.published ?? true,
      url: d.url ?? null,
      source_path: path,
    },
  };
}

/** Reads every `*.md` file below a folder (name order); reports bad files and duplicate slugs. */
export async function readKbDir(
  dir: string,
  root = dir,
): Promise<{ articles: KbFileArticle[]; bad: KbFileProblem[] }> {
  const files: string[] = [];
  const walk = async (folder: string) => {
    const entries = [];
    for await (const entry of Deno.readDir(folder)) entries.push(entry);
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory && !entry.name.startsWith(".")) await walk(path);
      else if (entry.isFile && /\.md$/i.test(entry.name) && !/^readme\.md$/i.test(entry.name)) {
        files.push(path);
      }
    }
  };
  await walk(dir);
  const articles: KbFileArticle[] = [];
  const bad: KbFileProblem[] = [];
  const bySlug = new Map<string, string>();
  for (const file of files) {
    const path = relative(root, file) || basename(file);
    const parsed = parseKbFile(path, await Deno.readTextFile(file));
    if ("problems" in parsed) {
      bad.push({ path, problems: parsed.problems });
      continue;
    }
    const other = bySlug.get(parsed.article.slug);
    if (other) {
      bad.push({ path, problems: [`slug "${parsed.article.slug}" is also used by ${other}`] });
      continue;
    }
    bySlug.set(parsed.article.slug, path);
    articles.push(parsed.article);
  }
  return { articles, bad };
}
