import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { Deadlines } from "../../../src/services/deadlines/deadlines.ts";
import type { KnowledgeBase } from "../../../src/services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import { ChannelSettings } from "../../../src/services/nudges/channels.ts";
import {
  type NudgeContent,
  NudgeScheduler,
  type NudgeTag,
} from "../../../src/services/nudges/scheduler.ts";
import type { PostOutcome } from "../../../src/services/nudges/sender.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { memoryLogger } from "../../helpers/harness.ts";
import { VirtualClock } from "../../helpers/virtual-clock.ts";

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
});

/** What a fake Slack holds: each message with the tag it was posted with. */
type FakeSlack = Array<{ content: NudgeContent; tag: NudgeTag }>;

/**
 * A scheduler over a store, with a fake clock and a recording deliver; `slack` (shared between
 * schedulers to play several processes) holds what was accepted, for `find`.
 */
function setup(
  store: Store,
  start: string,
  answer: (c: NudgeContent) => PostOutcome | Promise<PostOutcome> = () => ({ ok: true, ts: "1.1" }),
  slack: FakeSlack = [],
) {
  const clock = new VirtualClock(Date.parse(start));
  const now = () => new Date(clock.now());
  const posted: NudgeContent[] = [];
  const logger = memoryLogger();
  const channels = new ChannelSettings(store, now, logger);
  const deadlines = new Deadlines(store, now);
  const scheduler = new NudgeScheduler({
    store,
    kb,
    channels,
    deadlines,
    clock,
    logger,
    deliver: async (content, tag) => {
      const outcome = await answer(content);
      if (outcome.ok) {
        posted.push(content);
        slack.push({ content, tag });
      }
      return outcome;
    },
    find: async (channelId, tag) => {
      const found = slack.find((m) => m.content.channelId === channelId && m.tag.id === tag.id);
      return found ? { ok: true, ts: "found" } : { ok: true };
    },
  });
  /** Ticks once a minute from the clock's time until `until`. */
  const runUntil = async (until: string) => {
    while (clock.now() <= Date.parse(until)) {
      await scheduler.tick(new Date(clock.now()));
      clock.advance(60_000);
    }
  };
  /** Turns nudges on in a channel of team T: every `weekday` at `time` in `timezone`. */
  const weeklyAt = (channel: string, weekday: number, time: string, timezone: string) =>
    channels.turnOn("T", channel, { weekday, time, timezone }, "U");
  return { clock, posted, channels, deadlines, scheduler, logger, runUntil, weeklyAt };
}

const weekly = (posted: NudgeContent[]) => posted.filter((p) => p.kind === "weekly");

