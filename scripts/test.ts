// npm test: static checks, Deno unit tests, the pgTAP suite (pg_prove) and the integration
// suite against the local stack; ends with the line "N passed, N failed".
import { join } from "node:path";
import { startFakeSlack } from "./lib/fake_slack.ts";
import {
  BIN,
  CLI_DB_URL,
  DB_PASSWORD,
  DB_PORT,
  FAKE_OPENAI_PORT,
  FAKE_SLACK_PORT,
  ROOT,
} from "./lib/paths.ts";
import { startFakeOpenAi } from "./lib/fake_openai.ts";
import { ensureChromium } from "./lib/browser.ts";
import { startImapServer, stopImapServer } from "./lib/imap_server.ts";
import { startSmtpServer, stopSmtpServer } from "./lib/smtp_server.ts";
import { resetStack, startStack, stopStack } from "./lib/stack/stack.ts";

const deno = join(BIN, "deno");
/** The Slack app the integration tests sign events for. */
const SLACK_TEST_SIGNING_SECRET = "ists-integration-signing-secret";
const SLACK_TEST_SUPPORT_CHANNEL = "C0SUPPORT";
/** The dashboard token the browser test opens the page with. */
const DASHBOARD_TEST_TOKEN = "ists-integration-dashboard-token";
let passed = 0;
let failed = 0;
const failures: string[] = [];

function section(title: string): void {
  console.log(`\n━━ ${title}`);
}

