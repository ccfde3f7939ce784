import { execFileSync } from "node:child_process";
import { defineConfig } from "vitest/config";
import type { Reporter, TestModule } from "vitest/node";

/** Ends the run with a plain "N passed, N failed, N skipped" line that any CI can read. */
class SummaryLine implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
    }
    process.stdout.write(
      `\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}

/**
 * The integration suites that run a second time with the app over Redis (`TEST_STORE=redis`):
 * every suite that runs the app through the harness, except the one-minute real-time cron test
 * (its store path is the nudges suite's). The Redis-only suites (replicas, outage, two apps on
 * one Redis) and the process tests (their own SQLite files) run once.
 */
const OVER_REDIS = [
  "tests/integration/app.test.ts",
  "tests/integration/nudges.test.ts",
  "tests/integration/socket-mode.test.ts",
  "tests/integration/oauth.test.ts",
  "tests/integration/workspaces.test.ts",
  "tests/integration/did-you-mean.test.ts",
  "tests/integration/exactly-once.test.ts",
  "tests/integration/listings.test.ts",
  "tests/integration/listings-playground.test.ts",
  "tests/integration/slack-faults.test.ts",
  "tests/integration/socket-mode-oauth.test.ts",
  "tests/integration/store-faults.test.ts",
  "tests/integration/tracker.test.ts",
];

const hasRedis = (() => {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
// In CI a missing redis-server fails the run (the project's global set-up cannot start it).
const overRedis = hasRedis || Boolean(process.env.CI);
if (!overRedis) {
  console.warn(
    "skipping the integration suites over Redis: redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)",
  );
}

export default defineConfig({
  test: {
    reporters: ["default", new SummaryLine()],
    testTimeout: 15_000,
    projects: [
      {
        extends: true,
        test: {
          name: "app",
          include: ["tests/**/*.test.ts"],
          // `TEST_STORE=redis npx vitest run --project app tests/integration`: every harness over Redis.
          ...(process.env.TEST_STORE === "redis"
            ? { globalSetup: ["tests/helpers/redis-global.ts"] }
            : {}),
        },
      },
      ...(overRedis
        ? [
            {
              extends: true as const,
              test: {
                name: "over-redis",
                include: OVER_REDIS,
                env: { TEST_STORE: "redis" },
                globalSetup: ["tests/helpers/redis-global.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
