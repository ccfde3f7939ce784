import cron, { type ScheduledTask } from "node-cron";
import type { NudgeScheduler, SchedulerLogger } from "./scheduler.ts";

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
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = scheduler
      .tick()
      .then((report) => {
        const { posted, skipped, failed, paused, stopped = 0 } = report;
        if (posted + skipped + failed + paused.length + stopped > 0)
          logger.info(
            `nudge tick: posted ${posted}, skipped ${skipped}, failed ${failed}, paused ${paused.length}${stopped ? `, left for after a restart ${stopped}` : ""}`,
          );
      })
      .catch((error: unknown) => logger.error(`nudge tick failed: ${String(error)}`));
    if (alsoEveryMinute) {
      const also = alsoEveryMinute().catch((error: unknown) =>
        logger.error(`every-minute work failed: ${String(error)}`),
      );
      running = Promise.all([running, also]);
    }
    return running;
  };
  const task: ScheduledTask = cron.schedule("* * * * *", tick, {
    name: "internprep-nudges",
    noOverlap: true,
  });
  void tick();
  return async () => {
    // A run in progress finishes the posts in flight only; the rest is posted after a restart.
    scheduler.stop();
    await task.stop();
    await task.destroy();
    await running;
  };
}
