import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Git-ignored folder holding the local stack's state. */
export const LOCAL_DIR = join(ROOT, ".local");
/** Local Postgres cluster folder (owned by the postgres user). */
export const PG_DIR = join(LOCAL_DIR, "pg");
export const PG_DATA = join(PG_DIR, "data");
export const PG_SOCKET_DIR = join(PG_DIR, "run");
export const PG_LOG = join(PG_DIR, "postgres.log");
export const IMAP_DIR = join(LOCAL_DIR, "imap");
/** Folder of the test SMTP server (its pid file and the messages it received, in mail/). */
export const SMTP_DIR = join(LOCAL_DIR, "smtp");
/**
 * Added to every local port, so that several checkouts can run their stacks side by side
 * (ISTS_PORT_OFFSET=100 gives 54422, 54421, …). 0 by default.
 */
export const PORT_OFFSET = portOffset(readEnv("ISTS_PORT_OFFSET"));
/** Ports of Supabase's local stack. */
export const DB_PORT = 54322 + PORT_OFFSET;
export const FUNCTIONS_PORT = 54321 + PORT_OFFSET;
/** Ports of the fake Slack and OpenAI servers the tests start. */
export const FAKE_SLACK_PORT = 54329 + PORT_OFFSET;
export const FAKE_OPENAI_PORT = 54330 + PORT_OFFSET;
/** Port of the test IMAP server (Dovecot) the tests start, and its folder. */
export const IMAP_PORT = 54331 + PORT_OFFSET;
/** Port of the test SMTP server (aiosmtpd) the tests start. */
export const SMTP_PORT = 54332 + PORT_OFFSET;
export const DB_PASSWORD = "postgres";
/** Connection URL of the local database. */
export const DB_URL = `postgresql://postgres:${DB_PASSWORD}@127.0.0.1:${DB_PORT}/postgres`;
/**
 * The same URL for the Supabase CLI, which insists on TLS for a database on any port but the
 * default 54322 (the local cluster has no TLS).
 */
export const CLI_DB_URL = `${DB_URL}?sslmode=disable`;
export const FUNCTIONS_URL = `http://127.0.0.1:${FUNCTIONS_PORT}`;
export const STATE_FILE = join(LOCAL_DIR, "stack.json");
export const SERVER_LOG = join(LOCAL_DIR, "functions.log");
export const BIN = join(ROOT, "node_modules", ".bin");
export const PG_BIN = "/usr/lib/postgresql/15/bin";

function portOffset(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return 0;
  const offset = Number(value);
  if (!Number.isInteger(offset) || offset < 0 || offset > 5000) {
    throw new Error(`Cannot use ISTS_PORT_OFFSET=${value}: give an integer from 0 to 5000`);
  }
  return offset;
}

/** An environment variable, or undefined where the script may not read the environment. */
function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}
