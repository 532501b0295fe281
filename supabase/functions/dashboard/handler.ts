import { HttpError, json, requireMethod, safeEqual, withErrors } from "../_shared/http.ts";
import type { Log } from "../_shared/log.ts";
import { dashboardPage } from "./page.ts";
import type { DashboardStore } from "./store.ts";

/** The chart library the page loads: Chart.js from npm, pinned in package.json. */
export const CHART_JS = {
  version: "4.6.1",
  file: "chart.umd.min.js",
  /** Subresource integrity of node_modules/chart.js/dist/chart.umd.min.js (checked by a test). */
  integrity: "sha384-Emf5ZVIUiarAdhkgtqK+5/Z5qIvM6QoVrS+qAVtfyZVuD5lIHrac0me485+Antp0",
};
/** The same file from a public npm CDN, for a deployment that cannot read it from disk. */
export const CHART_JS_CDN =
  `https://cdn.jsdelivr.net/npm/chart.js@${CHART_JS.version}/dist/${CHART_JS.file}`;

/** Where the library is read from: the function folder (deployed with static_files), the repo. */
const CHART_JS_PATHS = [
  new URL(`./assets/${CHART_JS.file}`, import.meta.url),
  new URL(`../../../node_modules/chart.js/dist/${CHART_JS.file}`, import.meta.url),
];

/** Reads the chart library's code, or null where no copy is on disk. */
export async function readChartLibrary(): Promise<Uint8Array | null> {
  for (const path of CHART_JS_PATHS) {
    try {
      return await Deno.readFile(path);
    } catch { /* try the next place */ }
  }
  return null;
}

/** Dependencies of the dashboard handler. */
export interface DashboardDeps {
  store: DashboardStore;
  /** Bearer tokens that may read the data (ISTS_DASHBOARD_TOKENS); none: the API answers 503. */
  tokens: string[];
  /** Browser origins allowed to call the API (a statically hosted page), or ["*"]. */
  origins: string[];
  chartLibrary: () => Promise<Uint8Array | null>;
  log: Log;
}

const SECURITY_HEADERS = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new HttpError(422, "Cannot read the query", [{
      field: name,
      problem: `must be a whole number from ${min} to ${max}`,
    }]);
  }
  return Number(raw);
}

/** Builds the handler: GET the page, its chart library, and the token-protected JSON API. */
export function createDashboardHandler(deps: DashboardDeps): (req: Request) => Promise<Response> {
  let library: Promise<Uint8Array | null> | null = null;
  const inner = withErrors(async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const path = url.pathname.replace(/^.*?\/dashboard(?=\/|$)/, "").replace(/\/+$/, "");
    requireMethod(req, ["GET", "HEAD"]);
    if (path === "") {
      // The page holds no data: it asks for the token and reads the API with it.
      const base = `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
      return new Response(dashboardPage({ apiBase: base, chart: CHART_JS }), {
        headers: {
          ...SECURITY_HEADERS,
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "content-security-policy":
            "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; " +
            "style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'",
        },
      });
    }
    if (path === `/assets/${CHART_JS.file}`) {
      library ??= deps.chartLibrary();
      const code = await library;
      if (!code) return Response.redirect(CHART_JS_CDN, 302);
      return new Response(code as BodyInit, {
        headers: {
          ...SECURITY_HEADERS,
          "content-type": "text/javascript; charset=utf-8",
          "cache-control": "public, max-age=86400",
          // Public code: a page hosted elsewhere may load it with integrity checking.
          "access-control-allow-origin": "*",
        },
      });
    }
    if (path === "/api/summary" || path === "/api/at-risk") {
      authorize(req, deps.tokens);
      const data = path === "/api/summary"
        ? await deps.store.summary(intParam(url, "days", 14, 1, 92))
        : await deps.store.atRisk(intParam(url, "limit", 20, 1, 100));
      return json(data, { headers: { ...SECURITY_HEADERS, "cache-control": "no-store" } });
    }
    throw new HttpError(
      404,
      `Cannot find ${url.pathname}: use the page, /api/summary or /api/at-risk`,
    );
  }, deps.log);

  return async (req: Request): Promise<Response> => {
    const origin = req.headers.get("origin");
    const allowed = origin !== null &&
      (deps.origins.includes("*") || deps.origins.includes(origin));
    if (req.method === "OPTIONS") {
      return new Response(null, {
        status: allowed ? 204 : 403,
        headers: allowed ? corsHeaders(origin!, true) : {},
      });
    }
    const res = await inner(req);
    if (!allowed) return res;
    const headers = new Headers(res.headers);
    for (const [k, v] of Object.entries(corsHeaders(origin!, false))) headers.set(k, v);
    return new Response(res.body, { status: res.status, headers });
  };
}

function corsHeaders(origin: string, preflight: boolean): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    vary: "Origin",
    ...(preflight
      ? {
        "access-control-allow-methods": "GET, OPTIONS",
        "access-control-allow-headers": "authorization",
        "access-control-max-age": "600",
      }
      : {}),
  };
}

function authorize(req: Request, tokens: string[]): void {
  if (tokens.length === 0) {
    throw new HttpError(503, "Cannot serve the dashboard data: set ISTS_DASHBOARD_TOKENS");
  }
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!match) throw new HttpError(401, "Cannot authorize: send the dashboard token as a bearer");
  if (!tokens.some((token) => safeEqual(token, match[1]))) {
    throw new HttpError(401, "Cannot authorize: invalid dashboard token");
  }
}
