import cron, { type ScheduledTask } from "node-cron";
import type { NudgeScheduler, SchedulerLogger } from "./scheduler.ts";

/**
 * Runs the every-minute work one pass at a time. A minute that comes while the previous pass is
 * still posting (a big backlog at start-up, a slow Slack) is not started beside it: the pass in
 * progress is returned, and the next minute picks up whatever is still due. `stop()` waits for the
 * pass in progress, so the store is never closed under it.
 */
export class TickRunner {
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly scheduler: Pick<NudgeScheduler, "tick" | "stop">,
    private readonly logger: SchedulerLogger,
    /** Other every-minute work (the tracker's follow-ups), run beside the nudges. */
    private readonly alsoEveryMinute?: () => Promise<unknown>,
  ) {}

  /** One pass (or the one already in progress); never rejects. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.current ??= this.pass().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** Stops taking on messages: the pass in progress finishes the posts in flight and ends. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.scheduler.stop();
    await this.current;
  }

  private async pass(): Promise<void> {
    const nudges = this.scheduler
      .tick()
      .then((report) => {
        const { posted, skipped, failed, paused, stopped = 0 } = report;
        if (posted + skipped + failed + paused.length + stopped > 0)
          this.logger.info(
            `nudge tick: posted ${posted}, skipped ${skipped}, failed ${failed}, paused ${paused.length}${stopped ? `, left for after a restart ${stopped}` : ""}`,
          );
      })
      .catch((error: unknown) => this.logger.error(`nudge tick failed: ${String(error)}`));
    const also = this.alsoEveryMinute?.().catch((error: unknown) =>
      this.logger.error(`every-minute work failed: ${String(error)}`),
    );
    await Promise.all([nudges, also]);
  }
}

/**
 * One recurring node-cron task, every minute, that runs the scheduler: it finds every channel due
 * in that minute (thousands of schedules, not a task each). A tick also runs right away at start,
 * which posts runs missed while the bot was down (under 6 hours late) and logs older ones.
 *
 * @example
 * const stop = startNudgeCron(services.scheduler, logger);
 * await stop();
 */
export function startNudgeCron(
  scheduler: Pick<NudgeScheduler, "tick" | "stop">,
  logger: SchedulerLogger,
  /** Other every-minute work (the tracker's follow-ups), run beside the nudges. */
  alsoEveryMinute?: () => Promise<unknown>,
): () => Promise<void> {
  const runner = new TickRunner(scheduler, logger, alsoEveryMinute);
  const task: ScheduledTask = cron.schedule("* * * * *", () => runner.run(), {
    name: "internprep-nudges",
  });
  void runner.run();
  return async () => {
    // A run in progress finishes the posts in flight only; the rest is posted after a restart.
    const finished = runner.stop();
    await task.stop();
    await task.destroy();
    await finished;
  };
}
