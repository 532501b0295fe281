import { loadEnv } from "../_shared/env.ts";
import { serveTicketView } from "./mod.ts";

Deno.serve(serveTicketView(loadEnv()));
