import { z } from "zod";
import type { Collection, Store } from "./store.ts";

/** How long a delivery id is remembered; Slack retries within minutes. */
const REMEMBER_MS = 60 * 60 * 1000;
/** Ids the in-memory front holds at most (oldest forgotten first): ~1 MB. */
const MEMORY_SIZE = 10_000;

export interface DeliveriesOptions {
  now?: () => number;
  /** Told when the store could not record a delivery (the in-memory front still stops repeats). */
  onStoreError?: (id: string, error: unknown) => void;
  memorySize?: number;
}

/**
 * Remembers which deliveries were already handled, so a retried one is handled once.
 *
 * Two layers: a bounded in-memory set in front (a burst of retries never reaches the store, and a
 * repeat is recognised even while the store is failing), and the store behind it (so a retry that
 * reaches this process after a restart, or another process sharing the store, is still recognised).
 * Trade-off when the store cannot record a delivery: the event is handled (the user gets an
 * answer) and this process will not handle it again, but a retry that lands on another process, or
 * after a restart, would be handled again. Answering once here beats never answering.
 *
 * @example
 * if (await deliveries.firstTime("Ev123")) handle();
 */
export class Deliveries {
  private readonly seen: Collection<number>;
  /** id → when it stops being remembered; a Map keeps insertion order, so the first is the oldest. */
  private readonly recent = new Map<string, number>();
  private readonly now: () => number;
  private readonly onStoreError: (id: string, error: unknown) => void;
  private readonly memorySize: number;

  constructor(store: Store, options: DeliveriesOptions = {}) {
    this.seen = store.collection("deliveries", z.number());
    this.now = options.now ?? Date.now;
    this.onStoreError = options.onStoreError ?? (() => {});
    this.memorySize = options.memorySize ?? MEMORY_SIZE;
  }

  /** True the first time an id is seen within an hour; false for every repeat. */
  async firstTime(id: string): Promise<boolean> {
    const now = this.now();
    const until = this.recent.get(id);
    if (until !== undefined && until > now) return false;
    // Remembered before the store is asked, so a retry arriving meanwhile stops here.
    this.remember(id, now);
    try {
      return await this.seen.claim(id, now, REMEMBER_MS);
    } catch (error) {
      this.onStoreError(id, error);
      return true;
    }
  }

  private remember(id: string, now: number): void {
    this.recent.delete(id);
    this.recent.set(id, now + REMEMBER_MS);
    // Forget from the oldest end: past the size bound, or expired.
    for (const [oldest, expires] of this.recent) {
      if (this.recent.size <= this.memorySize && expires > now) break;
      this.recent.delete(oldest);
    }
  }
}
