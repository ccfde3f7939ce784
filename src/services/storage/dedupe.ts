import { z } from "zod";
import type { Collection, Store } from "./store.ts";

/** How long a delivery id is remembered; Slack retries within minutes. */
const REMEMBER_MS = 60 * 60 * 1000;

/**
 * Remembers which deliveries were already handled, so a retried one is handled once.
 *
 * @example
 * if (await deliveries.firstTime("Ev123")) handle();
 */
export class Deliveries {
  private readonly seen: Collection<number>;

  constructor(
    store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.seen = store.collection("deliveries", z.number());
  }

  /** True the first time an id is seen within an hour; false for every repeat. */
  firstTime(id: string): Promise<boolean> {
    return this.seen.claim(id, this.now(), REMEMBER_MS);
  }
}
