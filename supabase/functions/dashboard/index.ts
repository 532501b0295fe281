import { loadEnv } from "../_shared/env.ts";
import { serveDashboard } from "./mod.ts";

Deno.serve(serveDashboard(loadEnv()));
