import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { connect } from "node:net";
import { freePort } from "./processes.ts";

/** Why Redis tests cannot run here, or undefined when `redis-server` is installed. */
export const redisMissing: string | undefined = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return undefined;
  } catch {
    return "redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)";
  }
})();

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
 * A real `redis-server` (Debian's package) on a free port of 127.0.0.1 with persistence off, for
 * tests and `npm run bench`.
 *
 * @example
 * const redis = await startRedis();
 * const store = await openStore(redis.url);
 * await redis.stop();
 */
export async function startRedis(): Promise<RedisServer> {
  if (redisMissing) throw new Error(`cannot start Redis: ${redisMissing}`);
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
          // One empty database per integration harness (see testStoreUrl in tests/helpers/redis.ts).
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
