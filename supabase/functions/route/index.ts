import { loadEnv } from "../_shared/env.ts";
import { serveRoute } from "./mod.ts";

Deno.serve(serveRoute(loadEnv()));
