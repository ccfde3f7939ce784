import { ChecklistProgress } from "./checklists/progress.ts";
import { Deadlines } from "./deadlines/deadlines.ts";
import { Feedback } from "./feedback/feedback.ts";
import { UnansweredQuestions } from "./feedback/gaps.ts";
import { LearnedPhrasings } from "./feedback/learned.ts";
import type { Installations } from "./installations/installations.ts";
import { Retention } from "./installations/retention.ts";
import type { KnowledgeBase } from "./knowledge-base/knowledge-base.ts";
import { ListingsFeed, type ListingsOutlet } from "./listings/feed.ts";
import { ChannelSettings } from "./nudges/channels.ts";
import {
  type Deliver,
  type FindPosted,
  NudgeScheduler,
  type SchedulerLogger,
} from "./nudges/scheduler.ts";
import { type Clock, realClock } from "./nudges/sender.ts";
import { createSearch, type Search } from "./search/search.ts";
import { Deliveries } from "./storage/dedupe.ts";
import type { Store } from "./storage/store.ts";
import { FollowUps } from "./tracker/follow-ups.ts";
import { Tracker } from "./tracker/tracker.ts";

/** Everything the Slack listeners need, built once at start-up and passed in explicitly. */
export interface Services {
  kb: KnowledgeBase;
  search: Search;
  store: Store;
  progress: ChecklistProgress;
  feedback: Feedback;
  gaps: UnansweredQuestions;
  /** Questions students matched to entries by picking a "Did you mean…?" suggestion. */
  learned: LearnedPhrasings;
  deliveries: Deliveries;
  deadlines: Deadlines;
  channels: ChannelSettings;
  scheduler: NudgeScheduler;
  tracker: Tracker;
  followUps: FollowUps;
  clock: Clock;
  /** Multi-workspace mode: each workspace's installation, and the purge of uninstalled ones. */
  installations?: Installations;
  retention?: Retention;
  /** `/listings`: followed sources, polled on the nudges' tick. */
  listings: ListingsFeed;
}

export interface ServiceOptions {
  /** Posts a rendered nudge; wired to Slack by the app. */
  deliver: Deliver;
  /** Looks for a tagged message in Slack; wired to Slack by the app. */
  find?: FindPosted;
  clock?: Clock;
  logger?: SchedulerLogger;
  /** Multi-workspace mode ("Add to Slack"). */
  installations?: Installations;
  /** Posts and redraws listing posts; wired to Slack by the app. */
  listingsOutlet?: ListingsOutlet;
  /** LISTINGS_POLL_MINUTES (default 30). */
  listingsPollMinutes?: number;
}

/** Used when the app wires no outlet (tools and tests that never follow listings). */
const unwiredOutlet: ListingsOutlet = {
  post: async () => ({ ok: false, error: "listings_outlet_not_wired" }),
  update: async () => ({ ok: false, error: "listings_outlet_not_wired" }),
};

/** Builds the services over a loaded knowledge base and an open store. */
export function createServices(kb: KnowledgeBase, store: Store, options: ServiceOptions): Services {
  const clock = options.clock ?? realClock;
  const now = () => new Date(clock.now());
  const deadlines = new Deadlines(store, now);
  const logger = options.logger ?? console;
  const channels = new ChannelSettings(store, now, logger);
  const search = createSearch(kb);
  const { installations } = options;
  const tracker = new Tracker(store, now);
  return {
    kb,
    search,
    store,
    progress: new ChecklistProgress(store, now),
    feedback: new Feedback(store, now),
    gaps: new UnansweredQuestions(store, now),
    learned: new LearnedPhrasings(store, search, now),
    deliveries: new Deliveries(store, {
      now: () => clock.now(),
      onStoreError: (id, error) =>
        logger.error(
          `could not record event ${id} as handled in the store (a retry reaching this process is still skipped): ${String(error)}`,
        ),
    }),
    deadlines,
    channels,
    scheduler: new NudgeScheduler({
      store,
      kb,
      channels,
      deadlines,
      deliver: options.deliver,
      ...(options.find ? { find: options.find } : {}),
      clock,
      logger,
      ...(installations ? { workspaces: installations } : {}),
      tracker,
    }),
    tracker,
    followUps: new FollowUps({ store, tracker, deliver: options.deliver, logger }),
    clock,
    ...(installations
      ? { installations, retention: new Retention(store, installations, logger) }
      : {}),
    listings: new ListingsFeed({
      store,
      outlet: options.listingsOutlet ?? unwiredOutlet,
      clock,
      logger: options.logger ?? console,
      pollMinutes: options.listingsPollMinutes ?? 30,
    }),
  };
}

/**
 * Start-up work that needs the store: the search learns the phrasings organizers confirmed.
 * Run once after `createServices`, before the app takes requests.
 *
 * @example
 * const services = createServices(kb, store, { deliver });
 * await prepareServices(services);
 */
export async function prepareServices(services: Services): Promise<void> {
  await services.learned.restore();
}
