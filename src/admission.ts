/**
 * Back-pressure for the HTTP endpoint. Bolt acknowledges a Slack event before its listener runs,
 * so without a bound a flood of events is acknowledged faster than it is answered: the replies
 * fall seconds behind and memory grows with the backlog. With a bound, a request that arrives
 * while `limit` are being worked on waits (unread, in its connection) until one ends. Its ack is
 * later by that wait, and a sender with a fixed number of connections slows to the rate the app
 * answers at. A request never waits longer than `maxWaitMs`, so Slack still gets its ack within
 * 3 s when what is under way is slow for another reason (e.g. Slack rate-limiting the replies).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { realTimers, type Timers } from "./listeners/home.ts";

/** Requests worked on at once before new ones wait; ~50 ms of work at ~1 ms each. */
export const MAX_IN_FLIGHT = 48;
/** How long a request waits for its turn at most, then starts anyway (Slack waits 3 s for an ack). */
export const MAX_WAIT_MS = 1000;

interface Waiting {
  start(): void;
  timer: { cancel(): void };
}

/**
 * Counts what is under way: requests whose response is not finished, and the work that goes on
 * after an ack (an event's answer). A request waiting for its turn is counted by neither.
 *
 * @example
 * const admission = new Admission(48);
 * server.on("request", admission.admitting(listener));
 * app.use(({ next }) => admission.working(next)); // work after the ack counts too
 */
export class Admission {
  private responding = 0;
  private afterAck = 0;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly limit: number = MAX_IN_FLIGHT,
    private readonly timers: Timers = realTimers,
    private readonly maxWaitMs: number = MAX_WAIT_MS,
  ) {}

  /** Requests waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Requests and work under way. */
  get busy(): number {
    return this.responding + this.afterAck;
  }

  /**
   * Wraps an HTTP listener: a POST (a Slack request) runs now if fewer than `limit` are under
   * way, otherwise once its turn comes (or it has waited `maxWaitMs`); anything else
   * (`GET /healthz`, the install pages) at once.
   */
  admitting(listener: RequestListener): RequestListener {
    return (req: IncomingMessage, res: ServerResponse) => {
      if (req.method !== "POST") {
        listener(req, res);
        return;
      }
      const start = () => {
        this.responding++;
        res.once("close", () => {
          this.responding--;
          this.next();
        });
        listener(req, res);
      };
      // Waiting requests go first, so none waits for ever behind newcomers.
      if (this.waiting.length === 0 && this.busy < this.limit) {
        start();
        return;
      }
      const waiting: Waiting = {
        start,
        timer: this.timers.setTimeout(() => {
          if (this.forget(waiting)) start();
        }, this.maxWaitMs),
      };
      this.waiting.push(waiting);
      // A request whose sender gave up stops waiting.
      req.once("close", () => {
        if (this.forget(waiting)) waiting.timer.cancel();
      });
    };
  }

  /** Counts `work` (what continues after a request's ack) as under way until it settles. */
  async working<T>(work: () => Promise<T>): Promise<T> {
    this.afterAck++;
    try {
      return await work();
    } finally {
      this.afterAck--;
      this.next();
    }
  }

  /** Takes a request out of the queue; false if it had left it already. */
  private forget(waiting: Waiting): boolean {
    const at = this.waiting.indexOf(waiting);
    if (at < 0) return false;
    this.waiting.splice(at, 1);
    return true;
  }

  private next(): void {
    while (this.waiting.length > 0 && this.busy < this.limit) {
      const waiting = this.waiting.shift() as Waiting;
      waiting.timer.cancel();
      waiting.start();
    }
  }
}
