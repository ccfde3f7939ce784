import type { Timers } from "../../src/listeners/home.ts";

/**
 * Timers driven by hand: `advance(ms)` moves time and runs what fell due, in order. For code that
 * waits (coalescing, debouncing) in tests that never sleep.
 */
export class ManualTimers implements Timers {
  private t: number;
  private readonly tasks: Array<{ at: number; run: () => void; cancelled: boolean }> = [];

  constructor(start = 1_800_000_000_000) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(run: () => void, ms: number) {
    const task = { at: this.t + ms, run, cancelled: false };
    this.tasks.push(task);
    return {
      cancel: () => {
        task.cancelled = true;
      },
    };
  }

  /** Tasks waiting to run. */
  get pending(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }

  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.tasks
        .filter((task) => !task.cancelled && task.at <= this.t)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.tasks.splice(this.tasks.indexOf(due), 1);
      due.run();
    }
  }
}
