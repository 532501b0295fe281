import { loadEnv } from "../_shared/env.ts";
import { serveSlackEvents } from "./mod.ts";

Deno.serve(serveSlackEvents(loadEnv()));
