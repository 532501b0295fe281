import { loadEnv } from "../_shared/env.ts";
import { serveSend } from "./mod.ts";

Deno.serve(serveSend(loadEnv()));
