// npm run stack -- start|stop|reset|status: the Docker-free local Supabase stack.
import { resetStack, stackStatus, startStack, stopStack } from "./lib/stack/stack.ts";

const command = Deno.args[0] ?? "status";
try {
  switch (command) {
    case "start":
    case "reset": {
      const info = command === "start" ? await startStack() : await resetStack();
      console.log(`database:  ${info.dbUrl}`);
      console.log(`functions: ${info.functionsUrl}/functions/v1/<name>`);
      break;
    }
    case "stop":
      await stopStack();
      break;
    case "status":
      Deno.exit((await stackStatus()) ? 0 : 3);
      break;
    default:
      console.error(`Unknown command "${command}": use start, stop, reset or status`);
      Deno.exit(2);
  }
} catch (error) {
  console.error(`✗ ${(error as Error).message}`);
  Deno.exit(1);
}
