import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";

/** The repository's root folder. */
export const ROOT = path.resolve(import.meta.dirname, "../..");

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface Spawned {
  child: ChildProcess;
  /** Every line it printed so far, stdout and stderr together. */
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Runs `node` with these arguments, the given environment and working directory (and user, with
 * `as`), collecting every line it prints.
 *
 * @example
 * const app = runNode([path.join(ROOT, "dist/app.js")], { PORT: "3000" }, "/tmp/x");
 */
export function runNode(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string = ROOT,
  onLine: (line: string) => void = () => {},
  as: { uid?: number; gid?: number } = {},
): Spawned {
  const child = spawn(process.execPath, args, {
    cwd,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    ...as,
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      output.push(line);
      onLine(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output, exited };
}

/**
 * Runs a TypeScript entry point of this repository (e.g. `src/app.ts`) the way the npm scripts do,
 * through tsx, with the given environment and working directory (and user, with `as`).
 *
 * @example
 * const app = runEntry("src/app.ts", { SLACK_BOT_TOKEN: "xoxb-…" }, "/tmp/x", (line) => console.log(line));
 */
export function runEntry(
  entry: string,
  env: NodeJS.ProcessEnv,
  cwd: string = ROOT,
  onLine: (line: string) => void = () => {},
  as: { uid?: number; gid?: number } = {},
): Spawned {
  return runNode(
    ["--import", import.meta.resolve("tsx"), path.join(ROOT, entry)],
    env,
    cwd,
    onLine,
    as,
  );
}

/** Resolves with the first match of `pattern` in what the process prints; rejects if it exits first. */
export function waitForLine(spawned: Spawned, pattern: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const check = (line: string) => {
      const m = line.match(pattern);
      if (m) resolve(m);
    };
    for (const line of spawned.output) check(line);
    for (const stream of [spawned.child.stdout, spawned.child.stderr]) {
      if (stream) createInterface({ input: stream }).on("line", check);
    }
    void spawned.exited.then((code) =>
      reject(new Error(`exited ${code} before printing ${pattern}:\n${spawned.output.join("\n")}`)),
    );
  });
}
