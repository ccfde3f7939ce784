import { describe, expect, it } from "vitest";
import { TickRunner } from "../../../src/services/nudges/cron.ts";
import type { TickReport } from "../../../src/services/nudges/scheduler.ts";

/** A scheduler whose passes end only when the test says so. */
function slowScheduler() {
  const passes: Array<(report: TickReport) => void> = [];
  let stopped = false;
  return {
    passes,
    get stopped() {
      return stopped;
    },
    tick: () =>
      new Promise<TickReport>((resolve) => {
        passes.push(resolve);
      }),
    stop: () => {
      stopped = true;
    },
  };
}

const quietLogger = { info: () => {}, warn: () => {}, error: () => {} };

describe("TickRunner", () => {
  it("does not start a minute's pass beside one still posting, and stop() waits for that pass", async () => {
    const scheduler = slowScheduler();
    const lines: string[] = [];
    const runner = new TickRunner(scheduler, { ...quietLogger, info: (l) => lines.push(l) });
    const first = runner.run();
    const nextMinute = runner.run();
    expect(scheduler.passes).toHaveLength(1);
    expect(nextMinute).toBe(first);

    let stopDone = false;
    const stopping = runner.stop().then(() => {
      stopDone = true;
    });
    expect(scheduler.stopped).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    // The store must stay open until the pass in progress has finished its posts.
    expect(stopDone).toBe(false);
    scheduler.passes[0]?.({ posted: 3, skipped: 0, failed: 0, paused: [], stopped: 7 });
    await stopping;
    expect(stopDone).toBe(true);
    expect(lines).toEqual([
      "nudge tick: posted 3, skipped 0, failed 0, paused 0, left for after a restart 7",
    ]);
    // Stopped: a late cron call starts nothing.
    await runner.run();
    expect(scheduler.passes).toHaveLength(1);
  });

  it("starts the next pass once the previous one has ended, and a failing pass is logged, not thrown", async () => {
    const errors: string[] = [];
    let calls = 0;
    const runner = new TickRunner(
      {
        tick: () => {
          calls++;
          return calls === 1
            ? Promise.reject(new Error("store unreachable"))
            : Promise.resolve({ posted: 0, skipped: 0, failed: 0, paused: [] });
        },
        stop: () => {},
      },
      { ...quietLogger, error: (l) => errors.push(l) },
      () => Promise.reject(new Error("follow-ups broke")),
    );
    await runner.run();
    await runner.run();
    expect(calls).toBe(2);
    expect(errors.sort()).toEqual([
      "every-minute work failed: Error: follow-ups broke",
      "every-minute work failed: Error: follow-ups broke",
      "nudge tick failed: Error: store unreachable",
    ]);
  });
});
