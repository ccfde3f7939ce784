import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FAILING_NOTICE_MS,
  ListingsFeed,
  type ListingsMessage,
  type ListingsOutlet,
} from "../../../src/services/listings/feed.ts";
import type { PostOutcome } from "../../../src/services/nudges/sender.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { memoryLogger } from "../../helpers/harness.ts";
import { ListingsServer, record, records } from "../../helpers/listings.ts";
import { VirtualClock } from "../../helpers/virtual-clock.ts";

const MINUTE = 60_000;
const T = "T1";
const C = "C1";

/** Records what the feed posts and redraws; `fail` answers the next posts with an error. */
class FakeOutlet implements ListingsOutlet {
  readonly posts: Array<ListingsMessage & { ts: string }> = [];
  readonly updates: Array<{ message: ListingsMessage; ts: string }> = [];
  fail: string[] = [];
  private n = 0;
  async post(message: ListingsMessage): Promise<PostOutcome> {
    const error = this.fail.shift();
    if (error) return { ok: false, error };
    const ts = `100.${++this.n}`;
    this.posts.push({ ...message, ts });
    return { ok: true, ts };
  }
  async update(message: ListingsMessage, ts: string): Promise<PostOutcome> {
    this.updates.push({ message, ts });
    return { ok: true, ts };
  }
  ids(): string[] {
    return this.posts.flatMap((p) =>
      p.kind === "listing"
        ? [p.listing.id]
        : p.kind === "digest"
          ? p.items.map((i) => i.listing.id)
          : [],
    );
  }
}

let server: ListingsServer;
let dir: string;
let store: Store;
let clock: VirtualClock;
let outlet: FakeOutlet;
const feedOn = (s: Store = store, o: ListingsOutlet = outlet) =>
  new ListingsFeed({
    store: s,
    outlet: o,
    clock,
    logger: memoryLogger(),
    pollMinutes: 30,
    cwd: dir,
  });

beforeAll(async () => {
  server = await ListingsServer.start();
  dir = await mkdtemp(path.join(tmpdir(), "listings-feed-"));
});
afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  store = await openStore("memory://");
  clock = new VirtualClock(Date.parse("2026-11-23T12:00:00Z"));
  outlet = new FakeOutlet();
  server.status = 200;
  server.requests.length = 0;
});

/** Moves past the next poll time and ticks. */
async function nextPoll(feed: ListingsFeed) {
  clock.advance(30 * MINUTE);
  return feed.tick();
}

describe("follow", () => {
  it("previews how many open listings match and the 3 newest, and posts nothing", async () => {
    server.set([
      ...records("sw", 4),
      record("ml", { category: "AI/ML/Data", date_posted: 1_790_009_999 }),
      record("closed", { active: false, date_posted: 1_790_099_999 }),
    ]);
    const feed = feedOn();
    const result = await feed.follow(T, C, "U1", server.url, { category: "Software" });
    expect(result).toMatchObject({ ok: true, preview: { matching: 4, records: 6, malformed: 0 } });
    if (!result.ok) return;
    expect(result.preview.newest.map((l) => l.id)).toEqual(["sw4", "sw3", "sw2"]);
    expect(outlet.posts).toEqual([]);
  });

  it("stores nothing when the source cannot be read", async () => {
    server.status = 404;
    const feed = feedOn();
    expect(await feed.follow(T, C, "U1", server.url, {})).toEqual({
      ok: false,
      problem: "http_404",
    });
    expect(await feed.follow(T, C, "U1", "http://example.com/l.json", {})).toEqual({
      ok: false,
      problem: "not_https",
    });
    expect(await feed.status(T, C)).toBeUndefined();
  });
});

