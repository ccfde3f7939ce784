import { ChecklistProgress } from "./checklists/progress.ts";
import { Deadlines } from "./deadlines/deadlines.ts";
import { Feedback } from "./feedback/feedback.ts";
import { UnansweredQuestions } from "./feedback/gaps.ts";
import type { KnowledgeBase } from "./knowledge-base/knowledge-base.ts";
import { ChannelSettings } from "./nudges/channels.ts";
import { type Deliver, NudgeScheduler, type SchedulerLogger } from "./nudges/scheduler.ts";
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
  deliveries: Deliveries;
  deadlines: Deadlines;
  channels: ChannelSettings;
  scheduler: NudgeScheduler;
  tracker: Tracker;
  followUps: FollowUps;
  clock: Clock;
}

export interface ServiceOptions {
  /** Posts a rendered nudge; wired to Slack by the app. */
  deliver: Deliver;
  clock?: Clock;
  logger?: SchedulerLogger;
}

/** Builds the services over a loaded knowledge base and an open store. */
export function createServices(kb: KnowledgeBase, store: Store, options: ServiceOptions): Services {
  const clock = options.clock ?? realClock;
  const now = () => new Date(clock.now());
  const deadlines = new Deadlines(store, now);
  const channels = new ChannelSettings(store, now);
  const tracker = new Tracker(store, now);
  const logger = options.logger ?? console;
  return {
    kb,
    search: createSearch(kb),
    store,
    progress: new ChecklistProgress(store, now),
    feedback: new Feedback(store),
    gaps: new UnansweredQuestions(store, now),
    deliveries: new Deliveries(store, () => clock.now()),
    deadlines,
    channels,
    scheduler: new NudgeScheduler({
      store,
      kb,
      channels,
      deadlines,
      deliver: options.deliver,
      clock,
      logger,
      tracker,
    }),
    tracker,
    followUps: new FollowUps({ store, tracker, deliver: options.deliver, logger }),
    clock,
  };
}
