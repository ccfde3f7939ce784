import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChecklistProgress } from "../../../src/services/checklists/progress.ts";
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
import { repeatedPartnerships } from "../../../src/services/pairs/pairing.ts";
import {
  PairRounds,
  type PairsContent,
  type PairsIntro,
  type PairsSlack,
} from "../../../src/services/pairs/rounds.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";
import { failingStore } from "../../helpers/failing-store.ts";
import { memoryLogger } from "../../helpers/harness.ts";
import { type RedisServer, skipRedis, startRedis } from "../../helpers/redis.ts";
import { VirtualClock } from "../../helpers/virtual-clock.ts";

let kb: KnowledgeBase;
let dir: string;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
  dir = await mkdtemp(path.join(tmpdir(), "pairs-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const T = "T1";
const C = "C0STUDY";
const users = (n: number) =>
  Array.from({ length: n }, (_, i) => `U0${String.fromCharCode(65 + i)}`);

/** What a fake Slack holds: each message with its tag; the channel's members; group DMs opened. */
interface FakeSlack {
  messages: Array<{ content: NudgeContent; tag: NudgeTag }>;
  members: string[];
  opened: string[][];
}

function fakeSlack(members: string[] = []): FakeSlack {
  return { messages: [], members, opened: [] };
}

/**
 * One process: a scheduler with `/pairs` as its source, over `store`, with a virtual clock.
 * Several processes share `slack` (and the store) to play replicas or a restart.
 */
function setup(
  store: Store,
  clock: VirtualClock,
  slack: FakeSlack,
  options: {
    answer?: (c: NudgeContent) => PostOutcome | Promise<PostOutcome>;
    owner?: string;
    pairsSlack?: Partial<PairsSlack>;
  } = {},
) {
  const now = () => new Date(clock.now());
  const logger = memoryLogger();
  const channels = new ChannelSettings(store, now, logger);
  const progress = new ChecklistProgress(store, now);
  const pairsSlack: PairsSlack = {
    members: async () => ({ ok: true, value: [...slack.members, "UBOT"] }),
    openGroup: async (_team, group) => {
      slack.opened.push([...group]);
      return { ok: true, value: `G${[...group].sort().join("")}` };
    },
    ...options.pairsSlack,
  };
  const pairs = new PairRounds({ store, kb, progress, channels, slack: pairsSlack, clock, logger });
  const scheduler = new NudgeScheduler({
    store,
    kb,
    channels,
    deadlines: new Deadlines(store, now),
    clock,
    logger,
    sources: [pairs],
    // Another host each: neither can check whether the other's process is alive.
    ...(options.owner
      ? { owner: { host: `host-${options.owner}`, pid: 1, instance: options.owner } }
      : {}),
    deliver: async (content, tag) => {
      const outcome = options.answer
        ? await options.answer(content)
        : { ok: true as const, ts: "1.1" };
      if (outcome.ok) slack.messages.push({ content, tag });
      return outcome;
    },
    find: async (channelId, tag) =>
      slack.messages.some((m) => m.content.channelId === channelId && m.tag.id === tag.id)
        ? { ok: true, ts: "found" }
        : { ok: true },
  });
  /** Ticks once a minute from the clock's time until `until`. */
  const runUntil = async (until: string, failures?: unknown[]) => {
    while (clock.now() <= Date.parse(until)) {
      try {
        await scheduler.tick(new Date(clock.now()));
      } catch (error) {
        // The cron logs a failed tick and runs the next one a minute later.
        if (!failures) throw error;
        failures.push(error);
      }
      clock.advance(60_000);
    }
  };
  return { pairs, scheduler, progress, logger, runUntil };
}

function posted<K extends PairsContent["kind"]>(slack: FakeSlack, kind: K) {
  return slack.messages
    .map((m) => m.content)
    .filter((c): c is Extract<PairsContent, { kind: K }> => c.kind === kind);
}

/** Turns weekly rounds on (Mondays 09:00 in `timezone`) and runs to the sign-up post. */
async function openRound(
  s: ReturnType<typeof setup>,
  clock: VirtualClock,
  slack: FakeSlack,
  timezone = "UTC",
) {
  await s.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone }, "U0ORG");
  clock.set("2027-01-11T08:58:00Z");
  await s.runUntil("2027-01-11T09:01:00Z");
  const [signUp] = posted(slack, "pairs-signup");
  return signUp;
}