describe("polling", () => {
  it("posts nothing old at the first poll, then each new matching listing once", async () => {
    server.set(records("a", 3));
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, { term: "Summer 2027" });
    expect(await nextPoll(feed)).toMatchObject([{ status: "unchanged", posted: 0 }]);
    server.set([
      ...records("a", 3),
      record("new1"),
      record("fall", { terms: ["Fall 2026"] }),
      record("hidden", { is_visible: false }),
      record("inactive", { active: false }),
    ]);
    expect(await nextPoll(feed)).toMatchObject([{ status: "posted", posted: 1 }]);
    expect(outlet.ids()).toEqual(["new1"]);
    expect(outlet.posts[0]).toMatchObject({
      kind: "listing",
      channelId: C,
      source: server.url,
      closed: false,
    });
    // The same file again (a full read, not a 304), and the same listings: nothing more.
    server.set([...records("a", 3), record("new1"), record("fall", { terms: ["Fall 2026"] })]);
    await nextPoll(feed);
    expect(outlet.ids()).toEqual(["new1"]);
  });

  it("does not poll before LISTINGS_POLL_MINUTES have passed, and asks conditionally", async () => {
    server.set(records("a", 2));
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    clock.advance(29 * MINUTE);
    expect(await feed.tick()).toEqual([]);
    clock.advance(MINUTE);
    expect(await feed.tick()).toHaveLength(1);
    expect(server.requests.at(-1)).toMatchObject({ ifNoneMatch: server.etag, status: 304 });
  });

  it("posts more than 5 new listings as one digest", async () => {
    server.set(records("a", 2));
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([...records("a", 2), ...records("n", 7)]);
    expect(await nextPoll(feed)).toMatchObject([{ posted: 7, digest: true }]);
    expect(outlet.posts).toHaveLength(1);
    const [digest] = outlet.posts;
    if (digest?.kind !== "digest") throw new Error("expected a digest");
    expect(digest.items.map((i) => i.listing.id)).toEqual([
      "n7",
      "n6",
      "n5",
      "n4",
      "n3",
      "n2",
      "n1",
    ]);
    expect(digest.more).toBe(0);
  });

  it("posts exactly 5 one by one, oldest first", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set(records("n", 5));
    await nextPoll(feed);
    expect(outlet.posts.map((p) => p.kind)).toEqual(Array(5).fill("listing"));
    expect(outlet.ids()).toEqual(["n1", "n2", "n3", "n4", "n5"]);
  });

  it("redraws a posted listing as closed when it becomes inactive (once)", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([record("x"), record("y")]);
    await nextPoll(feed);
    server.set([record("x", { active: false }), record("y")]);
    expect(await nextPoll(feed)).toMatchObject([{ closed: 1 }]);
    expect(outlet.updates).toHaveLength(1);
    expect(outlet.updates[0]).toMatchObject({
      ts: outlet.posts[0]?.ts,
      message: { kind: "listing", closed: true, listing: { id: "x" } },
    });
    server.set([record("x", { active: false, date_updated: 2 }), record("y")]);
    await nextPoll(feed);
    expect(outlet.updates).toHaveLength(1);
  });

  it("redraws a digest with the closed listing marked", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set(records("n", 6));
    await nextPoll(feed);
    const closedList = records("n", 6);
    (closedList[2] as Record<string, unknown>).is_visible = false;
    server.set(closedList);
    await nextPoll(feed);
    expect(outlet.updates).toHaveLength(1);
    const redrawn = outlet.updates[0]?.message;
    if (redrawn?.kind !== "digest") throw new Error("expected a digest redraw");
    expect(redrawn.items.filter((i) => i.closed).map((i) => i.listing.id)).toEqual(["n3"]);
    expect(outlet.updates[0]?.ts).toBe(outlet.posts[0]?.ts);
  });

  it("counts malformed records and still posts the good ones", async () => {
    server.set([record("a")]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([record("a"), record("b"), { id: "broken" }, { ...record("c"), url: 42 }]);
    expect(await nextPoll(feed)).toMatchObject([{ posted: 1, malformed: 2 }]);
    expect((await feed.status(T, C))?.lastPoll).toMatchObject({ records: 2, malformed: 2 });
  });

  it("follows a file on disk", async () => {
    const file = path.join(dir, "ours.json");
    await writeFile(file, JSON.stringify([record("a")]));
    const feed = feedOn();
    expect(await feed.follow(T, C, "U1", "ours.json", {})).toMatchObject({
      ok: true,
      preview: { matching: 1 },
    });
    await writeFile(file, JSON.stringify([record("a"), record("b")]));
    await nextPoll(feed);
    expect(outlet.ids()).toEqual(["b"]);
  });

  it("tries a listing again at the next poll when Slack refused it", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([record("a")]);
    outlet.fail = Array(5).fill("internal_error");
    expect(await nextPoll(feed)).toMatchObject([{ posted: 0, error: "internal_error" }]);
    outlet.fail = [];
    expect(await nextPoll(feed)).toMatchObject([{ posted: 1 }]);
    expect(outlet.ids()).toEqual(["a"]);
  });

  it("stops following a channel the bot was removed from", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([record("a")]);
    outlet.fail = ["not_in_channel"];
    expect(await nextPoll(feed)).toMatchObject([{ status: "stopped" }]);
    expect(await feed.status(T, C)).toMatchObject({ on: false, offReason: "not_in_channel" });
    expect(await nextPoll(feed)).toEqual([]);
  });

  it("posts nothing while shutting down, and posts it after the restart", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.set([record("a")]);
    feed.stop();
    expect(await feed.pollNow(T, C)).toMatchObject({ status: "stopped", posted: 0 });
    expect(outlet.posts).toEqual([]);
    await nextPoll(feedOn());
    expect(outlet.ids()).toEqual(["a"]);
  });

  it("stops when turned off", async () => {
    server.set([]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    expect(await feed.off(T, C, "U2")).toMatchObject({ source: server.url });
    server.set([record("a")]);
    expect(await nextPoll(feed)).toEqual([]);
    expect(await feed.off(T, C, "U2")).toBeUndefined();
  });
});

