import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT } from "./paths.ts";

const functionsDir = join(ROOT, "supabase", "functions");
const rootImports = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json"))).imports;
const configToml = await Deno.readTextFile(join(ROOT, "supabase", "config.toml"));
const functions: string[] = [];
for await (const entry of Deno.readDir(functionsDir)) {
  if (entry.isDirectory && !entry.name.startsWith("_") && !entry.name.startsWith(".")) {
    functions.push(entry.name);
  }
}

Deno.test("every function folder has index.ts, mod.ts and a deno.json pinned like the root", async () => {
  assert.ok(functions.length >= 4);
  for (const name of functions) {
    const dir = join(functionsDir, name);
    await Deno.stat(join(dir, "index.ts"));
    await Deno.stat(join(dir, "mod.ts"));
    const own = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
    assert.deepEqual(own.imports, rootImports, `${name}/deno.json imports differ from deno.json`);
  }
});

Deno.test("every function has a [functions.<name>] block with verify_jwt set in config.toml", () => {
  for (const name of functions) {
    const block = new RegExp(`\\[functions\\.${name}\\]\\s*\\nverify_jwt = (true|false)`);
    assert.match(configToml, block, `config.toml lacks [functions.${name}] verify_jwt`);
  }
});

Deno.test("deno.json pins the same versions as package.json", async () => {
  const pkg = JSON.parse(await Deno.readTextFile(join(ROOT, "package.json")));
  for (const [name, spec] of Object.entries(rootImports as Record<string, string>)) {
    const version = spec.replace(`npm:${name}@`, "");
    assert.equal(pkg.dependencies[name], version, `${name}: deno.json ${version}`);
  }
});
