import { randomUUID } from "node:crypto";
import { z } from "zod";
import { type Clock, type PostOutcome, Sender, type SenderOptions } from "../nudges/sender.ts";
import type { Collection, Store } from "../storage/store.ts";
import { type Filters, FiltersSchema, matches } from "./filters.ts";
import {
  type Listing,
  newestFirst,
  type ParsedListings,
  parseListings,
  SourceError,
  type SourceFailure,
  SPONSORSHIPS,
} from "./schema.ts";
import {
  locateSource,
  readSource,
  type SourceProblem,
  sourceKey,
  toLocation,
  type Validators,
} from "./source.ts";

/** At most this many new listings are posted one by one in a poll; more become one digest. */
export const MAX_SINGLE_POSTS = 5;
/** A digest lists at most this many listings and links to the list for the rest. */
export const DIGEST_MAX_ITEMS = 20;
/** After this long failing, the channel is told once that its source is down. */
export const FAILING_NOTICE_MS = 24 * 60 * 60 * 1000;
/** Back-off after repeated failures never waits longer than this between polls. */
export const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** A poll that died is taken over by another process (or the next tick) after this long. */
const LEASE_MS = 10 * 60 * 1000;
/** Posted listings are remembered (for closing them, and the buttons) this long. */
const POST_TTL_MS = 180 * 24 * 60 * 60 * 1000;
/** Open posted listings watched for closing, per channel (oldest dropped beyond it). */
const MAX_WATCHED = 1000;

const SnapshotSchema = z.object({
  id: z.string(),
  company: z.string(),
  title: z.string(),
  url: z.string(),
  locations: z.array(z.string()),
  terms: z.array(z.string()),
  sponsorship: z.enum(SPONSORSHIPS),
  datePosted: z.number(),
  category: z.string().optional(),
});
/** What a post showed of a listing: kept for its buttons and to redraw it as closed. */
export type ListingSnapshot = z.infer<typeof SnapshotSchema>;

const FollowSchema = z.object({
  teamId: z.string(),
  channelId: z.string(),
  /** The URL, or an absolute file path. */
  source: z.string(),
  filters: FiltersSchema,
  by: z.string(),
  at: z.number(),
  on: z.boolean(),
  /** Why it stopped on its own (e.g. "not_in_channel"), or who turned it off. */
  offReason: z.string().optional(),
  /** New for every `follow`: a poll of an older follow never writes over a newer one. */
  generation: z.string(),
  nextPollAt: z.number(),
  validators: z.object({ etag: z.string().optional(), lastModified: z.string().optional() }),
  lastPoll: z
    .object({
      at: z.number(),
      records: z.number(),
      malformed: z.number(),
      matching: z.number(),
      posted: z.number(),
    })
    .optional(),
  failure: z
    .object({
      since: z.number(),
      count: z.number().int(),
      reason: z.string(),
      at: z.number(),
      notified: z.boolean(),
    })
    .optional(),
  postedTotal: z.number().int().default(0),
});
export type Follow = z.infer<typeof FollowSchema>;

const IdsSchema = z.object({ generation: z.string(), ids: z.array(z.string()) });
const PostSchema = z.object({
  state: z.enum(["posting", "posted"]),
  at: z.number(),
  ts: z.string().optional(),
  /** Set when the listing went out in a digest: that message's ts. */
  digestTs: z.string().optional(),
  listing: SnapshotSchema,
  closed: z.boolean().default(false),
});
export type PostRecord = z.infer<typeof PostSchema>;
const DigestSchema = z.object({ ids: z.array(z.string()), more: z.number(), source: z.string() });

/** A message the feed asks the Slack side to render and post (or redraw). */
export type ListingsMessage =
  | {
      kind: "listing";
      teamId: string;
      channelId: string;
      source: string;
      listing: ListingSnapshot;
      closed: boolean;
    }
  | {
      kind: "digest";
      teamId: string;
      channelId: string;
      source: string;
      items: Array<{ listing: ListingSnapshot; closed: boolean }>;
      more: number;
    }
  | {
      kind: "source_down";
      teamId: string;
      channelId: string;
      source: string;
      reason: string;
      since: number;
    };

