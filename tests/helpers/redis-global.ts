import type { TestProject } from "vitest/node";
import { startRedis } from "./redis.ts";

/**
 * Global set-up of the `redis` test project: one `redis-server` for the whole run, stopped at the
 * end; each harness takes a database of its own (tests/helpers/redis.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedis();
  project.provide("testRedisUrl", server.url);
  return () => server.stop();
}
