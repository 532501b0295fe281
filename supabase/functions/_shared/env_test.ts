import assert from "node:assert/strict";
import {
  configWarnings,
  EnvError,
  imapSettings,
  listOf,
  loadEnv,
  pipelineTokens,
  smtpSettings,
} from "./env.ts";

const DB_URL = "postgresql://postgres:postgres@127.0.0.1:54322/postgres";

const FULL = {
  SUPABASE_DB_URL: DB_URL,
  SUPABASE_URL: "http://127.0.0.1:54321",
  SUPABASE_SERVICE_ROLE_KEY: "service-role-key",
  ISTS_PIPELINE_TOKEN: "pipeline-token",
  OPENAI_API_KEY: "sk-test-12345678",
  OPENAI_BASE_URL: "https://api.openai.com/v1",
  SLACK_BOT_TOKEN: "xoxb-1234-abcd",
  SLACK_API_URL: "https://slack.com/api/",
  SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5",
  ISTS_SLACK_SUPPORT_CHANNEL: "C0SUPPORT,G0PRIVATE",
  ISTS_ORG_NAME: "Acme Support",
  ISTS_TIME_ZONE: "Europe/Berlin",
  ISTS_INTAKE_API_KEYS: "key-one,key-two",
  ISTS_DB_POOL_MAX: "10",
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    assert.ok(error instanceof EnvError, `expected EnvError, got ${error}`);
    return error.problems;
  }
  assert.fail("expected loadEnv() to throw");
}

Deno.test("loadEnv() accepts a full valid configuration", () => {
  const env = loadEnv(FULL);
  assert.deepEqual(env, { ...FULL, ISTS_DB_POOL_MAX: 10 });
});

Deno.test("loadEnv() accepts only a database URL", () => {
  assert.deepEqual(loadEnv({ SUPABASE_DB_URL: "postgres://u@h/db" }), {
    SUPABASE_DB_URL: "postgres://u@h/db",
  });
});

Deno.test("loadEnv() ignores keys it does not know", () => {
  const env = loadEnv({ SUPABASE_DB_URL: DB_URL, PATH: "/usr/bin", HOME: "/root" });
  assert.deepEqual(Object.keys(env), ["SUPABASE_DB_URL"]);
});

Deno.test("loadEnv() reports a missing SUPABASE_DB_URL", () => {
  assert.deepEqual(problemsOf({}), ["missing env SUPABASE_DB_URL"]);
});

Deno.test("loadEnv() reports a database URL that is not postgres://", () => {
  assert.deepEqual(problemsOf({ SUPABASE_DB_URL: "mysql://u@h/db" }), [
    "env SUPABASE_DB_URL must be a postgres:// connection URL",
  ]);
});

Deno.test("loadEnv() treats empty and blank strings as unset", () => {
  const env = loadEnv({
    SUPABASE_DB_URL: DB_URL,
    SLACK_BOT_TOKEN: "",
    SLACK_API_URL: "   ",
    ISTS_TIME_ZONE: "",
    ISTS_DB_POOL_MAX: "",
  });
  assert.deepEqual(env, { SUPABASE_DB_URL: DB_URL });
  assert.deepEqual(problemsOf({ SUPABASE_DB_URL: " " }), ["missing env SUPABASE_DB_URL"]);
});

Deno.test("loadEnv() names every missing or malformed value in one EnvError", () => {
  let caught: unknown;
  try {
    loadEnv({
      SLACK_BOT_TOKEN: "abc-123",
      SLACK_API_URL: "http://127.0.0.1:9999/api",
      ISTS_TIME_ZONE: "Mars/Olympus_Mons",
      ISTS_DB_POOL_MAX: "0",
    });
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof EnvError);
  assert.equal(caught.name, "EnvError");
  assert.deepEqual(caught.problems.slice(0, 4), [
    "missing env SUPABASE_DB_URL",
    "env SLACK_BOT_TOKEN must start with xoxb- or xoxp-",
    "env SLACK_API_URL must end with /",
    "env ISTS_TIME_ZONE must be an IANA time zone such as Europe/Berlin",
  ]);
  assert.equal(caught.problems.length, 5);
  assert.match(caught.problems[4], /^env ISTS_DB_POOL_MAX /);
  assert.equal(caught.message, `Cannot start: ${caught.problems.join("; ")}`);
});

Deno.test("loadEnv() accepts xoxp- Slack tokens", () => {
  assert.equal(
    loadEnv({ SUPABASE_DB_URL: DB_URL, SLACK_BOT_TOKEN: "xoxp-1-2" }).SLACK_BOT_TOKEN,
    "xoxp-1-2",
  );
});

Deno.test("loadEnv() rejects a Slack API URL that is not http(s)", () => {
  const problems = problemsOf({ SUPABASE_DB_URL: DB_URL, SLACK_API_URL: "ftp://slack.com/api/" });
  assert.equal(problems.length, 1);
  assert.match(problems[0], /^env SLACK_API_URL /);
});

