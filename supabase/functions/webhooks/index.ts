import { loadEnv } from "../_shared/env.ts";
import { serveWebhooks } from "./mod.ts";

Deno.serve(serveWebhooks(loadEnv()));