describe("a failing source", () => {
  it("is retried with back-off, shows its last error, and the channel is told once after a day", async () => {
    server.set([record("a")]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.status = 500;
    const started = clock.now();
    const pollTimes: number[] = [];
    // A day and a half of minutes, ticking as the cron does.
    while (clock.now() - started < 36 * 60 * MINUTE) {
      clock.advance(MINUTE);
      const reports = await feed.tick();
      if (reports.length > 0) pollTimes.push(clock.now());
    }
    const gaps = pollTimes.slice(1).map((t, i) => (t - (pollTimes[i] as number)) / MINUTE);
    expect(gaps.slice(0, 5)).toEqual([30, 60, 120, 240, 360]);
    const notices = outlet.posts.filter((p) => p.kind === "source_down");
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ reason: "http_500" });
    const status = await feed.status(T, C);
    expect(status?.failure).toMatchObject({
      reason: "http_500",
      notified: true,
      count: pollTimes.length,
    });
    expect(clock.now() - (status?.failure?.since ?? 0)).toBeGreaterThan(FAILING_NOTICE_MS);

    // Back: the failure is cleared and new listings flow again.
    server.status = 200;
    server.set([record("a"), record("b")]);
    clock.advance(6 * 60 * MINUTE);
    await feed.tick();
    expect((await feed.status(T, C))?.failure).toBeUndefined();
    expect(outlet.ids()).toEqual(["b"]);
  });

  it("invalid JSON and an unreachable host are failures too, never crashes", async () => {
    server.set([record("a")]);
    const feed = feedOn();
    await feed.follow(T, C, "U1", server.url, {});
    server.body = "<html>oops";
    expect(await nextPoll(feed)).toMatchObject([{ status: "failed", error: "invalid_json" }]);
    await server.close();
    try {
      expect(await nextPoll(feed)).toMatchObject([{ status: "failed", error: "unreachable" }]);
    } finally {
      server = await ListingsServer.start();
    }
  });
});

describe("exactly once", () => {
  it("survives a restart: a new feed on the same store posts nothing twice", async () => {
    const file = `sqlite://${path.join(dir, "restart.sqlite")}`;
    const first = await openStore(file);
    server.set([]);
    const before = feedOn(first);
    await before.follow(T, C, "U1", server.url, {});
    server.set([record("a")]);
    await nextPoll(before);
    await first.close();

    const second = await openStore(file);
    const after = feedOn(second);
    server.set([record("a"), record("b")]);
    await nextPoll(after);
    await second.close();
    expect(outlet.ids()).toEqual(["a", "b"]);
  });

  it("two schedulers on one store, ticking at the same time, post each listing once", async () => {
    server.set([]);
    const one = feedOn();
    const two = feedOn();
    await one.follow(T, C, "U1", server.url, {});
    server.set([record("a"), record("b")]);
    clock.advance(30 * MINUTE);
    const [r1, r2] = await Promise.all([one.tick(), two.tick()]);
    expect(r1.length + r2.length).toBe(1);
    expect(outlet.ids()).toEqual(["a", "b"]);
  });

  it("two schedulers polling at once (a lease lost) still post each listing once", async () => {
    server.set([]);
    const one = feedOn();
    const two = feedOn();
    await one.follow(T, C, "U1", server.url, {});
    server.set(records("n", 3));
    await Promise.all([one.pollNow(T, C), two.pollNow(T, C)]);
    expect(outlet.ids().sort()).toEqual(["n1", "n2", "n3"]);
  });
});
