/**
 * The App Home tab: building a user's view, and publishing it at most once per user per few
 * seconds however often Slack reports the tab opened (each open is an `app_home_opened` event,
 * and both `views.publish` and `users.conversations` are rate-limited per workspace).
 */
import type { Logger } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { renderHomeDeadlines } from "../blocks/deadlines.ts";
import { renderHome } from "../blocks/home.ts";
import { renderHomeTracker } from "../blocks/tracker.ts";
import type { RoleProgress } from "../services/checklists/progress.ts";
import type { Services } from "../services/index.ts";
import { trackerHome } from "./tracker/home.ts";

/** At most one views.publish per user in this window; later requests coalesce into one. */
export const HOME_WINDOW_MS = 3000;
/** How long a user's channel list (users.conversations) is reused. */
const CHANNELS_TTL_MS = 60_000;
/** How long a user's checklist progress is reused (forgotten at once when they tick). */
const PROGRESS_TTL_MS = 10_000;
/** Users whose cached data is kept at most (oldest forgotten first). */
export const CACHE_SIZE = 2000;

/** Time and timers, injectable so tests drive them by hand. */
export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): { cancel(): void };
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A small map whose entries expire, bounded in size. */
class ExpiringCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && hit.until > this.now()) return hit.value;
    const value = await load();
    this.entries.delete(key);
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
    if (this.entries.size > CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}

interface UserState {
  lastAt: number;
  running?: Promise<void>;
  /** A publish was asked for after the last one started: one trailing publish will follow. */
  dirty: boolean;
  timer?: { cancel(): void };
  client: WebClient;
  logger: Logger;
}

/**
 * Builds and publishes users' Home tabs: the first request publishes at once, requests within
 * the next few seconds coalesce into one trailing publish of the then-latest state.
 *
 * @example
 * const home = new HomePublisher(services);
 * await home.publish(teamId, userId, client, logger); // from app_home_opened
 * await home.refresh(teamId, userId, client, logger); // after the user ticked something
 */
export class HomePublisher {
  private readonly users = new Map<string, UserState>();
  private readonly channelsOf: ExpiringCache<string[]>;
  private readonly progressOf: ExpiringCache<RoleProgress[]>;
  private closed = false;

  constructor(
    private readonly services: Services,
    private readonly timers: Timers = realTimers,
    private readonly windowMs: number = HOME_WINDOW_MS,
  ) {
    const now = () => timers.now();
    this.channelsOf = new ExpiringCache(CHANNELS_TTL_MS, now);
    this.progressOf = new ExpiringCache(PROGRESS_TTL_MS, now);
  }

  /** Publishes the user's Home now, or once the window since the last publish has passed. */
  async publish(teamId: string, userId: string, client: WebClient, logger: Logger): Promise<void> {
    if (this.closed) return;
    const key = `${teamId}:${userId}`;
    const now = this.timers.now();
    const state = this.users.get(key);
    if (state) {
      state.client = client;
      state.logger = logger;
    }
    if (state && (state.running || state.timer || now - state.lastAt < this.windowMs)) {
      state.dirty = true;
      if (!state.running) this.scheduleTrailing(key, teamId, userId, state);
      return;
    }
    this.prune(now);
    const fresh: UserState = state ?? { lastAt: now, dirty: false, client, logger };
    this.users.set(key, fresh);
    await this.run(key, teamId, userId, fresh);
  }

  /** Like `publish`, with the user's checklist progress read afresh (they just changed it). */
  refresh(teamId: string, userId: string, client: WebClient, logger: Logger): Promise<void> {
    this.progressOf.forget(`${teamId}:${userId}`);
    return this.publish(teamId, userId, client, logger);
  }

  /**
   * At shutdown: drops trailing publishes not yet started (each user already got a publish in
   * their window) and waits for those under way.
   */
  async close(): Promise<void> {
    this.closed = true;
    const running: Array<Promise<void>> = [];
    for (const state of this.users.values()) {
      state.timer?.cancel();
      if (state.running) running.push(state.running);
    }
    await Promise.allSettled(running);
    this.users.clear();
    this.channelsOf.clear();
    this.progressOf.clear();
  }

