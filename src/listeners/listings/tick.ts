import type { ListingsFeed } from "../../services/listings/feed.ts";
import type { SchedulerLogger } from "../../services/nudges/scheduler.ts";

/**
 * The every-minute tick of the nudges, with the listings polls after them: one cron task runs
 * both. A failing listings poll is logged and never stops the nudges.
 *
 * @example
 * startNudgeCron(withListings(services.scheduler, services.listings, logger), logger);
 */
export function withListings<R>(
  ticker: { tick(now?: Date): Promise<R>; stop(): void },
  feed: Pick<ListingsFeed, "tick" | "stop">,
  logger: SchedulerLogger,
): { tick(now?: Date): Promise<R>; stop(): void } {
  return {
    stop() {
      ticker.stop();
      feed.stop();
    },
    async tick(now?: Date) {
      const report = await ticker.tick(now);
      try {
        const polls = await feed.tick(now?.getTime());
        for (const p of polls) {
          if (p.posted > 0 || p.closed > 0)
            logger.info(
              `listings ${p.key}: posted ${p.posted}${p.digest ? " (digest)" : ""}, closed ${p.closed}`,
            );
        }
      } catch (error) {
        logger.error(`listings tick failed: ${String(error)}`);
      }
      return report;
    },
  };
}