Deno.test("loadEnv() rejects a pool max outside 1..100 or not an integer", () => {
  for (const value of ["0", "101", "-1", "2.5", "many"]) {
    const problems = problemsOf({ SUPABASE_DB_URL: DB_URL, ISTS_DB_POOL_MAX: value });
    assert.equal(problems.length, 1, value);
    assert.match(problems[0], /^env ISTS_DB_POOL_MAX /, value);
  }
});

Deno.test("loadEnv() accepts the pool max bounds 1 and 100", () => {
  assert.equal(loadEnv({ SUPABASE_DB_URL: DB_URL, ISTS_DB_POOL_MAX: "1" }).ISTS_DB_POOL_MAX, 1);
  assert.equal(loadEnv({ SUPABASE_DB_URL: DB_URL, ISTS_DB_POOL_MAX: "100" }).ISTS_DB_POOL_MAX, 100);
});

Deno.test("loadEnv() rejects an OpenAI key with spaces but accepts short placeholder keys", () => {
  assert.deepEqual(problemsOf({ SUPABASE_DB_URL: DB_URL, OPENAI_API_KEY: "sk-1234 5678" }), [
    "env OPENAI_API_KEY must be an API key without spaces",
  ]);
  for (const value of ["ollama", "sk-1"]) {
    assert.equal(loadEnv({ SUPABASE_DB_URL: DB_URL, OPENAI_API_KEY: value }).OPENAI_API_KEY, value);
  }
});

Deno.test("loadEnv() rejects negative prices and unknown model tasks", () => {
  const problems = problemsOf({
    SUPABASE_DB_URL: DB_URL,
    ISTS_OPENAI_PRICES: '{"gpt-4o-mini":{"inputPerMillion":-1,"outputPerMillion":0.6}}',
    ISTS_OPENAI_MODELS: "[]",
  });
  assert.equal(problems.length, 2);
  assert.match(problems.join("\n"), /ISTS_OPENAI_PRICES must be JSON/);
  assert.match(problems.join("\n"), /ISTS_OPENAI_MODELS must be JSON/);
});

Deno.test("pipelineTokens() returns the service-role key and the pipeline token", () => {
  assert.deepEqual(pipelineTokens(loadEnv(FULL)), ["service-role-key", "pipeline-token"]);
});

Deno.test("pipelineTokens() leaves out tokens that are not set", () => {
  assert.deepEqual(pipelineTokens({ SUPABASE_DB_URL: DB_URL }), []);
  assert.deepEqual(
    pipelineTokens({ SUPABASE_DB_URL: DB_URL, ISTS_PIPELINE_TOKEN: "only-this" }),
    ["only-this"],
  );
  assert.deepEqual(
    pipelineTokens(loadEnv({ SUPABASE_DB_URL: DB_URL, SUPABASE_SERVICE_ROLE_KEY: "" })),
    [],
  );
});

Deno.test("loadEnv() reads HMAC secrets and the public-form switch", () => {
  const env = loadEnv({
    SUPABASE_DB_URL: DB_URL,
    ISTS_INTAKE_HMAC_SECRETS: "0123456789abcdef, fedcba9876543210fedcba",
    ISTS_INTAKE_PUBLIC_FORM: "true",
  });
  assert.equal(env.ISTS_INTAKE_PUBLIC_FORM, true);
  assert.deepEqual(listOf(env.ISTS_INTAKE_HMAC_SECRETS), [
    "0123456789abcdef",
    "fedcba9876543210fedcba",
  ]);
  assert.equal(
    loadEnv({ SUPABASE_DB_URL: DB_URL, ISTS_INTAKE_PUBLIC_FORM: "false" }).ISTS_INTAKE_PUBLIC_FORM,
    false,
  );
});

Deno.test("loadEnv() rejects short HMAC secrets and a public-form switch that is not a boolean", () => {
  const problems = problemsOf({
    SUPABASE_DB_URL: DB_URL,
    ISTS_INTAKE_HMAC_SECRETS: "0123456789abcdef,short",
    ISTS_INTAKE_PUBLIC_FORM: "sometimes",
  });
  assert.equal(problems.length, 2);
  assert.match(problems[0], /^env ISTS_INTAKE_HMAC_SECRETS must be comma-separated secrets/);
  assert.match(problems[1], /^env ISTS_INTAKE_PUBLIC_FORM /);
});

Deno.test("listOf() splits on commas and drops blanks", () => {
  assert.deepEqual(listOf(" a, ,b ,"), ["a", "b"]);
  assert.deepEqual(listOf(undefined), []);
});

Deno.test("loadEnv() reports a support channel that is no Slack channel id", () => {
  assert.deepEqual(
    problemsOf({ SUPABASE_DB_URL: DB_URL, ISTS_SLACK_SUPPORT_CHANNEL: "#support" }),
    ["env ISTS_SLACK_SUPPORT_CHANNEL must be comma-separated Slack channel ids such as C0123ABCD"],
  );
  assert.deepEqual(
    problemsOf({ SUPABASE_DB_URL: DB_URL, SLACK_SIGNING_SECRET: "two words" }),
    ["env SLACK_SIGNING_SECRET must be the app's signing secret, no spaces"],
  );
});

