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
  ISTS_OPENAI_ANSWER_MODEL: optionalString,
  ISTS_OPENAI_EMBEDDING_MODEL: optionalString,
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
  ISTS_DASHBOARD_TOKENS: z.string().refine(
    (text) => listOf(text).length > 0 && listOf(text).every((t) => t.length >= 16 && !/\s/.test(t)),
    "must be comma-separated tokens of at least 16 characters without spaces",
  ).optional(),
  ISTS_DASHBOARD_ORIGINS: optionalString,
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
  ISTS_SMTP_HOST: z.string().trim().regex(
    /^[a-z0-9-]+(\.[a-z0-9-]+)*$|^\[?[0-9a-f:.]+\]?$/i,
    "must be a host name or IP address such as smtp.example.com",
  ).optional(),
  ISTS_SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  ISTS_SMTP_SECURE: z.enum(["true", "false"], "must be true (implicit TLS, the default) or false")
    .optional(),
  ISTS_SMTP_USER: optionalString,
  ISTS_SMTP_PASSWORD: z.string().min(1).optional(),
  ISTS_SMTP_FROM: z.string().trim().refine(
    (text) => parseMailbox(text) !== null,
    'must be an address or "Name <address>", e.g. "Acme Support <help@support.example.com>"',
  ).optional(),
}).superRefine((env, ctx) => {
  for (const { key, message } of crossFieldProblems(env)) {
    ctx.addIssue({ code: "custom", path: [key], message });
  }
});

/**
 * Settings that need each other: outgoing mail (an SMTP host) needs a From address and both
 * halves of a login; IMAP polling (a host) needs an account. Checked on the raw values too, so
 * that they are listed together with every other problem, not in a second round.
 */
function crossFieldProblems(
  env: Partial<Record<string, unknown>>,
): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  const has = (key: string) => env[key] !== undefined;
  if (has("ISTS_SMTP_HOST")) {
    if (!has("ISTS_SMTP_FROM") && listOf(env.ISTS_SUPPORT_ADDRESSES as string).length === 0) {
      problems.push({
        key: "ISTS_SMTP_FROM",
        message: "is required with ISTS_SMTP_HOST (or set ISTS_SUPPORT_ADDRESSES)",
      });
    }
    if (has("ISTS_SMTP_USER") !== has("ISTS_SMTP_PASSWORD")) {
      const key = has("ISTS_SMTP_USER") ? "ISTS_SMTP_PASSWORD" : "ISTS_SMTP_USER";
      problems.push({ key, message: "is required with the other SMTP login" });
    }
  }
  if (has("ISTS_IMAP_HOST")) {
    for (const key of ["ISTS_IMAP_USER", "ISTS_IMAP_PASSWORD"]) {
      if (!has(key)) problems.push({ key, message: "is required with ISTS_IMAP_HOST" });
    }
  }
  return problems;
}

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
    const issues = parsed.error.issues.map((issue) => ({
      key: String(issue.path[0] ?? "env"),
      message: issue.message,
    }));
    // Refinements across settings do not run when a single setting failed: add them here.
    for (const p of crossFieldProblems(picked)) {
      if (!issues.some((i) => i.key === p.key)) issues.push(p);
    }
    const problems = issues.map(({ key, message }) =>
      picked[key] === undefined ? `missing env ${key}` : `env ${key} ${message}`
    );
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

/** A mailbox as written in a From header: the address and an optional display name. */
export interface Mailbox {
  name: string | null;
  address: string;
}

/** Reads `address` or `Name <address>`; null when it is neither. */
export function parseMailbox(text: string): Mailbox | null {
  const trimmed = text.trim();
  const named = /^(?:"?([^"<>]*?)"?\s*)?<([^<>\s]+)>$/.exec(trimmed);
  const address = named ? named[2] : trimmed;
  if (!/^[^@\s,<>"]+@[^@\s,<>"]+\.[^@\s,<>"]+$/.test(address)) return null;
  const name = named?.[1]?.trim() || null;
  return { name, address: address.toLowerCase() };
}

/** Outgoing mail through SMTP, with defaults applied; null when ISTS_SMTP_HOST is not set. */
export interface SmtpSettings {
  host: string;
  port: number;
  /** Implicit TLS from the first byte (port 465); false: plain, upgraded by STARTTLS if offered. */
  secure: boolean;
  user: string | null;
  password: string | null;
  from: Mailbox;
  /** Domain of our Message-IDs (ISTS_MAIL_DOMAIN, else the From address's domain). */
  messageIdDomain: string;
}

/** SMTP settings from ISTS_SMTP_*: port 465 with implicit TLS unless given. */
export function smtpSettings(env: Env): SmtpSettings | null {
  if (!env.ISTS_SMTP_HOST) return null;
  const from = parseMailbox(env.ISTS_SMTP_FROM ?? listOf(env.ISTS_SUPPORT_ADDRESSES)[0] ?? "");
  if (!from) return null;
  const secure = env.ISTS_SMTP_SECURE !== "false";
  return {
    host: env.ISTS_SMTP_HOST,
    port: env.ISTS_SMTP_PORT ?? (secure ? 465 : 25),
    secure,
    user: env.ISTS_SMTP_USER ?? null,
    password: env.ISTS_SMTP_PASSWORD ?? null,
    from,
    messageIdDomain: (env.ISTS_MAIL_DOMAIN ?? from.address.split("@")[1]).toLowerCase(),
  };
}

/**
 * Settings that work here but not everywhere: hosted Supabase blocks outgoing ports 25 and 587,
 * so SMTP from a deployed function must use implicit TLS on 465.
 */
export function configWarnings(env: Env): string[] {
  const smtp = smtpSettings(env);
  if (!smtp) return [];
  const warnings: string[] = [];
  if (smtp.port === 25 || smtp.port === 587) {
    warnings.push(
      `ISTS_SMTP_PORT ${smtp.port} is blocked for hosted Supabase functions: use 465 with ISTS_SMTP_SECURE=true (implicit TLS)`,
    );
  }
  if (smtp.port === 465 && !smtp.secure) {
    warnings.push("ISTS_SMTP_PORT 465 expects implicit TLS: set ISTS_SMTP_SECURE=true");
  }
  if (!smtp.secure && smtp.user !== null && !/^(127\.|localhost$|\[?::1\]?$)/.test(smtp.host)) {
    warnings.push(
      "ISTS_SMTP_SECURE=false sends the SMTP login unencrypted unless the server offers STARTTLS",
    );
  }
  return warnings;
}

/** Tokens accepted as the pipeline's service-role bearer. */
export function pipelineTokens(env: Env): string[] {
  return [env.SUPABASE_SERVICE_ROLE_KEY, env.ISTS_PIPELINE_TOKEN].filter((t): t is string =>
    typeof t === "string" && t.length > 0
  );
}
