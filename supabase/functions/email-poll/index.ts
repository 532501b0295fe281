import { loadEnv } from "../_shared/env.ts";
import { serveEmailPoll } from "./mod.ts";

Deno.serve(serveEmailPoll(loadEnv()));