describe("the weekly nudge", () => {
  it("fires once a week at 09:00 New York time: 14:00 UTC in January, 13:00 UTC in July", async () => {
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z");
    await s.weeklyAt("C", 1, "09:00", "America/New_York");
    s.clock.set("2027-01-11T13:58:00Z");
    await s.runUntil("2027-01-11T14:01:00Z");
    expect(weekly(s.posted)).toHaveLength(1);
    await s.runUntil("2027-01-11T20:00:00Z");
    expect(weekly(s.posted)).toHaveLength(1);

    const july = setup(await openStore("memory://"), "2027-07-10T12:00:00Z");
    await july.weeklyAt("C", 1, "09:00", "America/New_York");
    july.clock.set("2027-07-12T12:58:00Z");
    await july.runUntil("2027-07-12T12:59:30Z");
    expect(weekly(july.posted)).toHaveLength(0);
    await july.runUntil("2027-07-12T13:00:30Z");
    expect(weekly(july.posted)).toHaveLength(1);
  });

  it("a time in the spring-forward gap fires once, an hour later; one in the repeated hour fires once", async () => {
    const gap = setup(await openStore("memory://"), "2027-03-13T12:00:00Z");
    await gap.weeklyAt("C", 7, "02:30", "America/New_York");
    await gap.runUntil("2027-03-14T12:00:00Z");
    expect(weekly(gap.posted)).toHaveLength(1);

    const repeat = setup(await openStore("memory://"), "2027-11-06T12:00:00Z");
    await repeat.weeklyAt("C", 7, "01:30", "America/New_York");
    await repeat.runUntil("2027-11-07T12:00:00Z");
    expect(weekly(repeat.posted)).toHaveLength(1);
  });

  it("two ticks racing in the same minute post once", async () => {
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z");
    await s.weeklyAt("C", 1, "09:00", "UTC");
    const at = new Date("2027-01-11T09:00:10Z");
    await Promise.all([s.scheduler.tick(at), s.scheduler.tick(at), s.scheduler.tick(at)]);
    expect(weekly(s.posted)).toHaveLength(1);
  });

  it("after a crash mid-run, a restart completes the run: each channel once, and says truthfully what it found", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "nudge-"));
    const url = `sqlite://${path.join(dir, "db.sqlite")}`;
    try {
      const first = await openStore(url);
      const a = setup(first, "2027-01-10T12:00:00Z");
      for (const c of ["C1", "C2", "C3", "C4"]) await a.weeklyAt(c, 1, "09:00", "UTC");
      // The process dies while posting C2 (Slack took it) and C3 (Slack never got it); C4 was
      // never started.
      const slack: FakeSlack = [];
      let hung = 0;
      let died!: () => void;
      const dead = new Promise<void>((resolve) => {
        died = resolve;
      });
      const hang = () => {
        if (++hung === 2) died();
        return new Promise<never>(() => {});
      };
      const crashing = setup(
        first,
        "2027-01-11T09:00:05Z",
        (c) => {
          if (c.channelId === "C2") {
            slack.push({ content: c, tag: { id: "weekly:T:C2:2027-W02", since: 0, teamId: "T" } });
            return hang();
          }
          if (c.channelId === "C3") return hang();
          return { ok: true };
        },
        slack,
      );
      crashing.scheduler = new NudgeScheduler({
        ...(
          crashing.scheduler as unknown as { deps: ConstructorParameters<typeof NudgeScheduler>[0] }
        ).deps,
        sender: { concurrency: 2 },
      });
      void crashing.scheduler.tick(new Date("2027-01-11T09:00:05Z"));
      await dead;
      await first.close();

      const second = await openStore(url);
      const b = setup(second, "2027-01-11T09:00:40Z", undefined, slack);
      await b.runUntil("2027-01-11T10:00:00Z");
      const inSlack = slack.map((m) => m.content.channelId).sort();
      expect(inSlack).toEqual(["C1", "C2", "C3", "C4"]);
      const told = b.logger.lines.filter((l) => l.includes("was being posted when"));
      expect(told).toEqual([
        expect.stringContaining(
          "weekly:T:C2:2027-W02 was being posted when its process stopped; Slack has it",
        ),
        expect.stringContaining(
          "weekly:T:C3:2027-W02 was being posted when its process stopped; Slack does not have it, so it is posted now",
        ),
      ]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a run missed while the bot was down is posted at start-up if under 6 hours late, else skipped and logged", async () => {
    const store = await openStore("memory://");
    const s = setup(store, "2027-01-10T12:00:00Z");
    await s.weeklyAt("LATE5", 1, "09:00", "UTC");
    await s.weeklyAt("LATE7", 1, "07:00", "UTC");
    // The bot comes back at 14:00: LATE5 is 5 h late, LATE7 is 7 h late.
    const back = setup(store, "2027-01-11T14:00:00Z");
    await back.scheduler.tick(new Date("2027-01-11T14:00:00Z"));
    expect(weekly(back.posted).map((p) => p.channelId)).toEqual(["LATE5"]);
    expect(
      back.logger.lines.some((l) =>
        /skipped the weekly nudge for T:LATE7: due 2027-01-11T07:00:00.000Z, 7.0 h late/.test(l),
      ),
    ).toBe(true);
    await back.runUntil("2027-01-11T16:00:00Z");
    expect(weekly(back.posted)).toHaveLength(1);
    expect(back.logger.lines.filter((l) => l.includes("skipped the weekly nudge"))).toHaveLength(1);
  });

  it("does not post a run from before the schedule was set", async () => {
    const s = setup(await openStore("memory://"), "2027-01-11T09:30:00Z");
    await s.weeklyAt("C", 1, "09:00", "UTC");
    await s.runUntil("2027-01-11T12:00:00Z");
    expect(s.posted).toHaveLength(0);
  });

  it("rotates practice prompts without repeats until all have been used, and keeps one prompt per week", async () => {
    const s = setup(await openStore("memory://"), "2027-01-01T00:00:00Z");
    const ids: string[] = [];
    for (let week = 0; week < kb.prompts.length + 2; week++) {
      const at = new Date(Date.parse("2027-01-04T12:00:00Z") + week * 7 * 86_400_000);
      const nudge = await s.scheduler.postNow("T", "C", "UTC", at);
      const again = await s.scheduler.postNow("T", "C", "UTC", at);
      expect((again.job.content as { prompt?: { id: string } }).prompt?.id).toBe(
        (nudge.job.content as { prompt?: { id: string } }).prompt?.id,
      );
      ids.push((nudge.job.content as { prompt?: { id: string } }).prompt?.id ?? "");
    }
    const firstRound = ids.slice(0, kb.prompts.length);
    expect(new Set(firstRound).size).toBe(kb.prompts.length);
    expect(ids.slice(kb.prompts.length)).toEqual(firstRound.slice(0, 2));
  });

  it("lists deadlines of the next 14 days, soonest first", async () => {
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z");
    await s.deadlines.add("T", "C", { date: { date: "2027-01-30" }, title: "Far" }, "U", "UTC");
    await s.deadlines.add("T", "C", { date: { date: "2027-01-20" }, title: "Second" }, "U", "UTC");
    await s.deadlines.add("T", "C", { date: { date: "2027-01-12" }, title: "First" }, "U", "UTC");
    const result = await s.scheduler.postNow("T", "C", "UTC", new Date("2027-01-11T09:00:00Z"));
    const content = result.job.content;
    expect(
      content.kind === "weekly" && content.deadlines.map((d) => [d.deadline.title, d.daysLeft]),
    ).toEqual([
      ["First", 1],
      ["Second", 9],
    ]);
  });
});

