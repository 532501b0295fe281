export { createSqlIntakeStore } from "../_shared/intake_store.ts";
