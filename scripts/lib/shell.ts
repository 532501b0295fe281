/** Result of a finished command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and captures its output (never throws on a non-zero exit). */
export async function run(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** Runs a command and throws with its output when it fails. */
export async function mustRun(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<string> {
  const result = await run(cmd, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${result.code}):\n${result.stderr || result.stdout}`,
    );
  }
  return result.stdout;
}

/** True when running as root. */
export function isRoot(): boolean {
  return Deno.uid() === 0;
}

/** Runs a command as the postgres user when we are root, else as ourselves. */
export function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
}

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** Prints a progress line. */
export function step(message: string): void {
  console.log(`» ${message}`);
}

/** True when something accepts TCP connections on the loopback port. */
export async function portTaken(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}
