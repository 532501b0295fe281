import { loadEnv } from "../_shared/env.ts";
import { serveSlackInteractions } from "./mod.ts";

Deno.serve(serveSlackInteractions(loadEnv()));
