// Headless Chromium for the browser tests, driven over the DevTools protocol (a WebSocket;
// no test tool downloads a browser of its own). ensureChromium() installs Debian's chromium
// when it is missing, as the stack installs its Postgres packages.
import { existsSync } from "node:fs";
import { isRoot, mustRun, step } from "./shell.ts";

/** Debian's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** Installs the chromium package when missing (as root), or says how to. */
export async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  if (!isRoot() || !existsSync("/usr/bin/apt-get")) {
    throw new Error(
      `Cannot run the browser tests: ${CHROMIUM} is missing. Install it with:\n  sudo apt-get install -y chromium`,
    );
  }
  step("installing chromium (apt-get)…");
  const env = { DEBIAN_FRONTEND: "noninteractive", PATH: Deno.env.get("PATH") ?? "" };
  await mustRun("apt-get", ["update", "-qq"], { env });
  await mustRun("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], {
    env,
  });
}

/** A problem the page reported: a console error, an uncaught exception or a failed load. */
export interface PageProblem {
  source: string;
  text: string;
}

/** One open tab. */
export interface BrowserPage {
  /** Navigates and waits for the load event. */
  goto(url: string): Promise<void>;
  /** Evaluates an expression in the page and returns its (JSON) value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls an expression until it is truthy (or throws after timeoutMs). */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
  /** A PNG of the whole viewport. */
  screenshot(): Promise<Uint8Array>;
  /** Everything the page reported as an error so far. */
  problems: PageProblem[];
}

/** A running headless Chromium. */
export interface Browser {
  newPage(viewport?: { width: number; height: number }): Promise<BrowserPage>;
  close(): Promise<void>;
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  sessionId?: string;
  result?: unknown;
  error?: { message: string };
};

/** Starts Chromium headless with a fresh profile and connects to it. */
export async function launchChromium(): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "ists-chromium-" });
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("Chromium did not start in 20 s")), 20_000);
    (async () => {
      let seen = "";
      const decoder = new TextDecoder();
      for await (const chunk of child.stderr) {
        seen += decoder.decode(chunk, { stream: true });
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
          break;
        }
      }
      if (!/DevTools listening/.test(seen)) {
        reject(new Error(`Chromium exited:\n${seen.slice(-2000)}`));
      }
    })().catch(reject);
  });
  const socket = new WebSocket(endpoint);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`Cannot connect to ${endpoint}`));
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(m: Message) => void>();
  socket.onmessage = (event) => {
    const message: Message = JSON.parse(String(event.data));
    if (message.id !== undefined && pending.has(message.id)) {
      const p = pending.get(message.id)!;
      pending.delete(message.id);
      if (message.error) p.reject(new Error(message.error.message));
      else p.resolve(message.result);
    } else for (const listen of listeners) listen(message);
  };
  const send = <T>(method: string, params: Record<string, unknown> = {}, sessionId?: string) =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  return {
    async newPage(viewport = { width: 1280, height: 1400 }) {
      const { targetId } = await send<{ targetId: string }>("Target.createTarget", {
        url: "about:blank",
      });
      const { sessionId } = await send<{ sessionId: string }>("Target.attachToTarget", {
        targetId,
        flatten: true,
      });
      const problems: PageProblem[] = [];
      let loaded: (() => void) | null = null;
      listeners.add((m) => {
        if (m.sessionId !== sessionId) return;
        const p = m.params ?? {};
        if (m.method === "Runtime.consoleAPICalled" && p.type === "error") {
          const args = (p.args as { value?: unknown; description?: string }[]) ?? [];
          problems.push({
            source: "console",
            text: args.map((a) => String(a.value ?? a.description)).join(" "),
          });
        } else if (m.method === "Runtime.exceptionThrown") {
          const details = p.exceptionDetails as {
            text: string;
            exception?: { description?: string };
          };
          problems.push({
            source: "exception",
            text: details.exception?.description ?? details.text,
          });
        } else if (m.method === "Log.entryAdded") {
          const entry = p.entry as { level: string; text: string; url?: string };
          if (entry.level === "error") {
            problems.push({ source: "log", text: `${entry.text} ${entry.url ?? ""}`.trim() });
          }
        } else if (m.method === "Page.loadEventFired" && loaded) {
          loaded();
        }
      });
      for (const domain of ["Runtime", "Log", "Page"]) {
        await send(`${domain}.enable`, {}, sessionId);
      }
      await send("Emulation.setDeviceMetricsOverride", {
        ...viewport,
        deviceScaleFactor: 1,
        mobile: false,
      }, sessionId);
      const evaluate = async <T>(expression: string): Promise<T> => {
        const r = await send<{ result: { value?: T }; exceptionDetails?: { text: string } }>(
          "Runtime.evaluate",
          { expression, returnByValue: true, awaitPromise: true },
          sessionId,
        );
        if (r.exceptionDetails) throw new Error(`evaluate failed: ${r.exceptionDetails.text}`);
        return r.result.value as T;
      };
      return {
        problems,
        async goto(url) {
          const done = new Promise<void>((resolve) => (loaded = resolve));
          await send("Page.navigate", { url }, sessionId);
          await done;
        },
        evaluate,
        async waitFor(expression, timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs;
          while (!(await evaluate<boolean>(`Boolean(${expression})`))) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        },
        async screenshot() {
          const { data } = await send<{ data: string }>(
            "Page.captureScreenshot",
            { format: "png" },
            sessionId,
          );
          return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
        },
      };
    },
    async close() {
      await send("Browser.close").catch(() => {});
      socket.close();
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await child.status;
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