/** Posts and redraws feed messages; the only part that knows about Slack (wired by the app). */
export interface ListingsOutlet {
  post(message: ListingsMessage): Promise<PostOutcome>;
  update(message: ListingsMessage, ts: string): Promise<PostOutcome>;
}

export interface FeedLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the organizer gets back from `follow` and `preview`. */
export interface Preview {
  source: string;
  filters: Filters;
  records: number;
  malformed: number;
  /** Open listings matching the filters now. */
  matching: number;
  /** The newest three of them. */
  newest: ListingSnapshot[];
}

export type FollowResult =
  | { ok: true; preview: Preview; replaced: string | undefined; nextPollAt: number }
  | { ok: false; problem: SourceProblem | SourceFailure };

export type PreviewResult =
  | { ok: true; preview: Preview }
  | { ok: false; problem: "not_following" | SourceFailure };

export interface PollReport {
  key: string;
  status: "posted" | "unchanged" | "failed" | "skipped" | "stopped";
  posted: number;
  digest: boolean;
  closed: number;
  malformed: number;
  error?: string;
}

export interface FeedOptions {
  store: Store;
  outlet: ListingsOutlet;
  clock: Clock;
  logger: FeedLogger;
  /** LISTINGS_POLL_MINUTES. */
  pollMinutes: number;
  /** Paths are made absolute against this (default: the working directory). */
  cwd?: string;
  sender?: SenderOptions;
}

/**
 * The listings feed: channels follow a listings file or URL with filters; every
 * LISTINGS_POLL_MINUTES each followed source is read (conditionally) and the listings new since
 * the previous poll that match are posted, at most 5 one by one and more as one digest. Posted
 * listings that close are redrawn as closed.
 *
 * Between polls it keeps, per channel, only the ids in the source at the previous poll, plus the
 * few listings it posted. Exactly once: each listing is claimed in the store (per channel) just
 * before it is posted, and each poll is leased, so restarts and several replicas on one store
 * never post a listing twice. A process that dies between a claim and Slack's answer loses that
 * one post rather than risking a second.
 *
 * @example
 * const feed = new ListingsFeed({ store, outlet, clock, logger, pollMinutes: 30 });
 * await feed.follow("T1", "C1", "U1", "https://…/listings.json", { term: "Summer 2027" });
 * await feed.tick(); // every minute, beside the nudges
 */
export class ListingsFeed {
  private readonly follows: Collection<Follow>;
  private readonly index: Collection<string[]>;
  private readonly ids: Collection<z.infer<typeof IdsSchema>>;
  private readonly posts: Collection<PostRecord>;
  private readonly watched: Collection<string[]>;
  private readonly digests: Collection<z.infer<typeof DigestSchema>>;
  private readonly leases: Collection<{ at: number }>;
  private readonly sender: Sender;
  private stopping = false;

  constructor(private readonly options: FeedOptions) {
    const { store } = options;
    this.follows = store.collection("listing-follows", FollowSchema);
    this.index = store.collection("listing-follow-index", z.array(z.string()));
    this.ids = store.collection("listing-ids", IdsSchema);
    this.posts = store.collection("listing-posts", PostSchema);
    this.watched = store.collection("listing-watched", z.array(z.string()));
    this.digests = store.collection("listing-digests", DigestSchema);
    this.leases = store.collection("listing-leases", z.object({ at: z.number() }));
    this.sender = new Sender(options.clock, options.sender);
  }

  get intervalMs(): number {
    return this.options.pollMinutes * 60_000;
  }

