/**
 * Back-pressure for the HTTP endpoint. Bolt acknowledges a Slack event before its listener runs,
 * so without a bound a flood of events is acknowledged faster than it is answered: the replies
 * fall seconds behind and memory grows with the backlog. With a bound, a request that arrives
 * while `limit` are being worked on waits (unread, in its connection) until one ends. Its ack is
 * later by that wait, well within Slack's 3 s, and a sender with a fixed number of connections
 * slows to the rate the app answers at.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

/** Requests worked on at once before new ones wait; ~50 ms of work at ~1 ms each. */
export const MAX_IN_FLIGHT = 48;

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
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number = MAX_IN_FLIGHT) {}

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
   * way, otherwise once its turn comes; anything else (`GET /healthz`, the install pages) at once.
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
      if (this.waiting.length === 0 && this.busy < this.limit) start();
      else this.waiting.push(start);
      // A request whose sender gave up stops waiting.
      req.once("close", () => {
        const at = this.waiting.indexOf(start);
        if (at >= 0) this.waiting.splice(at, 1);
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

  private next(): void {
    while (this.waiting.length > 0 && this.busy < this.limit) this.waiting.shift()?.();
  }
}
