import { existsSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { createOpenAiEmbedder } from "../../../supabase/functions/_shared/ai/openai_embed.ts";
import {
  configWarnings,
  EnvError,
  EnvSchema,
  loadEnv,
} from "../../../supabase/functions/_shared/env.ts";
import { readKbDir } from "../kb_files.ts";
import { importKbArticles } from "../kb_import.ts";
import {
  BIN,
  CLI_DB_URL,
  DB_URL,
  FUNCTIONS_PORT,
  FUNCTIONS_URL,
  LOCAL_DIR,
  PG_DIR,
  ROOT,
  SERVER_LOG,
  STATE_FILE,
} from "../paths.ts";
import { isAlive, mustRun, portTaken, run, step } from "../shell.ts";
import {
  clusterExists,
  ensurePackages,
  initCluster,
  postgresRunning,
  psql,
  restartPostgres,
  startPostgres,
  stopPostgres,
  writeClusterConfig,
} from "./cluster.ts";

interface StackState {
  serviceRoleKey: string;
  serverPid?: number;
  serverFingerprint?: string;
  pgNetStandIn?: boolean;
}

async function readState(): Promise<StackState> {
  try {
    return JSON.parse(await Deno.readTextFile(STATE_FILE));
  } catch {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    const key = `local-service-role-${
      Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
    }`;
    return { serviceRoleKey: key };
  }
}

async function writeState(state: StackState): Promise<void> {
  await Deno.mkdir(LOCAL_DIR, { recursive: true });
  await Deno.writeTextFile(STATE_FILE, JSON.stringify(state, null, 2));
}

/** Parses a dotenv file (KEY=VALUE, # comments, optional quotes). */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trim().startsWith("#")) continue;
    const quoted = /^(['"])(.*?)\1(?:\s+#.*)?$/.exec(m[2]);
    out[m[1]] = quoted ? quoted[2] : m[2].replace(/\s+#.*$/, "");
  }
  return out;
}

/** The user's configuration: supabase/functions/.env overlaid by the environment. */
export async function userConfig(): Promise<Record<string, string>> {
  const file = join(ROOT, "supabase", "functions", ".env");
  const fromFile = existsSync(file) ? parseDotenv(await Deno.readTextFile(file)) : {};
  const fromEnv = Deno.env.toObject();
  // Every setting the functions read, but those the stack provides itself.
  const keys = Object.keys(EnvSchema.shape).filter((key) =>
    !key.startsWith("SUPABASE_") && key !== "ISTS_PIPELINE_TOKEN"
  );
  const config: Record<string, string> = {};
  for (const key of keys) {
    const value = fromEnv[key] ?? fromFile[key];
    if (value !== undefined && value !== "") config[key] = value;
  }
  return config;
}

async function fingerprint(env: Record<string, string>): Promise<string> {
  const parts: string[] = [JSON.stringify(env)];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name.endsWith(".ts")) {
        parts.push(`${path}:${(await Deno.stat(path)).mtime?.getTime()}`);
      }
    }
  };
  await walk(join(ROOT, "supabase", "functions"));
  await walk(join(ROOT, "scripts", "lib"));
  parts.sort();
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\n")));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function serverHealthy(): Promise<boolean> {
  try {
    const res = await fetch(`${FUNCTIONS_URL}/health`, { signal: AbortSignal.timeout(1000) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

async function stopServer(state: StackState): Promise<void> {
  if (!state.serverPid || !isAlive(state.serverPid)) return;
  step("stopping the functions server");
  try {
    Deno.kill(-state.serverPid, "SIGTERM");
  } catch {
    try {
      Deno.kill(state.serverPid, "SIGTERM");
    } catch { /* already gone */ }
  }
  // The group, not only the supervisor: a server stuck in a long computation never runs its
  // SIGTERM handler, outlives the supervisor and keeps the port.
  const alive = () => isAlive(-state.serverPid!) || isAlive(state.serverPid!);
  for (let i = 0; i < 50 && alive(); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  if (isAlive(-state.serverPid)) Deno.kill(-state.serverPid, "SIGKILL");
  if (isAlive(state.serverPid)) Deno.kill(state.serverPid, "SIGKILL");
  state.serverPid = undefined;
}

/** Applies the migrations with the real Supabase CLI, then supabase/seed.sql. */
async function pushMigrations(): Promise<void> {
  step("applying migrations and seed (supabase db push --db-url …)");
  const result = await run(join(BIN, "supabase"), [
    "db",
    "push",
    "--db-url",
    CLI_DB_URL,
    "--include-all",
    "--include-seed",
    "--yes",
    "--workdir",
    ROOT,
  ], {
    cwd: ROOT,
    env: { ...Deno.env.toObject(), SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
  });
  if (result.code !== 0) {
    throw new Error(`supabase db push failed:\n${result.stderr}\n${result.stdout}`);
  }
}

/**
 * Imports kb/ (the bundled articles) like `npm run kb -- import kb`: unchanged articles are left
 * alone, so a restart costs one query; with OpenAI configured, new or changed ones are embedded.
 */
async function importLocalKnowledgeBase(config: Record<string, string>): Promise<void> {
  const dir = join(ROOT, "kb");
  if (!existsSync(dir)) return;
  const { articles, bad } = await readKbDir(dir);
  if (bad.length) {
    throw new Error(
      `Cannot import the knowledge base in kb/:\n${
        bad.map((b) => `  ${b.path}: ${b.problems.join("; ")}`).join("\n")
      }`,
    );
  }
  const embedder = config.OPENAI_API_KEY
    ? createOpenAiEmbedder({
      apiKey: config.OPENAI_API_KEY,
      baseURL: config.OPENAI_BASE_URL,
      model: config.ISTS_OPENAI_EMBEDDING_MODEL,
      maxAttempts: 2,
    })
    : null;
  const sql = postgres(DB_URL, { max: 2, onnotice: () => {} });
  try {
    const result = await importKbArticles(sql, articles, embedder);
    const count = (o: string) => result.rows.filter((r) => r.outcome === o).length;
    const embedded = !embedder
      ? ""
      : result.embedError
      ? `; embeddings failed (${result.embedError}), text search until the next start`
      : `; ${result.embedded} embedded`;
    step(
      `knowledge base: ${articles.length} articles from kb/ (${count("created")} created, ` +
        `${count("updated")} updated, ${count("unchanged")} unchanged${embedded})`,
    );
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Options of startStack(). */
export interface StartOptions {
  quiet?: boolean;
}

/** Everything a caller needs to talk to the running stack. */
export interface StackInfo {
  dbUrl: string;
  functionsUrl: string;
  serviceRoleKey: string;
}

/** Starts (or completes) the local stack; harmless when it already runs. */
export async function startStack(_options: StartOptions = {}): Promise<StackInfo> {
  const config = await userConfig();
  try {
    const env = loadEnv({ SUPABASE_DB_URL: DB_URL, ...config });
    for (const warning of configWarnings(env)) step(`warning: ${warning}`);
  } catch (error) {
    if (error instanceof EnvError) {
      throw new Error(
        `${error.message}\n(configuration comes from the environment or supabase/functions/.env)`,
      );
    }
    throw error;
  }
  await ensurePackages();
  const state = await readState();
  const ours = state.serverPid !== undefined && isAlive(state.serverPid);
  if (!ours && await portTaken(FUNCTIONS_PORT)) {
    throw new Error(
      `Cannot start the functions server: port ${FUNCTIONS_PORT} is taken by another program`,
    );
  }
  await initCluster();
  const configChanged = await writeClusterConfig();
  if (configChanged && await postgresRunning()) await restartPostgres();
  await startPostgres();

  await psql(await Deno.readTextFile(join(ROOT, "scripts", "lib", "stack", "supabase_shape.sql")));
  const hasPgNet = (await psql(
    "select count(*) from pg_available_extensions where name = 'pg_net'",
  )).trim() !== "0";
  state.pgNetStandIn = !hasPgNet;
  if (!hasPgNet) {
    await psql(
      await Deno.readTextFile(join(ROOT, "scripts", "lib", "stack", "pg_net_standin.sql")),
    );
  }
  await pushMigrations();

  const settings: Record<string, string> = {
    functions_base_url: FUNCTIONS_URL,
    service_role_key: state.serviceRoleKey,
  };
  if (config.ISTS_ORG_NAME) settings.organisation_name = config.ISTS_ORG_NAME;
  if (config.ISTS_TIME_ZONE) settings.time_zone = config.ISTS_TIME_ZONE;
  const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;
  await psql(
    Object.entries(settings).map(([k, v]) =>
      `update app_private.settings set value = ${literal(v)}, updated_at = now() where key = ${
        literal(k)
      };`
    ).join("\n"),
  );

  await importLocalKnowledgeBase(config);

  const serverEnv: Record<string, string> = {
    ...config,
    SUPABASE_DB_URL: DB_URL,
    SUPABASE_URL: FUNCTIONS_URL,
    SUPABASE_SERVICE_ROLE_KEY: state.serviceRoleKey,
    ISTS_PG_NET_STANDIN: hasPgNet ? "0" : "1",
    ISTS_DB_POOL_MAX: config.ISTS_DB_POOL_MAX ?? "20",
  };
  const print = await fingerprint(serverEnv);
  const running = state.serverPid !== undefined && isAlive(state.serverPid) &&
    await serverHealthy();
  if (!running || state.serverFingerprint !== print) {
    await stopServer(state);
    if (await portTaken(FUNCTIONS_PORT)) {
      throw new Error(
        `Cannot start the functions server: port ${FUNCTIONS_PORT} is taken by another program`,
      );
    }
    step(`starting the functions server on ${FUNCTIONS_URL}`);
    // A small supervisor restarts the server if it dies after a good start (an outage, a
    // crash); a server that dies within 10 s of starting is a configuration error: stop.
    // The server command reaches the loop through the environment, so that the loop's own
    // command line does not name local_server.ts (a `pkill -f local_server.ts` kills the
    // server, which the loop then restarts, not the loop itself).
    const loop = `while :; do started=$(date +%s); $ISTS_SERVER_COMMAND; code=$?; ` +
      `if [ $(( $(date +%s) - started )) -lt 10 ]; then exit $code; fi; ` +
      `echo "functions server exited ($code); restarting"; sleep 1; done`;
    const cmd = `setsid bash -c '${loop}' >>${SERVER_LOG} 2>&1 < /dev/null & echo $!`;
    const logStart = existsSync(SERVER_LOG) ? (await Deno.stat(SERVER_LOG)).size : 0;
    const pid = Number((await mustRun("bash", ["-c", cmd], {
      env: {
        ...Deno.env.toObject(),
        ...serverEnv,
        DENO_NO_UPDATE_CHECK: "1",
        // A heap cap like Supabase's per-worker memory limit; without it V8 grows the heap
        // lazily under a burst (to ~1 GB RSS) although live memory stays small.
        ISTS_SERVER_COMMAND: `${
          join(BIN, "deno")
        } run -A --no-prompt --v8-flags=--max-old-space-size=512 ${
          join(ROOT, "scripts", "lib", "local_server.ts")
        }`,
      },
    })).trim());
    state.serverPid = pid;
    state.serverFingerprint = print;
    for (let i = 0; i < 300 && !(await serverHealthy()); i++) {
      if (!isAlive(pid)) {
        const log = (await Deno.readTextFile(SERVER_LOG)).slice(logStart).slice(-3000);
        throw new Error(`The functions server exited at start:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!(await serverHealthy())) throw new Error("The functions server did not answer in 30 s");
  }
  await writeState(state);
  return { dbUrl: DB_URL, functionsUrl: FUNCTIONS_URL, serviceRoleKey: state.serviceRoleKey };
}

/** Stops what the stack started: the functions server and its Postgres cluster. */
export async function stopStack(): Promise<void> {
  const state = await readState();
  await stopServer(state);
  await stopPostgres();
  if (existsSync(STATE_FILE)) await writeState(state);
}

/** Wipes the local database and starts again from the migrations and seed. */
export async function resetStack(): Promise<StackInfo> {
  await stopStack();
  if (existsSync(PG_DIR)) {
    step("wiping .local/pg");
    await Deno.remove(PG_DIR, { recursive: true });
  }
  return await startStack();
}

/** Prints what runs. */
export async function stackStatus(): Promise<boolean> {
  const state = await readState();
  const pg = await postgresRunning();
  const server = state.serverPid !== undefined && isAlive(state.serverPid) && await serverHealthy();
  console.log(
    `postgres:  ${pg ? `running  ${DB_URL}` : clusterExists() ? "stopped" : "not created"}`,
  );
  console.log(`functions: ${server ? `running  ${FUNCTIONS_URL}/functions/v1/<name>` : "stopped"}`);
  if (pg) {
    console.log(`pg_net:    ${state.pgNetStandIn ? "local stand-in" : "extension"}`);
    const health = await psql(
      "select coalesce(string_agg(format('%s: %s queued, %s running, %s dead, %s done', stage, queued, running, dead, done), E'\\n'), 'no jobs yet') from public.pipeline_health",
    ).catch(() => "(schema not applied)");
    console.log(`pipeline:\n${health.trim().split("\n").map((l) => `  ${l}`).join("\n")}`);
  }
  return pg && server;
}
