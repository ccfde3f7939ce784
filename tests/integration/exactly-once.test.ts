import { describe, expect, it } from "vitest";
import type { Config } from "../../src/config.ts";
import { freePort } from "../../src/dev/processes.ts";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { createDeliver, createNudgeClient } from "../../src/listeners/nudges/deliver.ts";
import { startHarness } from "../helpers/harness.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

const channel = (i: number) => `C${String(i).padStart(5, "0")}`;

/** The app on a virtual clock, with Slack's clock on it too, and `count` channels due Monday 09:00 UTC. */
async function dueChannels(count: number) {
  const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
  const h = await startHarness({ clock, slackTimeoutMs: 2000 });
  h.slack.now = () => clock.now();
  for (let i = 0; i < count; i++) {
    await h.services.channels.turnOn(
      "T0001",
      channel(i),
      { weekday: 1, time: "09:00", timezone: "UTC" },
      "U0ORG",
    );
  }
  clock.set("2027-01-11T09:00:20Z");
  return { h, clock };
}

describe("posting when the network fails", () => {
  it("a reset or a timeout after Slack took the post: looked for, never posted twice; a reset before: posted once", async () => {
    const { h } = await dueChannels(12);
    try {
      const is =
        (...ids: number[]) =>
        (args: Record<string, unknown>) =>
          ids.map(channel).includes(String(args.channel));
      h.slack.fault("chat.postMessage", "reset-after-accept", is(1));
      h.slack.fault("chat.postMessage", "reset-after-accept", is(2));
      h.slack.fault("chat.postMessage", "timeout-after-accept", is(3));
      h.slack.fault("chat.postMessage", "reset-before-accept", is(4));
      h.slack.fault("chat.postMessage", "reset-before-accept", is(4));
      const report = await h.services.scheduler.tick();
      expect(report).toMatchObject({ posted: 12, failed: 0 });
      for (let i = 0; i < 12; i++) {
        const nudges = h.slack.history(channel(i));
        expect(nudges, channel(i)).toHaveLength(1);
        expect(nudges[0]?.metadata).toEqual({
          event_type: "internprep_nudge",
          event_payload: { claim: `weekly:T0001:${channel(i)}:2027-W02` },
        });
      }
      // Slack was asked about each post whose outcome was unknown (a loaded machine may add a
      // timeout or two of its own) before it was posted again.
      const asked = new Set(h.slack.callsTo("conversations.history").map((c) => c.args.channel));
      for (const i of [1, 2, 3, 4]) expect(asked).toContain(channel(i));
      expect(h.slack.problems()).toEqual([]);

      // A later tick (or a restart) posts nothing more.
      await h.services.scheduler.tick();
      for (let i = 0; i < 12; i++) expect(h.slack.history(channel(i))).toHaveLength(1);
    } finally {
      await h.close();
    }
  }, 30_000);

  it("/nudges now whose connection is reset after Slack took it posts one nudge, and says nothing went wrong", async () => {
    const { h } = await dueChannels(0);
    try {
      h.slack.fault("chat.postMessage", "reset-after-accept");
      await sendCommand(h.base, "/nudges", "now", {
        responseUrl: h.slack.responseUrl("now"),
        channel: "C0NOW",
      });
      await h.slack.waitFor((c) => c.method === "conversations.history");
      await h.running.idle();
      expect(h.slack.history("C0NOW")).toHaveLength(1);
      expect(h.slack.calls.filter((c) => c.responseId === "now")).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it("a refused connection is certain to have posted nothing", async () => {
    const port = await freePort();
    const config = { botToken: "xoxb-t", slackApiUrl: `http://127.0.0.1:${port}/api/` } as Config;
    const outcome = await createDeliver(createNudgeClient(config))(
      {
        kind: "weekly",
        teamId: "T",
        channelId: "C",
        timezone: "UTC",
        deadlines: [],
        prompt: undefined,
      },
      { id: "x", since: 0, teamId: "T" },
    );
    expect(outcome).toEqual({ ok: false, error: "connection_refused" });
  });
});

describe("posting what Slack refuses", () => {
  it.each(["invalid_blocks", "msg_too_long", "msg_blocks_too_long"])(
    "%s: not retried; the nudge is posted once more as plain text",
    async (error) => {
      const { h } = await dueChannels(1);
      try {
        await h.services.deadlines.add(
          "T0001",
          channel(0),
          { date: { date: "2027-01-15" }, title: "Acme ML intern" },
          "U0ORG",
          "UTC",
        );
        h.slack.stub("chat.postMessage", () => ({ body: { ok: false, error } }));
        const report = await h.services.scheduler.tick();
        expect(report.posted).toBe(1);
        const posts = h.slack.callsTo("chat.postMessage");
        expect(posts.map((c) => c.ok)).toEqual([false, true]);
        expect(posts[1]?.args.blocks).toBeUndefined();
        expect(String(posts[1]?.args.text)).toContain("Acme ML intern");
        expect(String(posts[1]?.args.text)).toContain("Weekly internship nudge");
        expect(h.slack.history(channel(0))).toHaveLength(1);
      } finally {
        await h.close();
      }
    },
  );
});
