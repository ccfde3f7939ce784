import type { WebClient } from "@slack/web-api";
import { beforeEach, describe, expect, it } from "vitest";
import { CACHE_SIZE, HOME_WINDOW_MS, HomePublisher } from "../../src/listeners/home.ts";
import { createServices, type Services } from "../../src/services/index.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { openStore } from "../../src/services/storage/store.ts";
import { memoryLogger } from "../helpers/harness.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";

/** A Web API client whose views.publish answers only when the test says so. */
function slowClient() {
  const published: string[] = [];
  const waiting: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  const client = {
    views: {
      publish: (args: { user_id: string }) =>
        new Promise<void>((resolve, reject) => {
          published.push(args.user_id);
          waiting.push({ resolve, reject });
        }),
    },
    users: { conversations: async () => ({ ok: true, channels: [] }) },
  };
  return {
    // Only the two methods the publisher calls exist; a test double, so no more is needed.
    client: client as unknown as WebClient,
    published,
    answer: () => waiting.shift()?.resolve(),
    fail: () => waiting.shift()?.reject(new Error("internal_error")),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("App Home publishing", () => {
  let services: Services;
  let timers: ManualTimers;
  let home: HomePublisher;
  const logger = memoryLogger();
  beforeEach(async () => {
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    services = createServices(kb, await openStore("memory://"), {
      deliver: async () => ({ ok: true, ts: "1" }),
      logger,
    });
    timers = new ManualTimers();
    home = new HomePublisher(services, timers);
  });

  it("requests while a publish is under way become one publish, a window after the first", async () => {
    const slack = slowClient();
    const first = home.publish("T", "U1", slack.client, logger);
    await settle();
    for (let i = 0; i < 5; i++) await home.publish("T", "U1", slack.client, logger);
    expect(slack.published).toEqual(["U1"]);
    timers.advance(HOME_WINDOW_MS);
    // Still under way: nothing more until it finishes.
    expect(slack.published).toEqual(["U1"]);
    slack.answer();
    await first;
    timers.advance(0);
    await settle();
    expect(slack.published).toEqual(["U1", "U1"]);
    slack.answer();
    await settle();
    timers.advance(10 * HOME_WINDOW_MS);
    expect(slack.published).toHaveLength(2);
  });

  it("a failed publish is logged, and the next open after the window publishes again", async () => {
    const slack = slowClient();
    const first = home.publish("T", "U1", slack.client, logger);
    await settle();
    slack.fail();
    await first;
    expect(logger.lines.join("\n")).toContain("publishing App Home failed");
    timers.advance(HOME_WINDOW_MS);
    const again = home.publish("T", "U1", slack.client, logger);
    await settle();
    expect(slack.published).toEqual(["U1", "U1"]);
    slack.answer();
    await again;
  });

  it("past CACHE_SIZE users, those whose window has passed are forgotten; the others still coalesce", async () => {
    const published: string[] = [];
    const client = {
      views: {
        publish: async (args: { user_id: string }) => {
          published.push(args.user_id);
          return { ok: true };
        },
      },
    } as unknown as WebClient;
    for (let i = 0; i < CACHE_SIZE; i++) await home.publish("T", `U${i}`, client, logger);
    expect(home.tracked).toBe(CACHE_SIZE);
    timers.advance(HOME_WINDOW_MS / 2);
    // Half a window on, everyone is still in theirs: remembered, so a second open coalesces.
    await home.publish("T", "UNEW", client, logger);
    await home.publish("T", "U0", client, logger);
    expect(home.tracked).toBe(CACHE_SIZE + 1);
    timers.advance(HOME_WINDOW_MS / 2);
    // The first users' window has passed: the next newcomer sweeps them out. U0's trailing
    // publish went out, and UNEW is inside its window, so both stay.
    await settle();
    expect(published.filter((u) => u === "U0")).toHaveLength(2);
    await home.publish("T", "UNEWER", client, logger);
    expect(home.tracked).toBe(3);
    await home.publish("T", "UNEW", client, logger);
    expect(published).toHaveLength(CACHE_SIZE + 3);
  });

  it("at shutdown, a trailing publish not yet started is dropped", async () => {
    const slack = slowClient();
    const first = home.publish("T", "U1", slack.client, logger);
    await settle();
    slack.answer();
    await first;
    await home.publish("T", "U1", slack.client, logger);
    expect(timers.pending).toBe(1);
    await home.close();
    timers.advance(HOME_WINDOW_MS);
    await settle();
    expect(slack.published).toEqual(["U1"]);
  });
});
