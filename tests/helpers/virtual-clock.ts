import type { Clock } from "../../src/services/nudges/sender.ts";

/**
 * A fake clock: `sleep` moves time forward instead of waiting, so code that waits out rate
 * limits runs instantly and deterministically in tests.
 */
export class VirtualClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private t: number) {}

  now(): number {
    return this.t;
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
    await Promise.resolve();
  }

  set(date: Date | string): void {
    this.t = new Date(date).getTime();
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
