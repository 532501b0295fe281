#!/usr/bin/env node
// Entry point of every npm script: installs the pinned npm packages (deno, supabase CLI and
// the libraries) when they are missing, then runs scripts/<name>.ts with Deno.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [name, ...rest] = process.argv.slice(2);
const args = rest[0] === "--" ? rest.slice(1) : rest;
const deno = join(root, "node_modules", ".bin", "deno");
const supabase = join(root, "node_modules", ".bin", "supabase");

// Every pinned dependency must be installed (a checkout that gained a package needs npm ci).
const dependencies = Object.keys(
  JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies ?? {},
);
const missing = dependencies.some((name) => !existsSync(join(root, "node_modules", name)));
if (!existsSync(deno) || !existsSync(supabase) || missing) {
  console.log("» installing npm packages (npm ci)…");
  const install = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
  });
  if (install.status !== 0) process.exit(install.status ?? 1);
}

const child = spawn(deno, [
  "run",
  "-A",
  "--no-prompt",
  join(root, "scripts", `${name}.ts`),
  ...args,
], {
  cwd: root,
  stdio: "inherit",
  env: {
    ...process.env,
    DENO_NO_UPDATE_CHECK: "1",
    PATH: `${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
  },
});
// Signals sent to this process (kill -INT/-TERM) reach the script, which stops cleanly.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