describe("/pairs rounds", () => {
  it("posts the sign-up once at the weekly time (New York: 14:00 UTC in January, 13:00 UTC in July)", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack();
    const s = setup(await openStore("memory://"), clock, slack);
    await s.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "America/New_York" }, "U0");
    clock.set("2027-01-11T13:58:00Z");
    await s.runUntil("2027-01-11T13:59:30Z");
    expect(posted(slack, "pairs-signup")).toHaveLength(0);
    await s.runUntil("2027-01-11T20:00:00Z");
    expect(posted(slack, "pairs-signup")).toEqual([
      expect.objectContaining({
        channelId: C,
        roundId: "2027-W02",
        pairAt: "2027-01-12T14:00:00.000Z",
      }),
    ]);

    const julyClock = new VirtualClock(Date.parse("2027-07-10T12:00:00Z"));
    const july = fakeSlack();
    const j = setup(await openStore("memory://"), julyClock, july);
    await j.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "America/New_York" }, "U0");
    julyClock.set("2027-07-12T12:58:00Z");
    await j.runUntil("2027-07-12T13:00:30Z");
    expect(posted(july, "pairs-signup")).toHaveLength(1);
  });

  it("two participants: one pair 24 hours later, one group DM, the prompt and who goes first", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(4));
    const s = setup(await openStore("memory://"), clock, slack);
    const signUp = await openRound(s, clock, slack);
    await s.pairs.signUp(T, C, signUp?.roundId ?? "", "U0A", "join");
    await s.pairs.signUp(T, C, signUp?.roundId ?? "", "U0B", "join");
    await s.runUntil("2027-01-12T08:59:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    await s.runUntil("2027-01-12T09:02:00Z");
    const intros = posted(slack, "pairs-intro");
    expect(intros).toHaveLength(1);
    expect([...(intros[0]?.users ?? [])].sort()).toEqual(["U0A", "U0B"]);
    expect(intros[0]?.channelId).toMatch(/^G/);
    expect(intros[0]?.homeChannelId).toBe(C);
    // No roles started in /skills: the channel's prompt of the week.
    expect(intros[0]?.prompt?.id).toBeTruthy();
    expect(intros[0]?.roles).toEqual([]);
    expect(slack.opened).toHaveLength(1);
    const status = await s.pairs.status(T, C);
    expect(status.last).toMatchObject({ pairs: 1, participants: 2, met: 0 });
    expect(status.open).toBeUndefined();
  });

  it("three participants make one trio; seven make two pairs and a trio, each person in one DM", async () => {
    for (const [n, shape] of [
      [3, [3]],
      [7, [2, 2, 3]],
    ] as const) {
      const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
      const slack = fakeSlack(users(n));
      const s = setup(await openStore("memory://"), clock, slack);
      const signUp = await openRound(s, clock, slack);
      for (const u of users(n)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
      await s.runUntil("2027-01-12T09:05:00Z");
      const intros = posted(slack, "pairs-intro");
      expect(intros.map((i) => i.users.length).sort()).toEqual(shape);
      expect(intros.flatMap((i) => i.users).sort()).toEqual(users(n));
      expect(new Set(intros.map((i) => i.channelId)).size).toBe(intros.length);
    }
  });

  it("standing opt-ins count, Skip this week and /pairs leave take people out, and so does leaving the channel", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(5));
    const s = setup(await openStore("memory://"), clock, slack);
    for (const u of ["U0A", "U0B", "U0C", "U0F"]) expect(await s.pairs.join(T, C, u)).toBe(true);
    expect(await s.pairs.join(T, C, "U0A")).toBe(false);
    const signUp = await openRound(s, clock, slack);
    const round = signUp?.roundId ?? "";
    await s.pairs.signUp(T, C, round, "U0D", "join");
    await s.pairs.signUp(T, C, round, "U0E", "join");
    // Standing, but not this week.
    await s.pairs.signUp(T, C, round, "U0B", "skip");
    // Joined this week, then left for good.
    expect(await s.pairs.leave(T, C, "U0E")).toBe(true);
    expect((await s.pairs.status(T, C)).open?.joined.sort()).toEqual(["U0A", "U0C", "U0D", "U0F"]);
    // U0F is not in the channel any more (not among its members).
    await s.runUntil("2027-01-12T09:05:00Z");
    const paired = posted(slack, "pairs-intro").flatMap((i) => i.users);
    expect(paired.sort()).toEqual(["U0A", "U0C", "U0D"]);
    // Next week U0B (standing) is back in; U0E (left) is not.
    clock.set("2027-01-18T08:59:00Z");
    await s.runUntil("2027-01-19T09:05:00Z");
    const next = posted(slack, "pairs-intro")
      .slice(1)
      .flatMap((i) => i.users);
    expect(next.sort()).toEqual(["U0A", "U0B", "U0C"]);
  });

  it("fewer than two: the round is skipped with one friendly note in the channel", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(3));
    const s = setup(await openStore("memory://"), clock, slack);
    const signUp = await openRound(s, clock, slack);
    await s.pairs.signUp(T, C, signUp?.roundId ?? "", "U0A", "join");
    await s.runUntil("2027-01-12T12:00:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    expect(posted(slack, "pairs-skipped")).toEqual([
      expect.objectContaining({ channelId: C, participants: 1 }),
    ]);
    expect((await s.pairs.status(T, C)).last).toMatchObject({ pairs: 0, participants: 1 });
  });

  it("over five weekly rounds of six people nobody meets a partner of the last four rounds", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(6));
    const s = setup(await openStore("memory://"), clock, slack);
    for (const u of users(6)) await s.pairs.join(T, C, u);
    await s.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "UTC" }, "U0ORG");
    const rounds: string[][][] = [];
    for (let week = 0; week < 5; week++) {
      const monday = new Date(Date.parse("2027-01-11T08:59:00Z") + week * 7 * 86_400_000);
      clock.set(monday);
      await s.runUntil(new Date(monday.getTime() + 86_400_000 + 5 * 60_000).toISOString());
      const groups = posted(slack, "pairs-intro")
        .slice(week * 3)
        .map((i) => i.users);
      expect(groups).toHaveLength(3);
      expect(repeatedPartnerships(groups, rounds)).toBe(0);
      rounds.push(groups);
    }
  });

  it("three days later each pair gets one “Did you meet?”, and status counts the answers", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(4));
    const s = setup(await openStore("memory://"), clock, slack);
    const signUp = await openRound(s, clock, slack);
    for (const u of users(4)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await s.runUntil("2027-01-15T08:58:00Z");
    expect(posted(slack, "pairs-followup")).toHaveLength(0);
    await s.runUntil("2027-01-15T12:00:00Z");
    const followUps = posted(slack, "pairs-followup");
    expect(followUps).toHaveLength(2);
    const [first, second] = followUps;
    if (!first || !second) throw new Error("no follow-ups");
    const round = first.roundId;
    expect(await s.pairs.answer(T, C, round, first.index, first.users[0] ?? "", "yes")).toBe(true);
    expect(await s.pairs.answer(T, C, round, first.index, first.users[1] ?? "", "yes")).toBe(true);
    // Someone from the other pair cannot answer for this one.
    expect(await s.pairs.answer(T, C, round, first.index, second.users[0] ?? "", "cant")).toBe(
      false,
    );
    expect(await s.pairs.answer(T, C, round, second.index, second.users[0] ?? "", "not_yet")).toBe(
      true,
    );
    expect((await s.pairs.status(T, C)).last).toMatchObject({ pairs: 2, met: 1, answered: 2 });
    // Still one follow-up each, whatever happens later.
    await s.runUntil("2027-01-17T12:00:00Z");
    expect(posted(slack, "pairs-followup")).toHaveLength(2);
  });

  it("a prompt suited to the roles the pair started in /skills", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    const s = setup(await openStore("memory://"), clock, slack);
    const role = kb.getOfKind("swe-intern", "role");
    if (!role) throw new Error("the bundled knowledge base has no swe-intern role");
    const first = role.checklist[0]?.id ?? "";
    await s.progress.setTicks(T, "U0A", role, [first], [first]);
    const signUp = await openRound(s, clock, slack);
    for (const u of users(2)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await s.runUntil("2027-01-12T09:05:00Z");
    const [intro] = posted(slack, "pairs-intro") as PairsIntro[];
    expect(intro?.prompt?.roles).toContain("swe-intern");
    expect(intro?.roles).toEqual([role.title]);
  });

  it("exactly once across a restart mid-round: the new process posts nothing twice", async () => {
    const file = path.join(dir, "restart.sqlite");
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(5));
    const store = await openStore(`sqlite://${file}`);
    const first = setup(store, clock, slack);
    const signUp = await openRound(first, clock, slack);
    for (const u of users(5)) await first.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await first.runUntil("2027-01-12T09:01:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(2);
    await store.close();

    const reopened = await openStore(`sqlite://${file}`);
    const second = setup(reopened, clock, slack);
    for (const [from, to] of [
      ["2027-01-11T09:30:00Z", "2027-01-11T09:35:00Z"],
      ["2027-01-12T09:00:00Z", "2027-01-12T09:05:00Z"],
      ["2027-01-15T09:00:00Z", "2027-01-15T09:05:00Z"],
    ] as const) {
      clock.set(from);
      await second.runUntil(to);
    }
    expect(posted(slack, "pairs-signup")).toHaveLength(1);
    expect(posted(slack, "pairs-intro")).toHaveLength(2);
    expect(posted(slack, "pairs-followup")).toHaveLength(2);
    await reopened.close();
  });

  it("two replicas ticking together over one store: one sign-up, one pairing, one DM per pair", async () => {
    const file = path.join(dir, "replicas.sqlite");
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(6));
    const storeA = await openStore(`sqlite://${file}`);
    const storeB = await openStore(`sqlite://${file}`);
    const a = setup(storeA, clock, slack, { owner: "A" });
    const b = setup(storeB, clock, slack, { owner: "B" });
    for (const u of users(6)) await a.pairs.join(T, C, u);
    await a.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "UTC" }, "U0ORG");
    for (const at of ["2027-01-11T09:00:00Z", "2027-01-12T09:00:00Z", "2027-01-15T09:00:00Z"]) {
      clock.set(at);
      await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick()]);
    }
    expect(posted(slack, "pairs-signup")).toHaveLength(1);
    expect(posted(slack, "pairs-intro")).toHaveLength(3);
    expect(new Set(posted(slack, "pairs-intro").flatMap((i) => i.users)).size).toBe(6);
    expect(posted(slack, "pairs-followup")).toHaveLength(3);
    await storeA.close();
    await storeB.close();
  });

  it("an unknown outcome is looked for before posting again; Slack errors are retried on later ticks", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    let failures = 0;
    const s = setup(await openStore("memory://"), clock, slack, {
      answer: (content) => {
        if (content.kind === "pairs-intro" && failures++ === 0) {
          // Slack took it, but the connection was reset before it said so.
          slack.messages.push({
            content,
            tag: { id: "pairs-intro:T1:C0STUDY:2027-W02:0", since: 0, teamId: T },
          });
          return { ok: false, error: "econnreset", uncertain: true };
        }
        return { ok: true, ts: "1.1" };
      },
    });
    const signUp = await openRound(s, clock, slack);
    for (const u of users(2)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await s.runUntil("2027-01-12T10:00:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(1);

    // Members cannot be read (a 5xx): nothing is paired yet; the next minute tries again.
    const clock2 = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack2 = fakeSlack(users(2));
    let down = true;
    const t = setup(await openStore("memory://"), clock2, slack2, {
      pairsSlack: {
        members: async () =>
          down ? { ok: false, error: "http_503" } : { ok: true, value: users(2) },
      },
    });
    const signUp2 = await openRound(t, clock2, slack2);
    for (const u of users(2)) await t.pairs.signUp(T, C, signUp2?.roundId ?? "", u, "join");
    await t.runUntil("2027-01-12T09:10:00Z");
    expect(posted(slack2, "pairs-intro")).toHaveLength(0);
    expect((await t.pairs.status(T, C)).open).toBeDefined();
    expect(t.logger.lines.filter((l) => l.includes("http_503"))).toHaveLength(1);
    down = false;
    await t.runUntil("2027-01-12T09:12:00Z");
    expect(posted(slack2, "pairs-intro")).toHaveLength(1);
  });

  it("store faults: a failed sign-up or opt-in throws and changes nothing; ticks resume after", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(4));
    const faulty = failingStore(await openStore("memory://"));
    const s = setup(faulty.store, clock, slack);
    const signUp = await openRound(s, clock, slack);
    const round = signUp?.roundId ?? "";
    await s.pairs.signUp(T, C, round, "U0A", "join");
    faulty.fail("throw");
    const refused = s.pairs.signUp(T, C, round, "U0B", "join");
    await expect(refused).rejects.toThrow(/disk is full/);
    await expect(s.pairs.join(T, C, "U0C")).rejects.toThrow(/disk is full/);
    // The pairing time passes while the store is down: every tick fails, nothing is posted.
    const failures: unknown[] = [];
    await s.runUntil("2027-01-12T09:03:00Z", failures);
    expect(failures.length).toBeGreaterThan(0);
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    faulty.heal();
    expect((await s.pairs.status(T, C)).open?.joined).toEqual(["U0A"]);
    await s.pairs.signUp(T, C, round, "U0B", "join");
    await s.runUntil("2027-01-12T09:06:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(1);
  });

  it("/pairs now pairs the open round at once; its scheduled pairing then does nothing more", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(4));
    const s = setup(await openStore("memory://"), clock, slack);
    const signUp = await openRound(s, clock, slack);
    for (const u of users(4)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    clock.set("2027-01-11T12:00:00Z");
    const report = await s.scheduler.postNowOnce(await s.pairs.pairNow(T, C));
    expect(report.posted).toBe(2);
    expect(posted(slack, "pairs-intro")).toHaveLength(2);
    await s.runUntil("2027-01-12T10:00:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(2);
    expect(await s.pairs.signUp(T, C, signUp?.roundId ?? "", "U0A", "skip")).toEqual({
      ok: false,
      reason: "closed",
    });
  });

  it("/pairs now without weekly rounds pairs the standing opt-ins, and still sends their follow-ups", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    const s = setup(await openStore("memory://"), clock, slack);
    for (const u of users(2)) await s.pairs.join(T, C, u);
    await s.scheduler.postNowOnce(await s.pairs.pairNow(T, C));
    expect(posted(slack, "pairs-intro")).toHaveLength(1);
    expect(posted(slack, "pairs-signup")).toHaveLength(0);
    clock.set("2027-01-13T11:58:00Z");
    await s.runUntil("2027-01-13T12:02:00Z");
    expect(posted(slack, "pairs-followup")).toHaveLength(1);
  });

  it("a group DM that cannot be opened yet (rate limited) is opened on a later tick, and its pair gets its DM once", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    let refusals = 2;
    const s = setup(await openStore("memory://"), clock, slack, {
      pairsSlack: {
        openGroup: async (_team, group) =>
          refusals-- > 0
            ? { ok: false, error: "ratelimited" }
            : { ok: true, value: `G${[...group].sort().join("")}` },
      },
    });
    const signUp = await openRound(s, clock, slack);
    for (const u of users(2)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await s.runUntil("2027-01-12T09:01:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    await s.runUntil("2027-01-12T09:05:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(1);
    expect(s.logger.lines.filter((l) => l.includes("ratelimited"))).toHaveLength(1);
  });
});