  private async run(key: string, teamId: string, userId: string, state: UserState): Promise<void> {
    state.lastAt = this.timers.now();
    // Last published last: `prune` relies on the map's order.
    this.users.delete(key);
    this.users.set(key, state);
    state.dirty = false;
    const work = this.publishNow(teamId, userId, state.client, state.logger);
    state.running = work;
    try {
      await work;
    } finally {
      state.running = undefined;
      if (state.dirty) this.scheduleTrailing(key, teamId, userId, state);
    }
  }

  private scheduleTrailing(key: string, teamId: string, userId: string, state: UserState): void {
    if (state.timer || this.closed) return;
    const wait = Math.max(0, state.lastAt + this.windowMs - this.timers.now());
    state.timer = this.timers.setTimeout(() => {
      state.timer = undefined;
      if (!state.dirty || this.closed) return;
      void this.run(key, teamId, userId, state);
    }, wait);
  }

  /** Users whose last publish (or one pending) is remembered. */
  get tracked(): number {
    return this.users.size;
  }

  /**
   * Forgets users with nothing pending whose window has passed, so the map stays small. The map
   * is in the order of users' last publish (`run` moves a user to its end), so the sweep stops at
   * the first user still in their window: a flood of users who all opened Home in the last
   * window costs each publish nothing, where walking all of them would cost each one all of them.
   */
  private prune(now: number): void {
    if (this.users.size < CACHE_SIZE) return;
    for (const [key, state] of this.users) {
      if (state.running || state.timer || now - state.lastAt < this.windowMs) return;
      this.users.delete(key);
    }
  }

  private async publishNow(teamId: string, userId: string, client: WebClient, logger: Logger) {
    try {
      await client.views.publish({
        user_id: userId,
        view: await this.view(teamId, userId, client, logger),
      });
    } catch (error) {
      logger.error("publishing App Home failed:", error);
    }
  }

  /** The App Home view for one user. */
  async view(teamId: string, userId: string, client: WebClient, logger: Logger) {
    const { kb, progress } = this.services;
    const key = `${teamId}:${userId}`;
    // The three reads are independent: one wait instead of three in a row.
    const [all, deadlines, tracker] = await Promise.all([
      this.progressOf.get(key, () => progress.started(teamId, userId, kb.roles)),
      this.deadlinesFor(teamId, userId, client).catch((error: unknown) => {
        // The rest of Home is still worth showing when Slack can't list the user's channels.
        logger.warn("could not list the user's channels for Home deadlines:", error);
        return [];
      }),
      trackerHome(this.services, teamId, userId),
    ]);
    const started = all.flatMap((p) => {
      const role = kb.getOfKind(p.roleId, "role");
      return role ? [{ role, progress: p }] : [];
    });
    return renderHome({
      userId,
      started,
      roles: kb.roles,
      topics: kb.topics,
      extra: [...renderHomeTracker(tracker), ...renderHomeDeadlines(deadlines)],
    });
  }

  /**
   * The user's upcoming deadlines across the channels they share with the bot: channels with
   * deadlines, intersected with the user's channels as Slack reports them (users.conversations).
   */
  private async deadlinesFor(teamId: string, userId: string, client: WebClient) {
    const { deadlines } = this.services;
    const withDeadlines = new Set(await deadlines.channelsWithDeadlines(teamId));
    if (withDeadlines.size === 0) return [];
    const mine = await this.channelsOf.get(`${teamId}:${userId}`, () =>
      userChannels(client, userId),
    );
    const items = [];
    for (const channelId of mine.filter((id) => withDeadlines.has(id))) {
      for (const deadline of await deadlines.upcoming(teamId, channelId)) {
        items.push({ channelId, deadline, daysLeft: deadlines.daysLeft(deadline) });
      }
    }
    return items.sort((a, b) => a.daysLeft - b.daysLeft).slice(0, 20);
  }
}

/** Every conversation the user is in, as Slack lists them (all pages). */
async function userChannels(client: WebClient, userId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.users.conversations({
      user: userId,
      types: "public_channel,private_channel,mpim,im",
      exclude_archived: true,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    for (const c of page.channels ?? []) if (c.id) ids.push(c.id);
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return ids;
}