  /**
   * Follows a source in a channel (replacing any earlier follow there): reads it once, remembers
   * which listings are already in it (so none of those is ever posted), and previews what matches.
   * Nothing is stored when the source cannot be read.
   */
  async follow(
    teamId: string,
    channelId: string,
    userId: string,
    sourceText: string,
    filters: Filters,
  ): Promise<FollowResult> {
    const located = locateSource(sourceText, this.options.cwd);
    if (!located.ok) return { ok: false, problem: located.problem };
    const source = sourceKey(located.value);
    let read: { validators: Validators };
    let parsed: ParsedListings;
    try {
      const result = await readParsed(source, {});
      if (!result.changed) throw new SourceError("unreachable", "no content");
      read = result;
      parsed = result.parsed;
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, problem: error.reason };
      throw error;
    }
    const now = this.options.clock.now();
    const key = followKey(teamId, channelId);
    const generation = randomUUID();
    const previous = await this.follows.get(key);
    const preview = previewOf(source, filters, parsed.listings, parsed.malformed);
    // The ids first: a follow without its baseline would post the whole list.
    await this.ids.set(key, { generation, ids: parsed.listings.map((l) => l.id) });
    const nextPollAt = now + this.intervalMs;
    await this.follows.set(key, {
      teamId,
      channelId,
      source,
      filters,
      by: userId,
      at: now,
      on: true,
      generation,
      nextPollAt,
      validators: read.validators,
      lastPoll: {
        at: now,
        records: parsed.listings.length,
        malformed: parsed.malformed,
        matching: preview.matching,
        posted: 0,
      },
      postedTotal: previous?.postedTotal ?? 0,
    });
    await this.index.update("all", (keys = []) => (keys.includes(key) ? keys : [...keys, key]));
    return {
      ok: true,
      preview,
      replaced: previous?.on && previous.source !== source ? previous.source : undefined,
      nextPollAt,
    };
  }

  /** The channel's follow (on or off), if it ever followed a source. */
  status(teamId: string, channelId: string): Promise<Follow | undefined> {
    return this.follows.get(followKey(teamId, channelId));
  }

  /** What the channel's source holds now that matches its filters (nothing is posted or stored). */
  async preview(teamId: string, channelId: string): Promise<PreviewResult> {
    const follow = await this.follows.get(followKey(teamId, channelId));
    if (!follow?.on) return { ok: false, problem: "not_following" };
    try {
      const read = await readParsed(follow.source, {});
      if (!read.changed) throw new SourceError("unreachable", "no content");
      const { parsed } = read;
      return {
        ok: true,
        preview: previewOf(follow.source, follow.filters, parsed.listings, parsed.malformed),
      };
    } catch (error) {
      if (error instanceof SourceError) return { ok: false, problem: error.reason };
      throw error;
    }
  }

  /** Stops following; returns the follow that was on, if any. */
  async off(teamId: string, channelId: string, userId: string): Promise<Follow | undefined> {
    const key = followKey(teamId, channelId);
    let was: Follow | undefined;
    if (await this.follows.get(key)) {
      await this.follows.update(key, (current) => {
        if (!current) throw new Error(`follow ${key} vanished`);
        was = current.on ? current : undefined;
        return { ...current, on: false, offReason: `off_by:${userId}` };
      });
    }
    await this.index.update("all", (keys = []) => keys.filter((k) => k !== key));
    return was;
  }

  /** One pass of the every-minute tick: polls each followed source that is due. */
  async tick(now: number = this.options.clock.now()): Promise<PollReport[]> {
    const reports: PollReport[] = [];
    for (const key of (await this.index.get("all")) ?? []) {
      if (this.stopping) break;
      const follow = await this.follows.get(key);
      if (!follow?.on || now < follow.nextPollAt) continue;
      const lease = `${key}:${follow.generation}:${follow.nextPollAt}`;
      if (!(await this.leases.claim(lease, { at: now }, LEASE_MS))) continue;
      reports.push(await this.poll(follow, now));
    }
    return reports;
  }

  /** Polls one channel's source right away (the playground's "Poll now"). */
  async pollNow(teamId: string, channelId: string): Promise<PollReport | undefined> {
    const follow = await this.follows.get(followKey(teamId, channelId));
    if (!follow?.on) return undefined;
    return this.poll(follow, this.options.clock.now());
  }

  /** Stops between polls (at shutdown); a poll under way finishes its posts. */
  stop(): void {
    this.stopping = true;
  }

  private async poll(follow: Follow, now: number): Promise<PollReport> {
    const key = followKey(follow.teamId, follow.channelId);
    const report: PollReport = {
      key,
      status: "unchanged",
      posted: 0,
      digest: false,
      closed: 0,
      malformed: 0,
    };
    let read: Awaited<ReturnType<typeof readParsed>>;
    try {
      read = await readParsed(follow.source, follow.validators);
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      return this.failed(follow, error, now, report);
    }
    if (!read.changed) {
      await this.save(follow, (f) => ({
        ...f,
        nextPollAt: now + this.intervalMs,
        lastPoll: { ...(f.lastPoll ?? emptyPoll(now)), at: now, posted: 0 },
        failure: undefined,
      }));
      return report;
    }
    const { listings, malformed } = read.parsed;
    report.malformed = malformed;
    const known = await this.ids.get(key);
    const baseline = known?.generation === follow.generation ? new Set(known.ids) : undefined;
    let matching = 0;
    const fresh: Listing[] = [];
    for (const listing of listings) {
      if (!listing.open || !matches(listing, follow.filters)) continue;
      matching++;
      if (baseline && !baseline.has(listing.id)) fresh.push(listing);
    }
    // Oldest first, so the channel reads them in the order they were posted.
    fresh.sort((a, b) => a.datePosted - b.datePosted || a.id.localeCompare(b.id));
    const unsent = await this.publish(follow, fresh, now, report);
    report.closed = await this.closeInactive(follow, listings);
    if (report.status !== "stopped") report.status = "posted";
    // Listings that could not be posted stay out of the baseline so the next poll tries again.
    const ids = unsent.size > 0 ? listings.filter((l) => !unsent.has(l.id)) : listings;
    const generationNow = (await this.follows.get(key))?.generation;
    if (generationNow === follow.generation) {
      await this.ids.set(key, { generation: follow.generation, ids: ids.map((l) => l.id) });
    }
    await this.save(follow, (f) => ({
      ...f,
      nextPollAt: now + this.intervalMs,
      // Re-read the whole source next time when some posts are still owed.
      validators: unsent.size > 0 ? {} : read.validators,
      lastPoll: { at: now, records: listings.length, malformed, matching, posted: report.posted },
      failure: undefined,
      postedTotal: f.postedTotal + report.posted,
    }));
    return report;
  }

  /** Posts the fresh listings (claimed one by one); returns the ids that could not be posted. */
  private async publish(
    follow: Follow,
    fresh: Listing[],
    now: number,
    report: PollReport,
  ): Promise<Set<string>> {
    const unsent = new Set<string>();
    if (fresh.length === 0) return unsent;
    // Shutting down: post nothing; the next poll (after the restart) finds them still new.
    if (this.stopping) {
      report.status = "stopped";
      return new Set(fresh.map((l) => l.id));
    }
    const key = followKey(follow.teamId, follow.channelId);
    const asDigest = fresh.length > MAX_SINGLE_POSTS;
    const shown = asDigest ? fresh.slice(-DIGEST_MAX_ITEMS) : fresh;
    const claimed: ListingSnapshot[] = [];
    for (const listing of shown) {
      const snapshot = snapshotOf(listing);
      const record: PostRecord = { state: "posting", at: now, listing: snapshot, closed: false };
      if (await this.posts.claim(`${key}:${listing.id}`, record, POST_TTL_MS))
        claimed.push(snapshot);
    }
    if (claimed.length === 0) return unsent;
    const base = { teamId: follow.teamId, channelId: follow.channelId, source: follow.source };
    const messages: Array<{ message: ListingsMessage; ids: string[] }> = asDigest
      ? [
          {
            message: {
              ...base,
              kind: "digest",
              items: [...claimed].reverse().map((listing) => ({ listing, closed: false })),
              more: fresh.length - shown.length,
            },
            ids: claimed.map((l) => l.id),
          },
        ]
      : claimed.map((listing) => ({
          message: { ...base, kind: "listing", listing, closed: false },
          ids: [listing.id],
        }));
    const { results, aborted } = await this.sender.run(
      messages.map((content) => ({ channelKey: key, content })),
      (job) => this.options.outlet.post(job.content.message),
    );
    for (const result of results) {
      const { message, ids } = result.job.content;
      if (result.status === "posted" && result.ts) {
        const ts = result.ts;
        for (const id of ids) {
          const record = await this.posts.get(`${key}:${id}`);
          if (!record) continue;
          const where = message.kind === "digest" ? { digestTs: ts } : { ts };
          await this.posts.set(
            `${key}:${id}`,
            { ...record, state: "posted", ...where },
            POST_TTL_MS,
          );
        }
        if (message.kind === "digest") {
          await this.digests.set(
            `${key}:${ts}`,
            { ids, more: message.kind === "digest" ? message.more : 0, source: follow.source },
            POST_TTL_MS,
          );
        }
        await this.watched.update(key, (list = []) => [...list, ...ids].slice(-MAX_WATCHED));
        report.posted += ids.length;
        report.digest ||= message.kind === "digest";
        continue;
      }
      // Not posted: release the claims so a later poll posts them.
      for (const id of ids) {
        await this.posts.delete(`${key}:${id}`);
        unsent.add(id);
      }
      if (result.status === "channel_gone") {
        await this.pause(follow, result.error ?? "channel_gone");
        report.status = "stopped";
        report.error = result.error;
      } else {
        report.error = result.error ?? result.status;
        this.options.logger.warn(
          `could not post listings to ${key}: ${report.error}; they are tried again at the next poll`,
        );
      }
    }
    if (aborted) this.options.logger.error(`stopped posting listings: Slack says ${aborted}`);
    // Listings cut from a digest are counted as announced (the digest links to the list).
    return unsent;
  }

  /** Redraws posted listings that are no longer active as closed. */
  private async closeInactive(follow: Follow, listings: Listing[]): Promise<number> {
    const key = followKey(follow.teamId, follow.channelId);
    const watching = new Set((await this.watched.get(key)) ?? []);
    if (watching.size === 0) return 0;
    const closedIds = listings.filter((l) => !l.open && watching.has(l.id)).map((l) => l.id);
    let closed = 0;
    const digestsToRedraw = new Set<string>();
    for (const id of closedIds) {
      const current = await this.posts.get(`${key}:${id}`);
      if (!current || current.closed || current.state !== "posted") continue;
      let flipped = false;
      const record = await this.posts.update(
        `${key}:${id}`,
        (r) => {
          const base = r ?? current;
          if (base.closed) return base;
          flipped = true;
          return { ...base, closed: true };
        },
        POST_TTL_MS,
      );
      if (!flipped) continue;
      closed++;
      const base = { teamId: follow.teamId, channelId: follow.channelId, source: follow.source };
      if (record.ts) {
        const outcome = await this.options.outlet.update(
          { ...base, kind: "listing", listing: record.listing, closed: true },
          record.ts,
        );
        if (!outcome.ok)
          this.options.logger.warn(`could not mark ${id} closed in ${key}: ${outcome.error}`);
      } else if (record.digestTs) {
        digestsToRedraw.add(record.digestTs);
      }
    }
    for (const ts of digestsToRedraw) await this.redrawDigest(follow, key, ts);
    if (closedIds.length > 0) {
      const done = new Set(closedIds);
      await this.watched.update(key, (list = []) => list.filter((id) => !done.has(id)));
    }
    return closed;
  }

  private async redrawDigest(follow: Follow, key: string, ts: string): Promise<void> {
    const digest = await this.digests.get(`${key}:${ts}`);
    if (!digest) return;
    const items: Array<{ listing: ListingSnapshot; closed: boolean }> = [];
    for (const id of digest.ids) {
      const record = await this.posts.get(`${key}:${id}`);
      if (record) items.push({ listing: record.listing, closed: record.closed });
    }
    const outcome = await this.options.outlet.update(
      {
        kind: "digest",
        teamId: follow.teamId,
        channelId: follow.channelId,
        source: digest.source,
        items: items.reverse(),
        more: digest.more,
      },
      ts,
    );
    if (!outcome.ok)
      this.options.logger.warn(`could not redraw digest ${ts} in ${key}: ${outcome.error}`);
  }

  private async failed(
    follow: Follow,
    error: SourceError,
    now: number,
    report: PollReport,
  ): Promise<PollReport> {
    const key = followKey(follow.teamId, follow.channelId);
    const previous = follow.failure;
    const failure = {
      since: previous?.since ?? now,
      count: (previous?.count ?? 0) + 1,
      reason: error.reason,
      at: now,
      notified: previous?.notified ?? false,
    };
    report.status = "failed";
    report.error = error.reason;
    this.options.logger.warn(
      `listings source for ${key} failed (${failure.count} in a row): ${error.message}`,
    );
    if (!failure.notified && now - failure.since >= FAILING_NOTICE_MS) {
      // Claimed, so two replicas (or a restart) tell the channel once.
      const notice = `${key}:notice:${follow.generation}:${failure.since}`;
      if (await this.leases.claim(notice, { at: now }, 2 * FAILING_NOTICE_MS)) {
        const outcome = await this.options.outlet.post({
          kind: "source_down",
          teamId: follow.teamId,
          channelId: follow.channelId,
          source: follow.source,
          reason: error.reason,
          since: failure.since,
        });
        if (!outcome.ok) {
          await this.leases.delete(notice);
          this.options.logger.warn(`could not tell ${key} its source is down: ${outcome.error}`);
        } else {
          failure.notified = true;
        }
      } else {
        failure.notified = true;
      }
    }
    await this.save(follow, (f) => ({
      ...f,
      nextPollAt: now + backoffMs(failure.count, this.intervalMs),
      failure,
    }));
    return report;
  }

  private async pause(follow: Follow, reason: string): Promise<void> {
    const key = followKey(follow.teamId, follow.channelId);
    await this.save(follow, (f) => ({ ...f, on: false, offReason: reason }));
    await this.index.update("all", (keys = []) => keys.filter((k) => k !== key));
    this.options.logger.warn(`stopped following listings in ${key}: ${reason}`);
  }

  /** Writes a follow unless it was replaced (a new `follow`) or turned off meanwhile. */
  private async save(follow: Follow, change: (current: Follow) => Follow): Promise<void> {
    await this.follows.update(followKey(follow.teamId, follow.channelId), (current) => {
      const latest = current ?? follow;
      if (latest.generation !== follow.generation || !latest.on) return latest;
      return change(latest);
    });
  }

  /** The record of a listing posted in a channel (for the buttons on its post). */
  posted(teamId: string, channelId: string, listingId: string): Promise<PostRecord | undefined> {
    return this.posts.get(`${followKey(teamId, channelId)}:${listingId}`);
  }
}

