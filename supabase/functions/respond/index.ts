import { loadEnv } from "../_shared/env.ts";
import { serveRespond } from "./mod.ts";

Deno.serve(serveRespond(loadEnv()));