Deno.test("loadEnv() accepts IMAP settings and imapSettings() applies the defaults", () => {
  const env = loadEnv({
    SUPABASE_DB_URL: DB_URL,
    ISTS_IMAP_HOST: "imap.example.com",
    ISTS_IMAP_USER: "support@example.com",
    ISTS_IMAP_PASSWORD: "app password with spaces",
  });
  assert.deepEqual(imapSettings(env), {
    host: "imap.example.com",
    port: 993,
    secure: true,
    user: "support@example.com",
    password: "app password with spaces",
    mailbox: "INBOX",
  });
  const plain = loadEnv({
    SUPABASE_DB_URL: DB_URL,
    ISTS_IMAP_HOST: "127.0.0.1",
    ISTS_IMAP_PORT: "54331",
    ISTS_IMAP_SECURE: "false",
    ISTS_IMAP_USER: "support",
    ISTS_IMAP_PASSWORD: "pw",
    ISTS_IMAP_MAILBOX: "Support/Inbound",
  });
  assert.deepEqual(imapSettings(plain), {
    host: "127.0.0.1",
    port: 54331,
    secure: false,
    user: "support",
    password: "pw",
    mailbox: "Support/Inbound",
  });
  assert.equal(imapSettings(loadEnv({ SUPABASE_DB_URL: DB_URL })), null);
});

Deno.test("loadEnv() names the IMAP account settings a host needs and malformed IMAP values", () => {
  assert.deepEqual(problemsOf({ SUPABASE_DB_URL: DB_URL, ISTS_IMAP_HOST: "imap.example.com" }), [
    "missing env ISTS_IMAP_USER",
    "missing env ISTS_IMAP_PASSWORD",
  ]);
  assert.deepEqual(
    problemsOf({
      SUPABASE_DB_URL: DB_URL,
      ISTS_IMAP_HOST: "imap example com",
      ISTS_IMAP_PORT: "99999",
      ISTS_IMAP_SECURE: "yes",
      ISTS_IMAP_USER: "u",
      ISTS_IMAP_PASSWORD: "p",
    }),
    [
      "env ISTS_IMAP_HOST must be a host name or IP address such as imap.gmail.com",
      "env ISTS_IMAP_PORT Too big: expected number to be <=65535",
      "env ISTS_IMAP_SECURE must be true (TLS, the default) or false",
    ],
  );
});

Deno.test("loadEnv() needs a From address with ISTS_SMTP_HOST, and both halves of the login", () => {
  const base = { SUPABASE_DB_URL: "postgresql://u:p@localhost:5432/db" };
  assert.throws(
    () => loadEnv({ ...base, ISTS_SMTP_HOST: "smtp.example.com", ISTS_SMTP_USER: "u" }),
    /missing env ISTS_SMTP_FROM; missing env ISTS_SMTP_PASSWORD/,
  );
});

Deno.test("smtpSettings() defaults to implicit TLS on 465 and the From domain for Message-IDs", () => {
  const env = loadEnv({
    SUPABASE_DB_URL: "postgresql://u:p@localhost:5432/db",
    ISTS_SMTP_HOST: "smtp.example.com",
    ISTS_SMTP_FROM: "Acme Support <Help@Support.Example.com>",
  });
  assert.deepEqual(smtpSettings(env), {
    host: "smtp.example.com",
    port: 465,
    secure: true,
    user: null,
    password: null,
    from: { name: "Acme Support", address: "help@support.example.com" },
    messageIdDomain: "support.example.com",
  });
  assert.deepEqual(configWarnings(env), []);
});

Deno.test("configWarnings() warns that hosted functions cannot reach ports 25 and 587", () => {
  const env = loadEnv({
    SUPABASE_DB_URL: "postgresql://u:p@localhost:5432/db",
    ISTS_SMTP_HOST: "smtp.example.com",
    ISTS_SMTP_PORT: "587",
    ISTS_SMTP_SECURE: "false",
    ISTS_SMTP_FROM: "help@support.example.com",
  });
  assert.match(
    configWarnings(env).join("\n"),
    /587 is blocked for hosted Supabase functions: use 465/,
  );
});

Deno.test("loadEnv() lists settings that need each other together with every other problem", () => {
  const problems = problemsOf({
    SUPABASE_DB_URL: DB_URL,
    ISTS_TIME_ZONE: "Mars/Base",
    ISTS_SMTP_PORT: "abc",
    ISTS_IMAP_HOST: "imap.example.com",
  });
  assert.ok(problems.some((p) => p.startsWith("env ISTS_TIME_ZONE")), problems.join("; "));
  assert.ok(problems.some((p) => p.startsWith("env ISTS_SMTP_PORT")), problems.join("; "));
  assert.ok(problems.includes("missing env ISTS_IMAP_USER"), problems.join("; "));
  assert.ok(problems.includes("missing env ISTS_IMAP_PASSWORD"), problems.join("; "));
});
