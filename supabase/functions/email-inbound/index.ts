import { loadEnv } from "../_shared/env.ts";
import { serveEmailInbound } from "./mod.ts";

Deno.serve(serveEmailInbound(loadEnv()));
