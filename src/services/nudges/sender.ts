/**
 * What one attempt to post gave: posted, or Slack's error code (and Retry-After for 429s).
 * `uncertain`: the request may have reached Slack (a reset connection, a timeout, a 5xx), so the
 * message may have been posted; it must be looked for before posting again.
 */
export type PostOutcome =
  /** `skipped`: nothing was posted because another tick (or process) already did. */
  | { ok: true; ts?: string; skipped?: boolean }
  | { ok: false; error: string; retryAfterMs?: number; uncertain?: boolean };

/** What the sender tells `post` about the job's earlier attempts. */
export interface Attempt {
  /** 1 for the first attempt. */
  number: number;
  /** An earlier attempt's outcome was uncertain: look for the message before posting it again. */
  uncertain: boolean;
}

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
/**
 * Slack certainly did not take the message but may a moment later: try again after a pause.
 * (429s are waited out separately; uncertain outcomes are retried after looking for the message.)
 */
export const TRANSIENT = new Set(["service_unavailable", "request_timeout", "connection_refused"]);

export interface SendJob<T> {
  /** Jobs with the same channel key are posted in order, at least `perChannelMs` apart. */
  channelKey: string;
  /** Jobs of one workspace stop together when its token fails (default: one workspace). */
  workspace?: string;
  content: T;
}

export type SendStatus =
  | "posted"
  | "skipped"
  | "channel_gone"
  | "failed"
  | "aborted"
  /** The run was stopped (SIGTERM) before this job started: nothing was done for it. */
  | "stopped";

export interface SendResult<T> {
  job: SendJob<T>;
  status: SendStatus;
  error?: string;
  ts?: string;
  /** Failed, and the last attempt's outcome was uncertain: the message may be in Slack. */
  uncertain?: boolean;
}

export interface SenderOptions {
  /** Channels posted to at the same time (default 10). */
  concurrency?: number;
  /** Slack allows about one message per second per channel (default 1000 ms). */
  perChannelMs?: number;
  /** Attempts per job, counting retries after 429 and transient errors (default 5). */
  maxAttempts?: number;
}

export interface RunOptions<T> {
  /**
   * Once aborted (SIGTERM), jobs not started yet end as `stopped` (nothing was done for them),
   * waits end at once and nothing is retried; jobs in flight finish their attempt.
   */
  signal?: AbortSignal;
  /** Called with each job's result as soon as it is known (before the worker moves on). */
  onResult?: (result: SendResult<T>) => Promise<void>;
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
    post: (job: SendJob<T>, attempt: Attempt) => Promise<PostOutcome>,
    options: RunOptions<T> = {},
  ): Promise<{ results: SendResult<T>[]; aborted: string | undefined }> {
    const signal = options.signal ?? new AbortController().signal;
    const stopping = () => signal.aborted;
    const stale = this.clock.now() - this.perChannelMs;
    for (const [k, at] of this.lastPost) if (at < stale) this.lastPost.delete(k);
    const byChannel = new Map<string, SendJob<T>[]>();
    for (const job of jobs)
      byChannel.set(job.channelKey, [...(byChannel.get(job.channelKey) ?? []), job]);
    const queues = [...byChannel.values()];
    const results: SendResult<T>[] = [];
    /** Workspaces whose token failed, with Slack's error: their remaining jobs are not posted. */
    const abortedWorkspaces = new Map<string, string>();

    const postOne = async (job: SendJob<T>): Promise<SendResult<T>> => {
      let lastError = "unknown_error";
      const workspace = job.workspace ?? "";
      let uncertain = false;
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        let aborted = abortedWorkspaces.get(workspace);
        if (aborted) return { job, status: "aborted", error: aborted };
        if (attempt > 1 && stopping()) break;
        await this.waitForTurn(job.channelKey, signal);
        aborted = abortedWorkspaces.get(workspace);
        if (aborted) return { job, status: "aborted", error: aborted };
        if (stopping()) {
          if (attempt === 1) return { job, status: "stopped" };
          break;
        }
        let outcome: PostOutcome;
        try {
          outcome = await post(job, { number: attempt, uncertain });
        } catch (error) {
          // A throw from `post` is a bug or a store failure before anything was sent.
          outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
        if (!(outcome.ok && outcome.skipped)) this.lastPost.set(job.channelKey, this.clock.now());
        if (outcome.ok && outcome.skipped) return { job, status: "skipped" };
        if (outcome.ok) return { job, status: "posted", ...(outcome.ts ? { ts: outcome.ts } : {}) };
        lastError = outcome.error;
        uncertain ||= outcome.uncertain === true;
        if (AUTH_FAILED.has(outcome.error)) {
          if (!abortedWorkspaces.has(workspace)) abortedWorkspaces.set(workspace, outcome.error);
          return {
            job,
            status: "aborted",
            error: outcome.error,
            ...(uncertain ? { uncertain } : {}),
          };
        }
        if (CHANNEL_GONE.has(outcome.error))
          return { job, status: "channel_gone", error: outcome.error };
        if (outcome.error === "ratelimited" || outcome.retryAfterMs !== undefined) {
          const wait = outcome.retryAfterMs ?? 1000;
          this.notBefore = Math.max(this.notBefore, this.clock.now() + wait);
          continue;
        }
        // Anything else Slack answered (invalid_blocks, msg_too_long…) would fail the same way.
        if (!outcome.uncertain && !TRANSIENT.has(outcome.error)) break;
        // A network hiccup or a 5xx: back off briefly, then look before posting again.
        await this.pause(Math.min(30_000, 500 * 2 ** (attempt - 1)), signal);
      }
      return { job, status: "failed", error: lastError, ...(uncertain ? { uncertain } : {}) };
    };

    const worker = async () => {
      for (let queue = queues.shift(); queue; queue = queues.shift()) {
        for (const job of queue) {
          const result = await postOne(job);
          results.push(result);
          await options.onResult?.(result);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, byChannel.size) }, worker));
    // The first auth error, if any workspace's token failed (each job's own is in its result).
    return { results, aborted: abortedWorkspaces.values().next().value };
  }

  /** Sleeps on the clock, or less if the run is stopped meanwhile. */
  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    let onAbort = () => {};
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener("abort", onAbort, { once: true });
    });
    await Promise.race([this.clock.sleep(ms), aborted]);
    signal.removeEventListener("abort", onAbort);
  }

  private async waitForTurn(channelKey: string, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = this.clock.now();
      const channelReady =
        (this.lastPost.get(channelKey) ?? Number.NEGATIVE_INFINITY) + this.perChannelMs;
      const wait = Math.max(this.notBefore, channelReady) - now;
      if (wait <= 0) return;
      await this.pause(wait, signal);
    }
  }
}
