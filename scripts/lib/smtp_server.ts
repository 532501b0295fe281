// A throwaway SMTP server for the tests: Debian's python3-aiosmtpd (installed when missing)
// running scripts/lib/smtp_sink.py on 127.0.0.1, writing every message it receives to
// .local/smtp/mail, where the tests read them. Plain SMTP on loopback only.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, SMTP_DIR, SMTP_PORT } from "./paths.ts";
import { isAlive, isRoot, mustRun, portTaken, run, step } from "./shell.ts";

/** Debian's Python, which python3-aiosmtpd installs into (not a pyenv or venv one). */
const PYTHON = "/usr/bin/python3";
/** The folder the test server writes received messages to. */
export const SMTP_MAIL_DIR = join(SMTP_DIR, "mail");

/** Where a running test SMTP server listens and writes what it receives. */
export interface SmtpServerInfo {
  host: string;
  port: number;
  mailDir: string;
}

async function hasAiosmtpd(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  return (await run(PYTHON, ["-c", "import aiosmtpd"])).code === 0;
}

/** Installs python3-aiosmtpd when missing (root with apt-get), else says what to install. */
export async function ensureAiosmtpd(): Promise<void> {
  if (await hasAiosmtpd()) return;
  const hint = "apt-get install -y python3-aiosmtpd";
  if (!isRoot() || !existsSync("/usr/bin/apt-get")) {
    throw new Error(`Cannot start the test SMTP server: install aiosmtpd with\n  sudo ${hint}`);
  }
  step("installing python3-aiosmtpd (apt-get)…");
  const env = { DEBIAN_FRONTEND: "noninteractive", PATH: Deno.env.get("PATH") ?? "" };
  await mustRun("apt-get", ["update", "-qq"], { env });
  await mustRun(
    "apt-get",
    ["install", "-y", "-qq", "--no-install-recommends", "python3-aiosmtpd"],
    {
      env,
    },
  );
}

function pidFile(): string {
  return join(SMTP_DIR, "server.pid");
}

async function runningPid(): Promise<number | null> {
  try {
    const pid = Number((await Deno.readTextFile(pidFile())).trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Starts a fresh test SMTP server (empty mail folder) on 127.0.0.1:SMTP_PORT; a server left
 * running by an earlier run of this checkout is stopped first.
 */
export async function startSmtpServer(): Promise<SmtpServerInfo> {
  await ensureAiosmtpd();
  await stopSmtpServer();
  if (await portTaken(SMTP_PORT)) {
    throw new Error(`Cannot start the test SMTP server: port ${SMTP_PORT} is taken`);
  }
  if (existsSync(SMTP_DIR)) await Deno.remove(SMTP_DIR, { recursive: true });
  await Deno.mkdir(SMTP_MAIL_DIR, { recursive: true });
  step(`starting the test SMTP server (aiosmtpd) on 127.0.0.1:${SMTP_PORT}`);
  const script = join(ROOT, "scripts", "lib", "smtp_sink.py");
  const log = join(SMTP_DIR, "server.log");
  const pid = Number((await mustRun("bash", [
    "-c",
    'setsid "$0" "$@" >>"$ISTS_SMTP_LOG" 2>&1 < /dev/null & echo $!',
    PYTHON,
    script,
    "127.0.0.1",
    String(SMTP_PORT),
    SMTP_MAIL_DIR,
  ], { env: { PATH: Deno.env.get("PATH") ?? "", ISTS_SMTP_LOG: log } })).trim());
  await Deno.writeTextFile(pidFile(), String(pid));
  for (let i = 0; i < 100 && !(await portTaken(SMTP_PORT)); i++) {
    if (!isAlive(pid)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!(await portTaken(SMTP_PORT))) {
    const out = existsSync(log) ? await Deno.readTextFile(log) : "";
    throw new Error(`The test SMTP server did not listen on ${SMTP_PORT}:\n${out.slice(-2000)}`);
  }
  return { host: "127.0.0.1", port: SMTP_PORT, mailDir: SMTP_MAIL_DIR };
}

/** Stops the test SMTP server of this checkout (no-op when it does not run). */
export async function stopSmtpServer(): Promise<void> {
  const pid = await runningPid();
  if (pid === null) return;
  step("stopping the test SMTP server");
  Deno.kill(pid, "SIGTERM");
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) Deno.kill(pid, "SIGKILL");
}

/** One message the test server received. */
export interface ReceivedMail {
  file: string;
  raw: string;
  mailFrom: string;
  rcptTos: string[];
  outcome: "accepted" | "dropped";
  messageId: string | null;
}

/** Every message in the folder, oldest first. */
export async function receivedMail(dir = SMTP_MAIL_DIR): Promise<ReceivedMail[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(".eml")) names.push(entry.name);
  }
  names.sort();
  return await Promise.all(names.map(async (name) => {
    const meta = JSON.parse(await Deno.readTextFile(join(dir, name.replace(/\.eml$/, ".json"))));
    return {
      file: join(dir, name),
      raw: await Deno.readTextFile(join(dir, name)),
      mailFrom: meta.mail_from,
      rcptTos: meta.rcpt_tos,
      outcome: meta.outcome,
      messageId: meta.message_id,
    };
  }));
}
