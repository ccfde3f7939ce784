import { describe, expect, it } from "vitest";
import { type Attempt, type PostOutcome, Sender } from "../../../src/services/nudges/sender.ts";
import { VirtualClock } from "../../helpers/virtual-clock.ts";

/** Runs one job whose attempts answer `outcomes` in turn; returns its result and the attempts seen. */
async function attempts(outcomes: PostOutcome[], signal?: AbortSignal) {
  const seen: Attempt[] = [];
  const sender = new Sender(new VirtualClock(0));
  const { results } = await sender.run(
    [{ channelKey: "C", content: "nudge" }],
    async (_job, attempt) => {
      seen.push(attempt);
      return outcomes[seen.length - 1] ?? { ok: true };
    },
    signal ? { signal } : {},
  );
  return { result: results[0], seen };
}

describe("the sender retries", () => {
  it("a refused connection and a 429: Slack certainly did not take those", async () => {
    const { result, seen } = await attempts([
      { ok: false, error: "connection_refused" },
      { ok: false, error: "ratelimited", retryAfterMs: 2000 },
      { ok: true, ts: "1.2" },
    ]);
    expect(result).toMatchObject({ status: "posted", ts: "1.2" });
    expect(seen.map((a) => a.uncertain)).toEqual([false, false, false]);
  });

  it("an unknown outcome, telling the next attempt to look for the message first", async () => {
    const { result, seen } = await attempts([
      { ok: false, error: "econnreset", uncertain: true },
      { ok: false, error: "ratelimited", retryAfterMs: 1000 },
      { ok: true },
    ]);
    expect(result?.status).toBe("posted");
    expect(seen.map((a) => a.uncertain)).toEqual([false, true, true]);
  });

  it.each(["invalid_blocks", "msg_too_long", "msg_blocks_too_long", "invalid_arguments"])(
    "never %s, which would fail the same way again",
    async (error) => {
      const { result, seen } = await attempts([{ ok: false, error }]);
      expect(result).toMatchObject({ status: "failed", error });
      expect(seen).toHaveLength(1);
    },
  );
});

describe("a stopped run", () => {
  it("starts nothing new and retries nothing", async () => {
    const stop = new AbortController();
    const sender = new Sender(new VirtualClock(0), { concurrency: 1 });
    const posted: string[] = [];
    const { results } = await sender.run(
      ["A", "B", "C"].map((c) => ({ channelKey: c, content: c })),
      async (job) => {
        posted.push(job.content);
        stop.abort();
        return { ok: false, error: "service_unavailable" };
      },
      { signal: stop.signal },
    );
    expect(posted).toEqual(["A"]);
    expect(results.map((r) => r.status)).toEqual(["failed", "stopped", "stopped"]);
  });
});
