/** What one attempt to post gave: posted, or Slack's error code (and Retry-After for 429s). */
export type PostOutcome =
  /** `skipped`: nothing was posted because another tick (or process) already did. */
  | { ok: true; ts?: string; skipped?: boolean }
  | { ok: false; error: string; retryAfterMs?: number };

/** Time, injectable so tests run a fake clock instead of sleeping. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** The bot can no longer post in that channel: pause its nudges. */
export const CHANNEL_GONE = new Set(["not_in_channel", "channel_not_found", "is_archived"]);
/**
 * The bot's token is no good (or the workspace has no installation any more): stop posting to that
 * workspace for the rest of the run; other workspaces carry on.
 */
export const AUTH_FAILED = new Set([
  "invalid_auth",
  "token_revoked",
  "account_inactive",
  "not_installed",
]);

export interface SendJob<T> {
  /** Jobs with the same channel key are posted in order, at least `perChannelMs` apart. */
  channelKey: string;
  /** Jobs of one workspace stop together when its token fails (default: one workspace). */
  workspace?: string;
  content: T;
}

export type SendStatus = "posted" | "skipped" | "channel_gone" | "failed" | "aborted";

export interface SendResult<T> {
  job: SendJob<T>;
  status: SendStatus;
  error?: string;
  ts?: string;
}

export interface SenderOptions {
  /** Channels posted to at the same time (default 10). */
  concurrency?: number;
  /** Slack allows about one message per second per channel (default 1000 ms). */
  perChannelMs?: number;
  /** Attempts per job, counting retries after 429 and transient errors (default 5). */
  maxAttempts?: number;
}

/**
 * Posts many messages politely: one per second per channel, several channels at a time, waiting
 * out 429s for as long as Slack's Retry-After says (pausing every worker, since the limit is per
 * method), never letting one failing channel stop the others, and stopping a workspace's posts
 * when its token is no longer valid.
 *
 * @example
 * const sender = new Sender(realClock);
 * const { results, aborted } = await sender.run(jobs, (job) => post(job.content));
 */
export class Sender {
  private readonly lastPost = new Map<string, number>();
  private notBefore = 0;
  private readonly concurrency: number;
  private readonly perChannelMs: number;
  private readonly maxAttempts: number;

  constructor(
    private readonly clock: Clock,
    options: SenderOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 10;
    this.perChannelMs = options.perChannelMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 5;
  }

  async run<T>(
    jobs: readonly SendJob<T>[],
    post: (job: SendJob<T>) => Promise<PostOutcome>,
  ): Promise<{ results: SendResult<T>[]; aborted: string | undefined }> {
    const stale = this.clock.now() - this.perChannelMs;
    for (const [k, at] of this.lastPost) if (at < stale) this.lastPost.delete(k);
    const byChannel = new Map<string, SendJob<T>[]>();
    for (const job of jobs)
      byChannel.set(job.channelKey, [...(byChannel.get(job.channelKey) ?? []), job]);
    const queues = [...byChannel.values()];
    const results: SendResult<T>[] = [];
    const abortedWorkspaces = new Map<string, string>();

    const postOne = async (job: SendJob<T>): Promise<SendResult<T>> => {
      let lastError = "unknown_error";
      const workspace = job.workspace ?? "";
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        let aborted = abortedWorkspaces.get(workspace);
        if (aborted) return { job, status: "aborted", error: aborted };
        await this.waitForTurn(job.channelKey);
        aborted = abortedWorkspaces.get(workspace);
        if (aborted) return { job, status: "aborted", error: aborted };
        let outcome: PostOutcome;
        try {
          outcome = await post(job);
        } catch (error) {
          outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        if (!(outcome.ok && outcome.skipped)) this.lastPost.set(job.channelKey, this.clock.now());
        if (outcome.ok && outcome.skipped) return { job, status: "skipped" };
        if (outcome.ok) return { job, status: "posted", ...(outcome.ts ? { ts: outcome.ts } : {}) };
        lastError = outcome.error;
        if (AUTH_FAILED.has(outcome.error)) {
          if (!abortedWorkspaces.has(workspace)) abortedWorkspaces.set(workspace, outcome.error);
          return { job, status: "aborted", error: outcome.error };
        }
        if (CHANNEL_GONE.has(outcome.error))
          return { job, status: "channel_gone", error: outcome.error };
        if (outcome.error === "ratelimited" || outcome.retryAfterMs !== undefined) {
          const wait = outcome.retryAfterMs ?? 1000;
          this.notBefore = Math.max(this.notBefore, this.clock.now() + wait);
          continue;
        }
        // Other errors (a 5xx, a network hiccup): back off briefly and try again.
        await this.clock.sleep(Math.min(30_000, 500 * 2 ** (attempt - 1)));
      }
      return { job, status: "failed", error: lastError };
    };

    const worker = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const job of queue) results.push(await postOne(job));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, byChannel.size) }, worker));
    // The first auth error, if any workspace's token failed (each job's own is in its result).
    return { results, aborted: abortedWorkspaces.values().next().value };
  }

  private async waitForTurn(channelKey: string): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const channelReady =
        (this.lastPost.get(channelKey) ?? Number.NEGATIVE_INFINITY) + this.perChannelMs;
      const wait = Math.max(this.notBefore, channelReady) - now;
      if (wait <= 0) return;
      await this.clock.sleep(wait);
    }
  }
}