describe("/pairs records", () => {
  it("a damaged channel record is skipped by the tick (logged once) and repaired by /pairs on", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    const store = await openStore("memory://");
    const s = setup(store, clock, slack);
    await s.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "UTC" }, "U0ORG");
    const raw = store.collection("pairs", z.unknown());
    await raw.set(`${T}:${C}`, { teamId: T, channelId: C, rounds: "not a list" });
    clock.set("2027-01-11T08:59:00Z");
    await s.runUntil("2027-01-11T09:03:00Z");
    expect(posted(slack, "pairs-signup")).toHaveLength(0);
    expect(s.logger.lines.filter((l) => l.includes("until /pairs on is run again"))).toHaveLength(
      1,
    );
    await s.pairs.turnOn(T, C, { weekday: 1, time: "09:10", timezone: "UTC" }, "U0ORG");
    // Set at 09:04 for 09:10: this week's sign-up is still ahead, so it is posted today.
    await s.runUntil("2027-01-11T09:12:00Z");
    expect(posted(slack, "pairs-signup")).toHaveLength(1);
  });
});

describe("/pairs when the bot is removed from the channel", () => {
  it("a pair's DM Slack says is gone is not tried again every minute", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    let attempts = 0;
    const s = setup(await openStore("memory://"), clock, slack, {
      answer: (content) => {
        if (content.kind !== "pairs-intro") return { ok: true, ts: "1.1" };
        attempts++;
        return { ok: false, error: "channel_not_found" };
      },
    });
    const signUp = await openRound(s, clock, slack);
    for (const u of users(2)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    await s.runUntil("2027-01-12T09:30:00Z");
    expect(attempts).toBe(1);
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    // The channel's weekly rounds carry on.
    expect((await s.pairs.status(T, C)).schedule?.pausedReason).toBeUndefined();
  });

  it("the round is dropped, weekly rounds pause, and status says so", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(2));
    let removed = false;
    const s = setup(await openStore("memory://"), clock, slack, {
      pairsSlack: {
        members: async () =>
          removed ? { ok: false, error: "not_in_channel" } : { ok: true, value: users(2) },
      },
    });
    const signUp = await openRound(s, clock, slack);
    for (const u of users(2)) await s.pairs.signUp(T, C, signUp?.roundId ?? "", u, "join");
    removed = true;
    await s.runUntil("2027-01-12T09:05:00Z");
    expect(posted(slack, "pairs-intro")).toHaveLength(0);
    expect(posted(slack, "pairs-skipped")).toHaveLength(0);
    const status = await s.pairs.status(T, C);
    expect(status.schedule?.pausedReason).toBe("not_in_channel");
    expect(status.last).toMatchObject({ pairs: 0, dropped: "channel_gone" });
    expect(status.next).toBeUndefined();
    expect(status.open).toBeUndefined();
    // Next Monday: no sign-up while paused.
    clock.set("2027-01-18T08:59:00Z");
    await s.runUntil("2027-01-18T09:05:00Z");
    expect(posted(slack, "pairs-signup")).toHaveLength(1);
  });
});