describe("deadline reminders", () => {
  it("go out 3 days and 1 day before, at the channel's nudge time, once each", async () => {
    const s = setup(await openStore("memory://"), "2027-01-01T12:00:00Z");
    await s.weeklyAt("C", 1, "09:00", "Europe/Berlin");
    await s.deadlines.add(
      "T",
      "C",
      { date: { date: "2027-01-15" }, title: "Acme" },
      "U",
      "Europe/Berlin",
    );
    s.clock.set("2027-01-11T07:55:00Z");
    await s.runUntil("2027-01-15T12:00:00Z");
    const reminders = s.posted.filter((p) => p.kind === "reminder");
    expect(reminders.map((r) => (r.kind === "reminder" ? r.daysLeft : 0))).toEqual([3, 1]);
  });
});

describe("when posting fails", () => {
  it("pauses a channel the bot was removed from, and keeps posting the others", async () => {
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z", (c) =>
      c.channelId === "GONE" ? { ok: false, error: "not_in_channel" } : { ok: true },
    );
    for (const c of ["A", "GONE", "B"]) await s.weeklyAt(c, 1, "09:00", "UTC");
    const report = await s.scheduler.tick(new Date("2027-01-11T09:00:00Z"));
    expect(report).toMatchObject({ posted: 2, paused: ["T:GONE"] });
    expect((await s.channels.get("T", "GONE")).schedule?.pausedReason).toBe("not_in_channel");
    expect((await s.channels.scheduled()).map((c) => c.channelId).sort()).toEqual(["A", "B"]);
  });

  it("stops the whole run when the token is revoked, and logs it as an error", async () => {
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z", () => ({
      ok: false,
      error: "token_revoked",
    }));
    for (let i = 0; i < 30; i++) await s.weeklyAt(`C${i}`, 1, "09:00", "UTC");
    const report = await s.scheduler.tick(new Date("2027-01-11T09:00:00Z"));
    expect(report.aborted).toBe("token_revoked");
    expect(
      s.logger.lines.some((l) =>
        l.startsWith("error stopped posting nudges: Slack says token_revoked"),
      ),
    ).toBe(true);
  });

  it("retries a transient error on a later tick, and posts once", async () => {
    let fail = true;
    const s = setup(await openStore("memory://"), "2027-01-10T12:00:00Z", () =>
      fail ? { ok: false, error: "internal_error" } : { ok: true },
    );
    await s.weeklyAt("C", 1, "09:00", "UTC");
    const first = await s.scheduler.tick(new Date("2027-01-11T09:00:00Z"));
    expect(first.failed).toBe(1);
    fail = false;
    await s.scheduler.tick(new Date("2027-01-11T09:05:00Z"));
    await s.scheduler.tick(new Date("2027-01-11T09:06:00Z"));
    expect(weekly(s.posted)).toHaveLength(1);
  });
});