async function exec(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    env: { ...Deno.env.toObject(), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  const decoder = new TextDecoder();
  const pump = async (stream: ReadableStream<Uint8Array>, sink: typeof Deno.stdout) => {
    for await (const chunk of stream) {
      out += decoder.decode(chunk, { stream: true });
      await sink.write(chunk);
    }
  };
  await Promise.all([pump(child.stdout, Deno.stdout), pump(child.stderr, Deno.stderr)]);
  const { code } = await child.status;
  return { code, out };
}

/** A check that counts as one test. */
async function check(name: string, cmd: string, args: string[]): Promise<void> {
  section(name);
  const { code } = await exec(cmd, args);
  if (code === 0) passed++;
  else {
    failed++;
    failures.push(name);
  }
}

/** A Deno test run; counts its tests from Deno's summary line. */
async function denoTests(
  name: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<void> {
  section(name);
  const { code, out } = await exec(deno, ["test", "-A", "--no-prompt", ...args], env);
  const m = /(\d+) passed.*?\|\s*(\d+) failed/.exec(
    out.split("\n").reverse().find((l) => / passed .*failed/.test(l)) ?? "",
  );
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
    if (Number(m[2]) > 0) failures.push(name);
  } else if (code !== 0) {
    failed++;
    failures.push(`${name} (did not run)`);
  }
  if (m && code !== 0 && Number(m[2]) === 0) {
    failed++;
    failures.push(`${name} (exit ${code})`);
  }
}

/** The pgTAP suite through pg_prove; counts every assertion. */
async function pgTap(): Promise<void> {
  section("pgTAP (pg_prove supabase/tests/database)");
  const { code, out } = await exec("pg_prove", [
    "-h",
    "127.0.0.1",
    "-p",
    String(DB_PORT),
    "-U",
    "postgres",
    "-d",
    "postgres",
    "--ext",
    ".sql",
    "-v",
    "supabase/tests/database/",
  ], { PGPASSWORD: DB_PASSWORD });
  const ok = out.split("\n").filter((l) => /^\s*ok \d+/.test(l)).length;
  const notOk = out.split("\n").filter((l) => /^\s*not ok \d+/.test(l)).length;
  passed += ok;
  failed += notOk;
  if (notOk > 0 || code !== 0) failures.push("pgTAP");
  if (code !== 0 && notOk === 0) failed++;
}

const started = Date.now();
// Interrupted: stop what the run started, so no server is left holding the ports.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    console.error(`\n${signal}: stopping the local stack`);
    await stopStack().catch(() => {});
    await stopImapServer().catch(() => {});
    await stopSmtpServer().catch(() => {});
    Deno.exit(130);
  });
}
try {
  await check("deno fmt --check", deno, ["fmt", "--check"]);
  await check("deno lint", deno, ["lint"]);
  await check("deno check", deno, ["check", "supabase/functions", "scripts", "tests"]);
  await denoTests("unit tests", ["supabase/functions", "scripts/lib"]);

  section("local stack (reset)");
  const fakeSlack = await startFakeSlack({ port: FAKE_SLACK_PORT });
  Deno.env.set("SLACK_BOT_TOKEN", "xoxb-ists-integration-test");
  Deno.env.set("SLACK_API_URL", fakeSlack.url);
  Deno.env.set("ISTS_CORS_ORIGINS", "https://forms.example.com");
  Deno.env.set("ISTS_EMAIL_WEBHOOK_SECRETS", "ists-test-mail-secret");
  Deno.env.set("ISTS_MAIL_DOMAIN", "support.example.com");
  Deno.env.set("ISTS_SUPPORT_ADDRESSES", "help@support.example.com");
  Deno.env.set("SLACK_SIGNING_SECRET", SLACK_TEST_SIGNING_SECRET);
  Deno.env.set("ISTS_SLACK_SUPPORT_CHANNEL", SLACK_TEST_SUPPORT_CHANNEL);
  Deno.env.set("ISTS_DASHBOARD_TOKENS", DASHBOARD_TEST_TOKEN);
  // The dashboard's browser test drives Debian's chromium.
  await ensureChromium();
  // email-poll reads a throwaway Dovecot on loopback (plain IMAP, its own folder in .local).
  const imap = await startImapServer();
  Deno.env.set("ISTS_IMAP_HOST", imap.host);
  Deno.env.set("ISTS_IMAP_PORT", String(imap.port));
  Deno.env.set("ISTS_IMAP_SECURE", "false");
  Deno.env.set("ISTS_IMAP_USER", imap.user);
  Deno.env.set("ISTS_IMAP_PASSWORD", imap.password);
  Deno.env.set("ISTS_IMAP_MAILBOX", imap.mailbox);
  // The send stage mails answers to a throwaway aiosmtpd on loopback (plain SMTP).
  const smtp = await startSmtpServer();
  Deno.env.set("ISTS_SMTP_HOST", smtp.host);
  Deno.env.set("ISTS_SMTP_PORT", String(smtp.port));
  Deno.env.set("ISTS_SMTP_SECURE", "false");
  Deno.env.set("ISTS_SMTP_FROM", "Example Support <help@support.example.com>");
  const info = await resetStack();

  await check("supabase db lint (plpgsql_check)", join(BIN, "supabase"), [
    "db",
    "lint",
    "--db-url",
    CLI_DB_URL,
    "--schema",
    "public,app_private",
    "--level",
    "warning",
    "--fail-on",
    "warning",
  ]);
  await pgTap();
  await denoTests("integration tests", ["tests/integration"], {
    ISTS_TEST_DB_URL: info.dbUrl,
    ISTS_TEST_FUNCTIONS_URL: info.functionsUrl,
    ISTS_TEST_SERVICE_KEY: info.serviceRoleKey,
    ISTS_TEST_FAKE_SLACK_URL: fakeSlack.url.replace(/\/api\/$/, ""),
    ISTS_TEST_SLACK_SIGNING_SECRET: SLACK_TEST_SIGNING_SECRET,
    ISTS_TEST_SLACK_SUPPORT_CHANNEL: SLACK_TEST_SUPPORT_CHANNEL,
    ISTS_TEST_IMAP_HOST: imap.host,
    ISTS_TEST_IMAP_PORT: String(imap.port),
    ISTS_TEST_IMAP_USER: imap.user,
    ISTS_TEST_IMAP_PASSWORD: imap.password,
    ISTS_TEST_IMAP_MAILBOX: imap.mailbox,
    ISTS_TEST_DASHBOARD_TOKEN: DASHBOARD_TEST_TOKEN,
    ISTS_TEST_SMTP_MAIL_DIR: smtp.mailDir,
    ISTS_TEST_SMTP_PORT: String(smtp.port),
  });

  // The same stack with OpenAI configured, against a local server speaking OpenAI's API.
  section("local stack with OpenAI configured");
  const fakeOpenAi = await startFakeOpenAi({ port: FAKE_OPENAI_PORT });
  Deno.env.set("OPENAI_API_KEY", "sk-ists-integration-test");
  Deno.env.set("OPENAI_BASE_URL", fakeOpenAi.url);
  Deno.env.set("ISTS_OPENAI_TIMEOUT_MS", "5000");
  await startStack();
  await denoTests("integration tests with OpenAI", ["tests/integration_openai"], {
    ISTS_TEST_DB_URL: info.dbUrl,
    ISTS_TEST_FUNCTIONS_URL: info.functionsUrl,
    ISTS_TEST_SERVICE_KEY: info.serviceRoleKey,
    ISTS_TEST_FAKE_OPENAI_URL: fakeOpenAi.url.replace(/\/v1$/, ""),
  });
  await fakeOpenAi.close();
  await fakeSlack.close();
} catch (error) {
  failed++;
  failures.push(`setup: ${(error as Error).message}`);
  console.error(`✗ ${(error as Error).message}`);
}

if (!Deno.args.includes("--keep")) {
  await stopStack().catch(() => {});
  await stopImapServer().catch(() => {});
  await stopSmtpServer().catch(() => {});
}
console.log(`\n━━ done in ${Math.round((Date.now() - started) / 1000)} s`);
if (failures.length > 0) console.log(`failing: ${failures.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
Deno.exit(failed === 0 ? 0 : 1);
