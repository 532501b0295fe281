import { z } from "zod";

/** Thrown when configuration is missing or malformed; the message names every problem. */
export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot start: ${problems.join("; ")}`);
    this.name = "EnvError";
  }
}

const optionalString = z.string().trim().min(1).optional();
const optionalUrl = z.url({ protocol: /^https?$/ }).optional();

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** Price table of ISTS_OPENAI_PRICES: USD per million tokens, per model. */
export const PriceTableSchema = z.record(
  z.string().min(1),
  z.object({ inputPerMillion: z.number().min(0), outputPerMillion: z.number().min(0) }).strict(),
);

/** Model per OpenAI task of ISTS_OPENAI_MODELS. */
export const ModelTableSchema = z.object({
  classify: z.string().min(1),
  sentiment: z.string().min(1),
  priority: z.string().min(1),
  combined: z.string().min(1),
  translate: z.string().min(1),
}).partial().strict();

function parsesAs(text: string, schema: z.ZodType): boolean {
  try {
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

/** Every setting the functions and scripts read, with its rules. */
export const EnvSchema = z.object({
  SUPABASE_DB_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// connection URL"),
  SUPABASE_URL: optionalUrl,
  SUPABASE_SERVICE_ROLE_KEY: optionalString,
  ISTS_PIPELINE_TOKEN: optionalString,
  OPENAI_API_KEY: z.string().regex(/^\S+$/, "must be an API key without spaces").optional(),
  OPENAI_BASE_URL: optionalUrl,
  ISTS_OPENAI_MODE: z.enum(["parallel", "combined"]).optional(),
  ISTS_OPENAI_MODEL: optionalString,
  ISTS_OPENAI_MODELS: z.string().refine(
    (text) => parsesAs(text, ModelTableSchema),
    'must be JSON like {"classify":"gpt-4o-mini","translate":"gpt-4o"}',
  ).optional(),
  ISTS_OPENAI_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).optional(),
  ISTS_OPENAI_PRICES: z.string().refine(
    (text) => parsesAs(text, PriceTableSchema),
    'must be JSON like {"gpt-4o-mini":{"inputPerMillion":0.15,"outputPerMillion":0.6}}, prices >= 0',
  ).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-\S+$/, "must start with xoxb- or xoxp-").optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).refine((u) => u.endsWith("/"), "must end with /")
    .optional(),
  SLACK_SIGNING_SECRET: z.string().regex(/^\S+$/, "must be the app's signing secret, no spaces")
    .optional(),
  ISTS_SLACK_SUPPORT_CHANNEL: z.string().refine(
    (text) => listOf(text).length > 0 && listOf(text).every((id) => /^[CG][A-Z0-9]{2,}$/.test(id)),
    "must be comma-separated Slack channel ids such as C0123ABCD",
  ).optional(),
  ISTS_ORG_NAME: optionalString,
  ISTS_TIME_ZONE: z.string().refine(isTimeZone, "must be an IANA time zone such as Europe/Berlin")
    .optional(),
  ISTS_INTAKE_API_KEYS: optionalString,
  ISTS_INTAKE_HMAC_SECRETS: z.string().refine(
    (text) => text.split(",").map((s) => s.trim()).every((s) => s.length >= 16 && !/\s/.test(s)),
    "must be comma-separated secrets of at least 16 characters without spaces",
  ).optional(),
  ISTS_INTAKE_PUBLIC_FORM: z.stringbool().optional(),
  ISTS_TICKET_LINK_SECRETS: z.string().refine(
    (text) => text.split(",").map((s) => s.trim()).every((s) => s.length >= 16 && !/\s/.test(s)),
    "must be comma-separated secrets of at least 16 characters without spaces",
  ).optional(),
  ISTS_CORS_ORIGINS: optionalString,
  ISTS_DB_POOL_MAX: z.coerce.number().int().min(1).max(100).optional(),
  ISTS_EMAIL_WEBHOOK_SECRETS: optionalString,
  ISTS_MAILGUN_SIGNING_KEY: optionalString,
  ISTS_MAIL_DOMAIN: z.string().trim().regex(
    /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i,
    "must be a domain such as support.example.com",
  ).optional(),
  ISTS_SUPPORT_ADDRESSES: z.string().refine(
    (text) => listOf(text).every((a) => /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/.test(a)),
    "must be comma-separated e-mail addresses",
  ).optional(),
  ISTS_IMAP_HOST: z.string().trim().regex(
    /^[a-z0-9-]+(\.[a-z0-9-]+)*$|^\[?[0-9a-f:.]+\]?$/i,
    "must be a host name or IP address such as imap.gmail.com",
  ).optional(),
  ISTS_IMAP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ISTS_IMAP_SECURE: z.enum(["true", "false"], "must be true (TLS, the default) or false")
    .optional(),
  ISTS_IMAP_USER: optionalString,
  ISTS_IMAP_PASSWORD: z.string().min(1).optional(),
  ISTS_IMAP_MAILBOX: optionalString,
}).superRefine((env, ctx) => {
  // IMAP polling is on when a host is set; it then needs an account.
  if (env.ISTS_IMAP_HOST === undefined) return;
  for (const key of ["ISTS_IMAP_USER", "ISTS_IMAP_PASSWORD"] as const) {
    if (env[key] === undefined) {
      ctx.addIssue({ code: "custom", path: [key], message: "is required with ISTS_IMAP_HOST" });
    }
  }
});

/** Validated configuration passed down to every handler. */
export type Env = z.infer<typeof EnvSchema>;

/** Reads and validates the configuration once (from `Deno.env` unless a source is given). */
export function loadEnv(source?: Record<string, string | undefined>): Env {
  const raw = source ?? Deno.env.toObject();
  const picked: Record<string, string> = {};
  for (const key of Object.keys(EnvSchema.shape)) {
    const value = raw[key];
    if (value !== undefined && value.trim() !== "") picked[key] = value;
  }
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "env");
      return picked[key] === undefined ? `missing env ${key}` : `env ${key} ${issue.message}`;
    });
    throw new EnvError(problems);
  }
  return parsed.data;
}

/** Splits a comma-separated setting into its trimmed, non-empty parts. */
export function listOf(value: string | undefined): string[] {
  return (value ?? "").split(",").map((part) => part.trim()).filter(Boolean);
}

/** The mailbox email-poll reads, with defaults applied; null when IMAP is not configured. */
export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
}

/** IMAP settings from ISTS_IMAP_*: port 993 with TLS and INBOX unless given. */
export function imapSettings(env: Env): ImapSettings | null {
  if (!env.ISTS_IMAP_HOST || !env.ISTS_IMAP_USER || !env.ISTS_IMAP_PASSWORD) return null;
  const secure = env.ISTS_IMAP_SECURE !== "false";
  return {
    host: env.ISTS_IMAP_HOST,
    port: env.ISTS_IMAP_PORT ?? (secure ? 993 : 143),
    secure,
    user: env.ISTS_IMAP_USER,
    password: env.ISTS_IMAP_PASSWORD,
    mailbox: env.ISTS_IMAP_MAILBOX ?? "INBOX",
  };
}

/** Tokens accepted as the pipeline's service-role bearer. */
export function pipelineTokens(env: Env): string[] {
  return [env.SUPABASE_SERVICE_ROLE_KEY, env.ISTS_PIPELINE_TOKEN].filter((t): t is string =>
    typeof t === "string" && t.length > 0
  );
}
