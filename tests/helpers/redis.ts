import { createClient } from "redis";
import { inject } from "vitest";
import { redisMissing } from "../../src/dev/redis-server.ts";

export { type RedisServer, redisMissing, startRedis } from "../../src/dev/redis-server.ts";

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

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by tests/helpers/redis-global.ts in the `over-redis` test project. */
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
