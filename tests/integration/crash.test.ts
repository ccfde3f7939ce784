import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort, runEntry, type Spawned, waitForLine } from "../../src/dev/processes.ts";
import { SIGNING_SECRET, sendCommand } from "../../src/dev/slack-requests.ts";
import { SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { ChannelSettings } from "../../src/services/nudges/channels.ts";
import { openStore } from "../../src/services/storage/store.ts";

// Real app processes (`src/app.ts`, as `npm start` runs it) on one SQLite file, against the Slack
// stand-in. Each run posts a few hundred nudges; a test takes 10-15 s alone (the 60 s limit leaves
// room for a loaded machine), and nothing here waits on a clock.

const channel = (i: number) => `C${String(i).padStart(5, "0")}`;
const TICK_DONE = /nudge tick: posted \d+/;

/**
 * `count` channels with their weekly nudge due 10 minutes ago (set a week ago): the first through
 * `/nudges on`'s own code, the rest as copies of its record, written at once (seeding is not what
 * these tests are about).
 */
async function seed(file: string, count: number): Promise<void> {
  const store = await openStore(`sqlite://${file}`);
  const now = Date.now();
  const due = new Date(now - 10 * 60_000);
  const time = `${String(due.getUTCHours()).padStart(2, "0")}:${String(due.getUTCMinutes()).padStart(2, "0")}`;
  const settings = new ChannelSettings(store, () => new Date(now - 7 * 86_400_000));
  await settings.turnOn(
    "T0001",
    channel(0),
    { weekday: due.getUTCDay() || 7, time, timezone: "UTC" },
    "U0ORG",
  );
  const records = store.collection("channels", z.record(z.string(), z.unknown()));
  const first = (await records.get(`T0001:${channel(0)}`)) as Record<string, unknown>;
  const index: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    index[`T0001:${channel(i)}`] = 1;
    if (i > 0) await records.set(`T0001:${channel(i)}`, { ...first, channelId: channel(i) });
  }
  await store.collection("schedules", z.record(z.string(), z.number())).set("all", index);
  expect(await settings.scheduled()).toHaveLength(count);
  await store.close();
}

describe("app processes sharing one store", () => {
  let slack: SlackStandIn;
  let dir: string;
  let file: string;
  const running: Spawned[] = [];

  beforeEach(async () => {
    slack = await SlackStandIn.start();
    dir = await mkdtemp(path.join(tmpdir(), "internprep-crash-"));
    file = path.join(dir, "store.sqlite");
  });
  afterEach(async () => {
    for (const app of running.splice(0)) {
      if (app.child.exitCode === null && app.child.signalCode === null) {
        app.child.kill("SIGKILL");
        await app.exited;
      }
    }
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(): Promise<{ app: Spawned; base: string }> {
    const port = await freePort();
    const app = runEntry(
      "src/app.ts",
      {
        PATH: process.env.PATH ?? "",
        SLACK_BOT_TOKEN: "xoxb-test-token",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${file}`,
        LOG_LEVEL: "info",
      },
      dir,
    );
    running.push(app);
    return { app, base: `http://127.0.0.1:${port}` };
  }

  const nudgesPer = (count: number) =>
    Array.from({ length: count }, (_, i) => slack.history(channel(i)).length);

  it("kill -9 in the middle of a 500-channel run, then a restart: every channel has exactly one nudge, and the log says truthfully what was left half-posted", async () => {
    await seed(file, 500);
    slack.latencyMs = 10;
    const first = await start();
    await slack.waitFor((c) => c.method === "chat.postMessage", 150, 20_000);
    first.app.child.kill("SIGKILL");
    await first.app.exited;
    const atCrash = nudgesPer(500);
    expect(atCrash.filter((n) => n > 0).length).toBeLessThan(500);

    const second = await start();
    await waitForLine(second.app, TICK_DONE);
    expect(nudgesPer(500).filter((n) => n !== 1)).toEqual([]);

    const halfPosted = second.app.output
      .map((l) =>
        l.match(
          /weekly:T0001:(C\d+):\S+ was being posted when its process stopped; Slack (has it|does not have it)/,
        ),
      )
      .filter((m): m is RegExpMatchArray => m !== null);
    // At most the sender's concurrency was in flight; each line says what Slack really had.
    expect(halfPosted.length).toBeLessThanOrEqual(10);
    for (const [, id, said] of halfPosted) {
      const before = atCrash[Number(id?.slice(1))];
      expect(said === "has it" ? before === 1 : before === 0, `${id}: ${said}`).toBe(true);
    }
  }, 60_000);

  it("SIGTERM in the middle of a run: finishes what is in flight and exits within 10 s; a restart posts the rest, each once", async () => {
    await seed(file, 500);
    slack.latencyMs = 10;
    const first = await start();
    await slack.waitFor((c) => c.method === "chat.postMessage", 100, 20_000);
    const stopping = Date.now();
    first.app.child.kill("SIGTERM");
    expect(await first.app.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const atStop = nudgesPer(500);
    expect(atStop.filter((n) => n > 0).length).toBeLessThan(500);
    expect(first.app.output.join("\n")).toMatch(
      /nudge tick: posted \d+.*left for after a restart \d+/,
    );

    const second = await start();
    await waitForLine(second.app, TICK_DONE);
    expect(nudgesPer(500).filter((n) => n !== 1)).toEqual([]);
    // Nothing was left half-posted: the stop finished every post it had started.
    expect(second.app.output.join("\n")).not.toContain("was being posted when");
  }, 60_000);

  it("two processes started together: 300 channels due, each nudged exactly once; 100 concurrent /nudges on across both, none lost", async () => {
    await seed(file, 300);
    slack.latencyMs = 30;
    const [a, b] = [await start(), await start()];
    await Promise.all([
      waitForLine(a.app, /InternPrep is running/),
      waitForLine(b.app, /InternPrep is running/),
    ]);
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        sendCommand(i % 2 ? a.base : b.base, "/nudges", "on friday 10:00 UTC", {
          responseUrl: slack.responseUrl(`on${i}`),
          // Private channels (G…): D… ids are DMs, where /nudges only says it works in channels.
          channel: `G${String(i).padStart(5, "0")}`,
        }),
      ),
    );
    expect(replies.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    const told = await slack.waitFor((c) => c.responseId?.startsWith("on") === true, 100, 20_000);
    expect(told.filter((c) => !String(c.args.text).startsWith("Nudges on"))).toEqual([]);
    await Promise.all([waitForLine(a.app, TICK_DONE), waitForLine(b.app, TICK_DONE)]);
    expect(nudgesPer(300).filter((n) => n !== 1)).toEqual([]);

    for (const app of [a, b]) {
      app.app.child.kill("SIGTERM");
      expect(await app.app.exited).toBe(0);
    }
    const store = await openStore(`sqlite://${file}`);
    const scheduled = await new ChannelSettings(store).scheduled();
    await store.close();
    expect(scheduled.filter((c) => c.channelId.startsWith("G"))).toHaveLength(100);
    expect(scheduled).toHaveLength(400);
  }, 60_000);
});
