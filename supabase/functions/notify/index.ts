import { loadEnv } from "../_shared/env.ts";
import { serveNotify } from "./mod.ts";

Deno.serve(serveNotify(loadEnv()));