describe.skipIf(skipRedis())("/pairs rounds over one Redis", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it("two replicas racing every tick post one sign-up, pair once, and send one DM and one follow-up per pair", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const slack = fakeSlack(users(7));
    const storeA = await openStore(redis.url);
    const storeB = await openStore(redis.url);
    const a = setup(storeA, clock, slack, { owner: "A" });
    const b = setup(storeB, clock, slack, { owner: "B" });
    await a.pairs.turnOn(T, C, { weekday: 1, time: "09:00", timezone: "UTC" }, "U0ORG");
    clock.set("2027-01-11T09:00:00Z");
    await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    const [signUp] = posted(slack, "pairs-signup");
    const round = signUp?.roundId ?? "";
    await Promise.all(users(7).map((u, i) => (i % 2 ? a : b).pairs.signUp(T, C, round, u, "join")));
    for (const at of ["2027-01-12T09:00:00Z", "2027-01-12T09:01:00Z", "2027-01-15T09:00:00Z"]) {
      clock.set(at);
      await Promise.all([a.scheduler.tick(), b.scheduler.tick()]);
    }
    expect(posted(slack, "pairs-signup")).toHaveLength(1);
    const intros = posted(slack, "pairs-intro");
    expect(intros.map((i) => i.users.length).sort()).toEqual([2, 2, 3]);
    expect(intros.flatMap((i) => i.users).sort()).toEqual(users(7));
    expect(posted(slack, "pairs-followup")).toHaveLength(3);
    await storeA.close();
    await storeB.close();
  });
});
