import { z } from "zod";

/** One line of a messages file (samples/messages.jsonl or the user's --input FILE). */
export const MessageLine = z.object({
  email: z.string().trim().pipe(z.email({ message: "must be an email address" })),
  body: z.string().refine((b) => b.trim().length > 0, "must not be empty"),
  name: z.string().optional().nullable(),
  subject: z.string().optional().nullable(),
  channel: z.enum(["email", "slack", "api", "web"]).optional(),
  expect: z.object({
    category: z.string().optional(),
    sub_category: z.string().optional(),
    priority: z.string().optional(),
    auto_resolve: z.boolean().optional(),
  }).optional(),
});
export type MessageLine = z.infer<typeof MessageLine>;

/** A parsed line with its 1-based line number. */
export interface NumberedMessage {
  line: number;
  message: MessageLine;
}

/** Parses JSONL text: good lines, and a problem per bad line (with its line number). */
export function parseMessages(text: string): { messages: NumberedMessage[]; problems: string[] } {
  const messages: NumberedMessage[] = [];
  const problems: string[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      problems.push(`line ${line}: not valid JSON`);
      return;
    }
    const parsed = MessageLine.safeParse(value);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join(".") || "line"} ${i.message}`);
      problems.push(`line ${line}: ${why.join("; ")}`);
      return;
    }
    messages.push({ line, message: parsed.data });
  });
  return { messages, problems };
}

/** Runs tasks with at most `limit` at once, in order of the input. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Cannot run with a limit of ${limit}: use a whole number ≥ 1`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}
