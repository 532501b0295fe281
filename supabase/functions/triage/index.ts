import { loadEnv } from "../_shared/env.ts";
import { serveTriage } from "./mod.ts";

Deno.serve(serveTriage(loadEnv()));