describe("a damaged record", () => {
  it("stops only its own channel: logged once with its key, the others are nudged", async () => {
    const store = await openStore("memory://");
    const s = setup(store, "2027-01-10T12:00:00Z");
    for (const c of ["A", "BAD", "C", "DL"]) await s.weeklyAt(c, 1, "09:00", "UTC");
    await s.deadlines.add("T", "DL", { date: { date: "2027-01-12" }, title: "Due" }, "U", "UTC");
    // One channel's settings and another's deadlines fail their schemas; the index gets junk.
    const raw = (name: string) => store.collection(name, z.unknown());
    const bad = (await raw("channels").get("T:BAD")) as { schedule: object };
    await raw("channels").set("T:BAD", { ...bad, schedule: { ...bad.schedule, weekday: 9 } });
    await raw("deadlines").set("T:DL", { items: [{ id: 42 }] });
    await raw("schedules").update("all", (v) => ({ ...(v as object), "T:JUNK": [1, 2] }));

    s.clock.set("2027-01-11T08:59:00Z");
    await s.runUntil("2027-01-11T09:10:00Z");
    expect(
      weekly(s.posted)
        .map((p) => p.channelId)
        .sort(),
    ).toEqual(["A", "C"]);
    const about = (key: string) => s.logger.lines.filter((l) => l.includes(key));
    expect(about("channels:T:BAD")).toEqual([
      expect.stringContaining(
        "warn no nudges for T:BAD until its settings are set again (/nudges on): stored value channels:T:BAD does not match its schema",
      ),
    ]);
    expect(about("deadlines:T:DL").length).toBeGreaterThanOrEqual(1);
    expect(new Set(about("deadlines:T:DL")).size).toBe(about("deadlines:T:DL").length);

    // Setting the schedule again repairs the channel.
    await s.weeklyAt("BAD", 1, "09:20", "UTC");
    await s.runUntil("2027-01-11T09:21:00Z");
    expect(weekly(s.posted).map((p) => p.channelId)).toContain("BAD");
  });
});

describe("a claim held by another process", () => {
  it("is left alone while that process runs, and completed by a tick after it is gone", async () => {
    const store = await openStore("memory://");
    const slack: FakeSlack = [];
    const a = setup(store, "2027-01-10T12:00:00Z", () => new Promise<never>(() => {}), slack);
    await a.weeklyAt("C", 1, "09:00", "UTC");
    // Process A (a real process, so it can die) claims the nudge and hangs while posting it.
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    const deps = (
      a.scheduler as unknown as { deps: ConstructorParameters<typeof NudgeScheduler>[0] }
    ).deps;
    const processA = new NudgeScheduler({
      ...deps,
      owner: { host: hostname(), pid: other.pid as number, instance: "A" },
    });
    void processA.tick(new Date("2027-01-11T09:00:05Z"));
    await vi.waitFor(async () =>
      expect(await store.collection("sent", z.unknown()).get("weekly:T:C:2027-W02")).toBeDefined(),
    );

    const b = setup(store, "2027-01-11T09:01:00Z", undefined, slack);
    expect((await b.scheduler.tick(new Date("2027-01-11T09:01:00Z"))).posted).toBe(0);
    other.kill("SIGKILL");
    await new Promise((resolve) => other.on("exit", resolve));
    expect((await b.scheduler.tick(new Date("2027-01-11T09:02:00Z"))).posted).toBe(1);
    expect(slack.map((m) => m.content.channelId)).toEqual(["C"]);
    expect(b.logger.lines).toContainEqual(
      expect.stringContaining(
        "weekly:T:C:2027-W02 was being posted when its process stopped; Slack does not have it, so it is posted now",
      ),
    );
  });
});
