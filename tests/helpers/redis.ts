import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { createClient } from "redis";
import { inject } from "vitest";
import { freePort } from "../../src/dev/processes.ts";

/** Why Redis tests cannot run here, or undefined when `redis-server` is installed. */
export const redisMissing: string | undefined = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)";
  }
})();

/**
 * True when the Redis tests should be skipped: redis-server is missing on a developer's machine.
 * In CI (`CI` set) they never skip: a missing redis-server fails them instead, naming the package.
 *
 * @example
 * describe.skipIf(skipRedis())("the Redis store", () => { … });
 */
export function skipRedis(): boolean {
  if (!redisMissing) return false;
  if (process.env.CI) return false;
  console.warn(`skipping the Redis tests: ${redisMissing}`);
  return true;
}

export interface RedisServer {
  port: number;
  url: string;
  /** Stops the server (SIGTERM, no save); `start()` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function listening(port: number, within = 5000): Promise<void> {
  const deadline = Date.now() + within;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A real `redis-server` on a free port of 127.0.0.1 with persistence off, for one test file.
 *
 * @example
 * const redis = await startRedis();
 * const store = await openStore(redis.url);
 * await redis.stop();
 */
export async function startRedis(): Promise<RedisServer> {
  if (redisMissing) throw new Error(`cannot run the Redis tests: ${redisMissing}`);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      const spawned = spawn(
        "redis-server",
        [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--protected-mode",
          "no",
          "--loglevel",
          "warning",
          // One empty database per integration harness (see testStoreUrl).
          "--databases",
          "10000",
        ],
        { stdio: "ignore" },
      );
      child = spawned;
      const exited = new Promise<never>((_, reject) =>
        spawned.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`))),
      );
      exited.catch(() => {});
      await Promise.race([listening(port), exited]);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const gone = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await gone;
    },
  };
  await server.start();
  return server;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by tests/helpers/redis-global.ts in the `redis` test project. */
    testRedisUrl: string;
  }
}

/**
 * The store URL for an integration harness: `memory://`, or with `TEST_STORE=redis` (the `redis`
 * project of vitest.config.ts) a fresh database of the `redis-server` started for the whole run.
 *
 * @example
 * const store = await openStore(await testStoreUrl());
 */
export async function testStoreUrl(): Promise<string> {
  if (process.env.TEST_STORE !== "redis") return "memory://";
  const base = inject("testRedisUrl");
  const client = await createClient({ url: base }).connect();
  try {
    // Database 0 holds the counter; each harness gets a database of its own, across workers.
    const db = await client.incr("internprep-test:next-db");
    return `${base}/${db}`;
  } finally {
    client.destroy();
  }
}
