import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventCallback, sendCommand, sendEvent } from "../../src/dev/slack-requests.ts";
import { SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { type RedisServer, skipRedis, startRedis } from "../helpers/redis.ts";

/**
 * Two app instances, each with its own Redis connection and its own in-process caches and queues,
 * on one Redis and one Slack: what a load balancer in front of two replicas does to them.
 */
describe.skipIf(skipRedis())("two app instances on one Redis", () => {
  let redis: RedisServer;
  let slack: SlackStandIn;
  let apps: Harness[];

  beforeAll(async () => {
    redis = await startRedis();
    slack = await SlackStandIn.start();
    apps = [
      await startHarness({ storeUrl: redis.url, slack }),
      await startHarness({ storeUrl: redis.url, slack }),
    ];
  });
  afterAll(async () => {
    for (const h of apps ?? []) await h.close();
    await slack?.close();
    await redis?.stop();
  });

  it("keeps all of 40 deadlines added at once through both, in one channel", async () => {
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sendCommand(apps[i % 2]?.base ?? "", "/deadlines", `add 2026-12-${10 + (i % 15)} Co ${i}`, {
          channel: "C0BOTH",
          responseUrl: slack.responseUrl(`dl${i}`),
        }),
      ),
    );
    expect(acks.every((a) => a.status === 200)).toBe(true);
    await slack.waitFor((c) => /^dl\d+$/.test(c.responseId ?? ""), 40, 15_000);
    for (const h of apps) {
      const titles = (await h.services.deadlines.upcoming("T0001", "C0BOTH")).map((d) => d.title);
      expect(titles.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `Co ${i}`).sort());
    }
  });

  it("answers an event Slack delivers to both (a retry landing on the other replica) once", async () => {
    const body = eventCallback(
      {
        type: "message",
        channel_type: "im",
        channel: "D0ALICE",
        user: "U0ALICE",
        text: "resume tips",
        ts: "9.1",
      },
      "Ev0SHARED",
    );
    const [first, second] = await Promise.all(apps.map((h) => sendEvent(h.base, body)));
    expect(first?.status).toBe(200);
    expect(second?.status).toBe(200);
    await Promise.all(apps.map((h) => h.running.idle()));
    expect(
      slack.callsTo("chat.postMessage").filter((c) => c.args.channel === "D0ALICE"),
    ).toHaveLength(1);
  });
});
