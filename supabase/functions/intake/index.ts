import { loadEnv } from "../_shared/env.ts";
import { serveIntake } from "./mod.ts";

Deno.serve(serveIntake(loadEnv()));
