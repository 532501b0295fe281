// The local stand-in for Supabase's edge runtime: serves every function folder's handler at
// http://127.0.0.1:54321/functions/v1/<name>, and (where pg_net is missing) delivers the
// requests queued by the pg_net stand-in after their transaction commits.
import postgres from "postgres";
import { join } from "node:path";
import { loadEnv } from "../../supabase/functions/_shared/env.ts";
import { FUNCTIONS_PORT, ROOT } from "./paths.ts";

type Handler = (req: Request) => Promise<Response>;

/** Imports each supabase/functions/<name>/mod.ts and builds its handler. */
export async function loadFunctions(
  env: ReturnType<typeof loadEnv>,
): Promise<Map<string, Handler>> {
  const handlers = new Map<string, Handler>();
  const dir = join(ROOT, "supabase", "functions");
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isDirectory || entry.name.startsWith("_") || entry.name.startsWith(".")) continue;
    const modPath = join(dir, entry.name, "mod.ts");
    try {
      await Deno.stat(modPath);
    } catch {
      continue;
    }
    const mod = await import(`file://${modPath}`);
    const build = Object.entries(mod).find(([name, value]) =>
      name.startsWith("serve") && typeof value === "function"
    )?.[1] as ((env: unknown) => Handler) | undefined;
    if (!build) throw new Error(`${modPath} exports no serve*() function`);
    handlers.set(entry.name, build(env));
  }
  return handlers;
}

/** Delivers pg_net stand-in requests after commit; returns a stop function. */
export function startPgNetWorker(dbUrl: string, log: (msg: string) => void): () => Promise<void> {
  const sql = postgres(dbUrl, {
    max: 4,
    onnotice: () => {},
    connection: { application_name: "ists-pg-net" },
  });
  let stopped = false;
  let draining = false;
  let again = false;
  const inflight = new Set<Promise<void>>();
  const responses: Record<string, unknown>[] = [];

  async function deliver(row: {
    id: string;
    method: string;
    url: string;
    headers: Record<string, string>;
    body: Uint8Array | null;
    timeout_milliseconds: number;
  }) {
    let status: number | null = null;
    let contentType: string | null = null;
    let headers: Record<string, string> = {};
    let content: string | null = null;
    let timedOut = false;
    let error: string | null = null;
    try {
      const res = await fetch(row.url, {
        method: row.method,
        headers: row.headers,
        body: row.method === "GET" || !row.body ? undefined : new Uint8Array(row.body),
        signal: AbortSignal.timeout(row.timeout_milliseconds),
      });
      status = res.status;
      contentType = res.headers.get("content-type");
      headers = Object.fromEntries(res.headers.entries());
      content = await res.text();
    } catch (e) {
      timedOut = (e as Error).name === "TimeoutError";
      error = String((e as Error).message ?? e);
    }
    responses.push({
      id: row.id,
      status_code: status,
      content_type: contentType,
      headers: JSON.stringify(headers),
      content,
      timed_out: timedOut,
      error_msg: error,
    });
    if (responses.length >= 200) void flushResponses();
  }

  // Responses are stored in batches: one insert per 200 responses or 100 ms.
  async function flushResponses() {
    if (responses.length === 0) return;
    const batch = responses.splice(0, responses.length);
    await sql`insert into net._http_response ${
      sql(
        batch as never,
        "id",
        "status_code",
        "content_type",
        "headers",
        "content",
        "timed_out",
        "error_msg",
      )
    }`.catch((e) => log(`pg_net responses not stored: ${e}`));
  }

  async function drain() {
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    try {
      do {
        again = false;
        const rows = await sql<Parameters<typeof deliver>[0][]>`
          delete from net.http_request_queue
          where id in (select id from net.http_request_queue order by id limit 200 for update skip locked)
          returning id, method, url, headers, body, timeout_milliseconds`;
        for (const row of rows) {
          const p = deliver(row).finally(() => inflight.delete(p));
          inflight.add(p);
        }
        if (rows.length === 200) again = true;
      } while (again && !stopped);
    } catch (e) {
      if (!stopped) log(`pg_net drain failed: ${e}`);
    } finally {
      draining = false;
    }
  }

  const listening = sql.listen("ists_pg_net", () => void drain(), () => void drain());
  const poll = setInterval(() => void drain(), 1000);
  const flush = setInterval(() => void flushResponses(), 100);
  const prune = setInterval(() => {
    sql`delete from net._http_response where created < now() - interval '6 hours'`.catch(() => {});
  }, 60_000);

  return async () => {
    stopped = true;
    clearInterval(poll);
    clearInterval(flush);
    clearInterval(prune);
    await listening.then((l) => l.unlisten()).catch(() => {});
    await Promise.allSettled([...inflight]);
    await flushResponses();
    await sql.end({ timeout: 2 });
  };
}

if (import.meta.main) {
  const env = loadEnv();
  // A dropped database connection can surface as an uncaught error inside the driver; the
  // server must survive it (the pool reconnects) rather than take every function down.
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        msg: "unhandled rejection",
        error: String(event.reason),
      }),
    );
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        msg: "uncaught error",
        error: String(event.error ?? event.message),
      }),
    );
  });
  const handlers = await loadFunctions(env);
  const log = (msg: string) => console.log(JSON.stringify({ time: new Date().toISOString(), msg }));
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: Number(Deno.env.get("ISTS_FUNCTIONS_PORT") ?? FUNCTIONS_PORT),
    onListen: () => log(`functions served: ${[...handlers.keys()].sort().join(", ")}`),
  }, (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/health") {
      return Response.json({ ok: true, functions: [...handlers.keys()].sort() });
    }
    const match = /^\/functions\/v1\/([a-z0-9-]+)(\/.*)?$/.exec(url.pathname);
    const handler = match ? handlers.get(match[1]) : undefined;
    if (!handler) {
      return Response.json({ error: `No function at ${url.pathname}` }, { status: 404 });
    }
    return handler(req);
  });
  const stopWorker = Deno.env.get("ISTS_PG_NET_STANDIN") === "1"
    ? startPgNetWorker(env.SUPABASE_DB_URL, log)
    : async () => {};
  const shutdown = async () => {
    await stopWorker();
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", shutdown);
  Deno.addSignalListener("SIGINT", shutdown);
}
