import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freePort, runEntry, type Spawned, waitForLine } from "../../src/dev/processes.ts";
import { SIGNING_SECRET, sendCommand } from "../../src/dev/slack-requests.ts";
import { type RecordedCall, SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { ChannelSettings } from "../../src/services/nudges/channels.ts";
import { openStore } from "../../src/services/storage/store.ts";
import { type RedisServer, skipRedis, startRedis } from "../helpers/redis.ts";
import { commandReply } from "../helpers/replies.ts";

const CHANNELS = 300;

interface Replica {
  name: string;
  token: string;
  base: string;
  app: Spawned;
}

/**
 * Three `npm start` processes on one Redis, each with a token of its own so the stand-in can tell
 * whose posts are whose. Each runs the every-minute tick, and a tick right away at start.
 */
describe.skipIf(skipRedis())("three replicas on one Redis", () => {
  let redis: RedisServer;
  let slack: SlackStandIn;
  let dir: string;
  let replicas: Replica[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    slack = await SlackStandIn.start();
    dir = await mkdtemp(path.join(tmpdir(), "replicas-"));
  });
  afterAll(async () => {
    await slack?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  let release: () => void = () => {};
  let startupMs = 0;
  // Three processes starting at once take seconds (much longer on a busy machine): bounded apart
  // from the runs themselves. Their posts wait until all three are up, so all three ticks race for
  // the same 300 messages.
  beforeEach(async () => {
    slack.reset();
    const client = await createClient({ url: redis.url }).connect();
    await client.flushDb();
    client.destroy();
    await scheduleDueNow();
    release = slack.hold("chat.postMessage");
    const started = performance.now();
    await startReplicas();
    startupMs = performance.now() - started;
  }, 90_000);
  afterEach(async () => {
    release();
    for (const { app } of replicas) {
      if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill("SIGTERM");
      const timer = setTimeout(() => app.child.kill("SIGKILL"), 5000);
      await app.exited;
      clearTimeout(timer);
    }
    replicas = [];
  });

  /** Makes `CHANNELS` channels due in the current minute, as if set up a week ago. */
  async function scheduleDueNow(): Promise<void> {
    const store = await openStore(redis.url);
    try {
      const weekAgo = () => new Date(Date.now() - 7 * 24 * 3_600_000);
      const channels = new ChannelSettings(store, weekAgo);
      const now = new Date();
      const weekday = ((now.getUTCDay() + 6) % 7) + 1;
      const time = `${String(now.getUTCHours()).padStart(2, "0")}:${String(now.getUTCMinutes()).padStart(2, "0")}`;
      await Promise.all(
        Array.from({ length: CHANNELS }, (_, i) =>
          channels.turnOn("T0001", `C${i}`, { weekday, time, timezone: "UTC" }, "U0ORG"),
        ),
      );
      expect(await channels.scheduled()).toHaveLength(CHANNELS);
    } finally {
      await store.close();
    }
  }

  async function startReplicas(): Promise<Replica[]> {
    const started = await Promise.all(
      ["a", "b", "c"].map(async (name) => {
        const port = await freePort();
        const token = `xoxb-replica-${name}`;
        const app = runEntry(
          "src/app.ts",
          {
            PATH: process.env.PATH ?? "",
            SLACK_BOT_TOKEN: token,
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: slack.apiUrl,
            PORT: String(port),
            STORE_URL: redis.url,
            LOG_LEVEL: "info",
          },
          dir,
        );
        return { name, token, base: `http://127.0.0.1:${port}`, app };
      }),
    );
    replicas = started;
    await Promise.all(started.map((r) => waitForLine(r.app, /InternPrep is running/)));
    return started;
  }

  /** Redis calls so far, by command (INFO commandstats), to see what a tick costs the losers. */
  async function commandStats(): Promise<Record<string, number>> {
    const client = await createClient({ url: redis.url }).connect();
    try {
      const info = await client.info("commandstats");
      return Object.fromEntries(
        [...info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]),
      );
    } finally {
      client.destroy();
    }
  }
  const isNudge = (c: RecordedCall) =>
    c.method === "chat.postMessage" && /^C\d+$/.test(String(c.args.channel));
  const nudges = () => slack.calls.filter(isNudge);
  const perChannel = (calls: RecordedCall[]) => {
    const counts = new Map<string, number>();
    for (const c of calls)
      counts.set(String(c.args.channel), (counts.get(String(c.args.channel)) ?? 0) + 1);
    return counts;
  };
  const byReplica = (calls: RecordedCall[]) =>
    Object.fromEntries(
      replicas.map((r) => [r.name, calls.filter((c) => c.token === r.token).length]),
    );

  it("posts each of 300 channels due in one minute exactly once, and takes 100 concurrent /nudges on", async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const up = performance.now();
    const before = await commandStats();
    release();
    await slack.waitFor(isNudge, CHANNELS, 30_000);
    const done = performance.now();
    const after = await commandStats();
    const calls = Object.fromEntries(
      Object.entries(after)
        .map(([name, n]) => [name, n - (before[name] ?? 0)] as const)
        .filter(([name, n]) => n > 0 && name !== "info" && name !== "client"),
    );
    const counts = perChannel(nudges());
    expect(counts.size).toBe(CHANNELS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const shares = byReplica(nudges());
    console.log(
      `three replicas, ${CHANNELS} channels due in one minute: ${counts.size} channels got ${nudges().length} posts (max ${Math.max(...counts.values())} per channel) in ${((done - up) / 1000).toFixed(2)} s once all were up (start-up of the three: ${(startupMs / 1000).toFixed(1)} s); posts per replica ${JSON.stringify(shares)}; Redis calls during the run ${JSON.stringify(calls)}`,
    );
    // More than one replica did the work: the claims, not luck, kept it exactly once.
    expect(Object.values(shares).filter((n) => n > 0).length).toBeGreaterThan(1);

    // 100 concurrent `/nudges on`, spread across the replicas: every one lands.
    const targets = [a, b, c];
    const acks = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sendCommand((targets[i % 3] as Replica).base, "/nudges", "on friday 09:30 UTC", {
          channel: `N${i}`,
          responseUrl: slack.responseUrl(`on${i}`),
        }),
      ),
    );
    expect(acks.every((r) => r.status === 200)).toBe(true);
    const replies = await slack.waitFor(
      (call) => /^on\d+$/.test(call.responseId ?? ""),
      100,
      15_000,
    );
    expect(replies.every((r) => JSON.stringify(r.args).includes("turned on weekly nudges"))).toBe(
      true,
    );
    const store = await openStore(redis.url);
    try {
      const scheduled = await new ChannelSettings(store).scheduled();
      expect(scheduled.filter((s) => s.channelId.startsWith("N"))).toHaveLength(100);
      expect(scheduled).toHaveLength(CHANNELS + 100);
    } finally {
      await store.close();
    }
    // And any replica answers for a schedule another one set.
    const ack = await sendCommand(b.base, "/nudges", "status", {
      channel: "N0",
      responseUrl: slack.responseUrl("status"),
    });
    const status = await commandReply(slack, ack, "status");
    expect(JSON.stringify(status)).toContain("Nudges are *on*: every Friday at 09:30 (UTC)");
  }, 40_000);

  it("finishes the run exactly once when one replica is killed in the middle of it", async () => {
    const b = replicas[1] as Replica;
    // Slow enough that the run is still going when the replica dies.
    slack.latencyMs = 40;
    release();
    await slack.waitFor((call) => isNudge(call) && call.token === b.token, 20, 20_000);
    b.app.child.kill("SIGKILL");
    await b.app.exited;
    const atKill = nudges().length;
    try {
      // Every channel ends up posted, or claimed by the dead replica mid-post (the crash window:
      // never posted twice, at most one in-flight message per worker of the dead replica).
      const stuck = async () => {
        const client = await createClient({ url: redis.url }).connect();
        try {
          const keys = await client.keys("internprep:sent:weekly:*");
          const values = keys.length > 0 ? await client.mGet(keys) : [];
          return keys.filter((_, i) => JSON.parse(values[i] ?? "{}").state === "posting");
        } finally {
          client.destroy();
        }
      };
      // Done when every channel is accounted for and the survivors have stopped posting.
      const deadline = Date.now() + 25_000;
      let seen = -1;
      for (;;) {
        const posted = perChannel(nudges());
        const unposted = (await stuck()).filter((key) => !posted.has(key.split(":")[4] ?? ""));
        if (posted.size + unposted.length >= CHANNELS && nudges().length === seen) break;
        seen = nudges().length;
        if (Date.now() > deadline) throw new Error(`only ${posted.size} of ${CHANNELS} posted`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const counts = perChannel(nudges());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(CHANNELS - counts.size).toBeLessThanOrEqual(10);
      // The survivors carried the run on. The stand-in records a call when it answers, 40 ms
      // after it arrived, so posts the dead replica had in flight when it died may still be
      // recorded after the kill: at most one per worker of its sender (10), never more.
      const after = nudges().slice(atKill);
      expect(after.some((call) => call.token !== b.token)).toBe(true);
      expect(after.filter((call) => call.token === b.token).length).toBeLessThanOrEqual(10);
      console.log(
        `one of three replicas killed after ${atKill} posts: ${counts.size} of ${CHANNELS} channels posted exactly once, ${CHANNELS - counts.size} lost in the dead replica's crash window; posts per replica ${JSON.stringify(byReplica(nudges()))}`,
      );
    } finally {
      slack.latencyMs = 0;
    }
  }, 40_000);
});
