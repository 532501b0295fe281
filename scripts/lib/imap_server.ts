// A throwaway IMAP server for the tests: Debian's Dovecot (dovecot-imapd), installed when
// missing, run without root privileges on 127.0.0.1 with its own configuration, users and
// maildirs in .local/imap. Plain IMAP on loopback only; never the system's Dovecot.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { IMAP_DIR, IMAP_PORT } from "./paths.ts";
import { isAlive, isRoot, mustRun, portTaken, run, step } from "./shell.ts";

const DOVECOT = "/usr/sbin/dovecot";
/** The mailbox account the tests poll, and the folder email-poll reads (created at start). */
export const IMAP_TEST_USER = "support";
export const IMAP_TEST_PASSWORD = "imap-test-password";
export const IMAP_TEST_MAILBOX = "Support";

/** Where a running test IMAP server listens and how to log in. */
export interface ImapServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
  mailbox: string;
}

/** Installs dovecot-imapd when missing (root with apt-get), else says what to install. */
export async function ensureDovecot(): Promise<void> {
  if (existsSync(DOVECOT) && existsSync("/usr/lib/dovecot/imap")) return;
  const hint = "apt-get install -y dovecot-imapd";
  if (!isRoot() || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`Cannot start the test IMAP server: install Dovecot with\n  sudo ${hint}`);
  }
  step("installing dovecot-imapd (apt-get)…");
  const env = { DEBIAN_FRONTEND: "noninteractive", PATH: Deno.env.get("PATH") ?? "" };
  await mustRun("apt-get", ["update", "-qq"], { env });
  await mustRun("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "dovecot-imapd"], {
    env,
  });
}

/** The unprivileged account Dovecot runs as: `dovecot` when we are root, else ourselves. */
async function runAs(): Promise<{ user: string; group: string }> {
  if (isRoot()) return { user: "dovecot", group: "dovecot" };
  const user = (await mustRun("id", ["-un"])).trim();
  const group = (await mustRun("id", ["-gn"])).trim();
  return { user, group };
}

/** The Dovecot configuration of the test server (rootless, loopback, plain IMAP). */
export function dovecotConfig(dir: string, port: number, account: { user: string; group: string }) {
  return `# Written by scripts/lib/imap_server.ts: a throwaway test server.
protocols = imap
listen = 127.0.0.1
instance_name = ists-imap-${port}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
default_internal_user = ${account.user}
default_internal_group = ${account.group}
default_login_user = ${account.user}
first_valid_uid = 1
first_valid_gid = 1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:${dir}/mail/%u
mail_fsync = never
namespace inbox {
  inbox = yes
  mailbox ${IMAP_TEST_MAILBOX} {
    auto = create
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = home=${dir}/home/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
}

function pidFile(): string {
  return join(IMAP_DIR, "run", "master.pid");
}

async function runningPid(): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(pidFile())).trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

function asAccount(account: { user: string }, cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", account.user, "--", cmd, ...args]] : [cmd, args];
}

/** Makes sure the account can reach the folder through every parent (chmod o+x). */
async function ensureTraversable(path: string): Promise<void> {
  if (!isRoot()) return;
  let dir = dirname(path);
  while (dir !== "/") {
    const mode = (await Deno.stat(dir)).mode ?? 0o755;
    if ((mode & 0o001) === 0) await Deno.chmod(dir, mode | 0o001);
    dir = dirname(dir);
  }
}

/**
 * Starts a fresh test IMAP server (empty mailboxes) on 127.0.0.1:IMAP_PORT; a server left
 * running by an earlier run of this checkout is stopped first.
 */
export async function startImapServer(): Promise<ImapServerInfo> {
  await ensureDovecot();
  await stopImapServer();
  if (await portTaken(IMAP_PORT)) {
    throw new Error(`Cannot start the test IMAP server: port ${IMAP_PORT} is taken`);
  }
  const account = await runAs();
  if (existsSync(IMAP_DIR)) await Deno.remove(IMAP_DIR, { recursive: true });
  for (const sub of ["run", "state", "mail", "home"]) {
    await Deno.mkdir(join(IMAP_DIR, sub), { recursive: true });
  }
  await ensureTraversable(IMAP_DIR);
  const conf = join(IMAP_DIR, "dovecot.conf");
  await Deno.writeTextFile(conf, dovecotConfig(IMAP_DIR, IMAP_PORT, account));
  await Deno.writeTextFile(
    join(IMAP_DIR, "users"),
    `${IMAP_TEST_USER}:{PLAIN}${IMAP_TEST_PASSWORD}::::::\n`,
  );
  if (isRoot()) await mustRun("chown", ["-R", `${account.user}:${account.group}`, IMAP_DIR]);
  step(`starting the test IMAP server (Dovecot) on 127.0.0.1:${IMAP_PORT}`);
  // Dovecot daemonizes; its output goes to a file so no pipe is held open by the daemon.
  const [cmd, args] = asAccount(account, DOVECOT, ["-c", conf]);
  const out = join(IMAP_DIR, "start.log");
  const result = await run("bash", ["-c", '"$0" "$@" >"$ISTS_IMAP_START_LOG" 2>&1', cmd, ...args], {
    env: { PATH: Deno.env.get("PATH") ?? "", ISTS_IMAP_START_LOG: out },
  });
  if (result.code !== 0) {
    throw new Error(`Cannot start Dovecot:\n${await Deno.readTextFile(out).catch(() => "")}`);
  }
  for (let i = 0; i < 100 && !(await portTaken(IMAP_PORT)); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await portTaken(IMAP_PORT))) {
    const log = existsSync(join(IMAP_DIR, "dovecot.log"))
      ? await Deno.readTextFile(join(IMAP_DIR, "dovecot.log"))
      : "";
    throw new Error(`Dovecot did not listen on ${IMAP_PORT}:\n${log.slice(-2000)}`);
  }
  return {
    host: "127.0.0.1",
    port: IMAP_PORT,
    user: IMAP_TEST_USER,
    password: IMAP_TEST_PASSWORD,
    mailbox: IMAP_TEST_MAILBOX,
  };
}

/** Stops the test IMAP server of this checkout (no-op when it does not run). */
export async function stopImapServer(): Promise<void> {
  const pid = await runningPid();
  if (pid === null) return;
  step("stopping the test IMAP server");
  Deno.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) Deno.kill(pid, "SIGKILL");
}
