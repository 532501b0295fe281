import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { DB_PASSWORD, DB_PORT, PG_BIN, PG_DATA, PG_DIR, PG_LOG, PG_SOCKET_DIR } from "../paths.ts";
import { asPostgres, isRoot, mustRun, portTaken, run, step } from "../shell.ts";

/** Debian packages the local stack needs, with a file each one provides. */
export const REQUIRED_PACKAGES: [string, string][] = [
  ["postgresql-15", `${PG_BIN}/initdb`],
  ["postgresql-15-cron", "/usr/share/postgresql/15/extension/pg_cron.control"],
  ["postgresql-15-pgtap", "/usr/share/postgresql/15/extension/pgtap.control"],
  ["postgresql-15-plpgsql-check", "/usr/share/postgresql/15/extension/plpgsql_check.control"],
  ["libtap-parser-sourcehandler-pgtap-perl", "/usr/bin/pg_prove"],
];

/** Installs the missing Debian packages when root, or says exactly what to install. */
export async function ensurePackages(): Promise<void> {
  const missing = REQUIRED_PACKAGES.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  const hint = `apt-get install -y ${missing.join(" ")}`;
  if (!isRoot() || !existsSync("/usr/bin/apt-get")) {
    throw new Error(
      `Cannot start the local stack: missing packages. Install them with:\n  sudo ${hint}`,
    );
  }
  step(`installing ${missing.join(", ")} (apt-get)…`);
  const env = { DEBIAN_FRONTEND: "noninteractive", PATH: Deno.env.get("PATH") ?? "" };
  await mustRun("apt-get", ["update", "-qq"], { env });
  await mustRun("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...missing], {
    env,
  });
}

/** Makes sure the postgres user can reach the cluster folder through every parent. */
async function ensureTraversable(path: string): Promise<void> {
  if (!isRoot()) return;
  let dir = dirname(path);
  while (dir !== "/") {
    const info = await Deno.stat(dir);
    const mode = info.mode ?? 0o755;
    if ((mode & 0o001) === 0) {
      step(`allowing the postgres user to traverse ${dir} (chmod o+x)`);
      await Deno.chmod(dir, mode | 0o001);
    }
    dir = dirname(dir);
  }
}

/** True when this stack's cluster folder holds an initialised cluster. */
export function clusterExists(): boolean {
  return existsSync(join(PG_DATA, "PG_VERSION"));
}

/** Creates the cluster: owned by postgres, loopback only, pg_cron preloaded. */
export async function initCluster(): Promise<void> {
  await Deno.mkdir(PG_SOCKET_DIR, { recursive: true });
  await ensureTraversable(PG_DIR);
  if (isRoot()) await mustRun("chown", ["-R", "postgres:postgres", PG_DIR]);
  if (clusterExists()) return;
  step("creating the local Postgres 15 cluster in .local/pg");
  const pwfile = join(PG_DIR, "pwfile");
  await Deno.writeTextFile(pwfile, `${DB_PASSWORD}\n`);
  if (isRoot()) await mustRun("chown", ["postgres:postgres", pwfile]);
  const [cmd, args] = asPostgres(`${PG_BIN}/initdb`, [
    "-D",
    PG_DATA,
    "-U",
    "postgres",
    "--auth-local=trust",
    "--auth-host=scram-sha-256",
    `--pwfile=${pwfile}`,
    "--encoding=UTF8",
    "--locale=C.UTF-8",
  ]);
  await mustRun(cmd, args);
  await Deno.remove(pwfile);
  await Deno.writeTextFile(join(PG_DATA, "postgresql.conf"), "include = 'ists.conf'\n", {
    append: true,
  });
  await writeClusterConfig();
  if (isRoot()) await mustRun("chown", ["-R", "postgres:postgres", PG_DIR]);
}

/** The settings this stack gives Postgres (written to ists.conf, included by postgresql.conf). */
export function clusterConfig(): string {
  return [
    "# Written by scripts/stack.ts",
    "listen_addresses = '127.0.0.1'",
    `port = ${DB_PORT}`,
    `unix_socket_directories = '${PG_SOCKET_DIR}'`,
    "shared_preload_libraries = 'pg_cron,pg_stat_statements'",
    "pg_stat_statements.track = all",
    "cron.database_name = 'postgres'",
    // pg_cron runs its jobs in background workers: no TCP login, so no password needed.
    "cron.use_background_workers = on",
    "max_worker_processes = 16",
    "max_connections = 200",
    "shared_buffers = '256MB'",
    "work_mem = '8MB'",
    "wal_level = 'replica'",
    "max_wal_size = '2GB'",
    "log_min_messages = warning",
    "log_min_error_statement = error",
    "timezone = 'UTC'",
    "",
  ].join("\n");
}

/** Writes ists.conf; true when it changed (a running Postgres then needs a restart). */
export async function writeClusterConfig(): Promise<boolean> {
  const path = join(PG_DATA, "ists.conf");
  const wanted = clusterConfig();
  const current = existsSync(path) ? await Deno.readTextFile(path) : "";
  if (current === wanted) return false;
  await Deno.writeTextFile(path, wanted);
  if (isRoot()) await mustRun("chown", ["postgres:postgres", path]);
  return true;
}

/** Runs pg_ctl on this stack's cluster (as the postgres user when root). */
function pgCtl(args: string[]) {
  const [cmd, full] = asPostgres(`${PG_BIN}/pg_ctl`, ["-D", PG_DATA, ...args]);
  return run(cmd, full);
}

/** True when this stack's Postgres is running. */
export async function postgresRunning(): Promise<boolean> {
  if (!clusterExists()) return false;
  return (await pgCtl(["status"])).code === 0;
}

/** Starts this stack's Postgres (no-op when running). */
export async function startPostgres(): Promise<void> {
  if (await postgresRunning()) return;
  if (await portTaken(DB_PORT)) {
    throw new Error(
      `Cannot start Postgres: port ${DB_PORT} is taken by another program (is another stack running?)`,
    );
  }
  step(`starting Postgres on 127.0.0.1:${DB_PORT}`);
  const result = await pgCtl(["-l", PG_LOG, "-w", "-t", "60", "start"]);
  if (result.code !== 0) {
    const log = existsSync(PG_LOG) ? (await Deno.readTextFile(PG_LOG)).slice(-2000) : "";
    throw new Error(`Cannot start Postgres:\n${result.stderr}${result.stdout}\n${log}`);
  }
}

/** Restarts this stack's Postgres (after a configuration change). */
export async function restartPostgres(): Promise<void> {
  step("restarting Postgres (configuration changed)");
  const result = await pgCtl(["-l", PG_LOG, "-w", "-t", "60", "restart"]);
  if (result.code !== 0) throw new Error(`Cannot restart Postgres:\n${result.stderr}`);
}

/** Stops this stack's Postgres (no-op when stopped). */
export async function stopPostgres(): Promise<void> {
  if (!(await postgresRunning())) return;
  step("stopping Postgres");
  const result = await pgCtl(["-m", "fast", "-w", "stop"]);
  if (result.code !== 0) throw new Error(`Cannot stop Postgres:\n${result.stderr}`);
}

/** Runs SQL through psql over the stack's socket as postgres (ON_ERROR_STOP). */
export async function psql(sqlText: string): Promise<string> {
  const [cmd, args] = asPostgres("psql", [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    PG_SOCKET_DIR,
    "-p",
    String(DB_PORT),
    "-U",
    "postgres",
    "-d",
    "postgres",
    "-At",
  ]);
  return await mustRun(cmd, args, { stdin: sqlText });
}