/**
 * Reads and parses a source; the text is dropped as soon as it is parsed (only the listings are
 * kept for the rest of the poll).
 */
async function readParsed(
  source: string,
  validators: Validators,
): Promise<{ changed: false } | { changed: true; parsed: ParsedListings; validators: Validators }> {
  const read = await readSource(toLocation(source), validators);
  if (!read.changed) return read;
  return { changed: true, parsed: parseListings(read.text), validators: read.validators };
}

/**
 * How long to wait after `failures` failures in a row: the next poll, then twice, four times…
 * the interval, never more than 6 hours (or the interval, if that is longer).
 */
export function backoffMs(failures: number, intervalMs: number): number {
  const factor = 2 ** Math.min(Math.max(failures - 1, 0), 10);
  return Math.min(intervalMs * factor, Math.max(intervalMs, MAX_BACKOFF_MS));
}

export function followKey(teamId: string, channelId: string): string {
  return `${teamId}:${channelId}`;
}

function emptyPoll(at: number) {
  return { at, records: 0, malformed: 0, matching: 0, posted: 0 };
}

function snapshotOf(l: Listing): ListingSnapshot {
  const snapshot: ListingSnapshot = {
    id: l.id,
    company: l.company,
    title: l.title,
    url: l.url,
    locations: l.locations,
    terms: l.terms,
    sponsorship: l.sponsorship,
    datePosted: l.datePosted,
  };
  if (l.category) snapshot.category = l.category;
  return snapshot;
}

function previewOf(
  source: string,
  filters: Filters,
  listings: readonly Listing[],
  malformed: number,
): Preview {
  const current = listings.filter((l) => l.open && matches(l, filters));
  const newest = [...current].sort(newestFirst).slice(0, 3).map(snapshotOf);
  return { source, filters, records: listings.length, malformed, matching: current.length, newest };
}
