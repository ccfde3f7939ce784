import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Config } from "../../src/config.ts";
import {
  blockActions,
  eventCallback,
  SIGNING_SECRET,
  send,
  sendAction,
  sendCommand,
  sendEvent,
  slashCommand,
} from "../../src/dev/slack-requests.ts";
import { SlackStandIn, TEAM_ID } from "../../src/dev/slack-stand-in.ts";
import { createDeliver, createNudgeClient } from "../../src/listeners/nudges/deliver.ts";
import { createServices } from "../../src/services/index.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { openStore } from "../../src/services/storage/store.ts";
import { createSlackApp } from "../../src/slack-app.ts";
import { failingStore } from "../helpers/failing-store.ts";
import { type Harness, memoryLogger, startHarness } from "../helpers/harness.ts";
import { ManualTimers } from "../helpers/manual-timers.ts";
import { commandReply } from "../helpers/replies.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

/** A DM from Alice asking something the knowledge base answers (no store write needed). */
const question = (eventId: string) =>
  eventCallback(
    {
      type: "message",
      channel_type: "im",
      channel: "D0ALICE",
      user: "U0ALICE",
      text: "how early should I apply?",
      ts: "1.1",
    },
    eventId,
  );

describe("retried events with the store failing", () => {
  it.each(["throw", "silent"] as const)(
    "answers a DM once, however often Slack retries it (store failing: %s)",
    async (mode) => {
      const faults = failingStore(await openStore("memory://"));
      const h = await startHarness({ store: faults.store });
      try {
        faults.fail(mode);
        const body = question(`EvRetry-${mode}`);
        const first = await sendEvent(h.base, body);
        // Slack retries when it did not see the ack in time; these arrive together.
        const retries = await Promise.all(
          [1, 2, 3].map((n) =>
            sendEvent(h.base, body, {
              headers: { "x-slack-retry-num": String(n), "x-slack-retry-reason": "http_timeout" },
            }),
          ),
        );
        expect([first, ...retries].map((r) => r.status)).toEqual([200, 200, 200, 200]);
        await h.running.idle();
        const posts = h.slack.callsTo("chat.postMessage");
        expect(posts).toHaveLength(1);
        expect(allText(posts[0]?.args)).toContain("How early should I start applying");
        if (mode === "throw") {
          expect(h.logger.lines.join("\n")).toContain(
            `could not record event EvRetry-${mode} as handled`,
          );
        }
      } finally {
        await h.close();
      }
    },
  );
});

describe("a flood of DMs while Slack is slow to take the replies", () => {
  it("works on a bounded number at once: later events wait for their ack, then each is answered once", async () => {
    const h = await startHarness({ maxInFlight: 2 });
    try {
      const release = h.slack.hold("chat.postMessage");
      const dm = (n: number) =>
        eventCallback(
          {
            type: "message",
            channel_type: "im",
            channel: `D0FLOOD${n}`,
            user: "U0ALICE",
            text: "how early should I apply?",
            ts: `1.${n}`,
          },
          `EvFlood${n}`,
        );
      let acked = 0;
      const acks = [1, 2, 3, 4].map((n) =>
        sendEvent(h.base, dm(n)).then((r) => {
          acked++;
          return r.status;
        }),
      );
      // Two replies are on their way (held by Slack); the other two events are not even acked,
      // though the server answers other requests meanwhile.
      await vi.waitFor(() => expect(acked).toBe(2));
      for (let i = 0; i < 3; i++) expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
      expect(acked).toBe(2);
      release();
      expect(await Promise.all(acks)).toEqual([200, 200, 200, 200]);
      await h.running.idle();
      const channels = h.slack.callsTo("chat.postMessage").map((c) => c.args.channel);
      expect(channels.sort()).toEqual(["D0FLOOD1", "D0FLOOD2", "D0FLOOD3", "D0FLOOD4"]);
    } finally {
      await h.close();
    }
  });
});

describe("App Home under a flood of app_home_opened", () => {
  let h: Harness;
  const timers = new ManualTimers();
  beforeAll(async () => {
    h = await startHarness({ timers });
  });
  afterAll(async () => {
    await h.close();
  });

  it("100 opens by one user within a second: 2 views.publish (the last with the latest state), 1 users.conversations", async () => {
    await sendCommand(h.base, "/deadlines", "add Dec 30 Acme ML intern", {
      responseUrl: h.slack.responseUrl("added"),
    });
    await h.slack.waitFor((c) => c.responseId === "added");
    h.slack.memberships.U0HOME = ["C0GROUP"];
    h.slack.reset();
    const open = () =>
      sendEvent(h.base, eventCallback({ type: "app_home_opened", user: "U0HOME", tab: "home" }));
    for (let i = 0; i < 100; i++) {
      expect((await open()).status).toBe(200);
      if (i === 50) {
        // Midway, the user ticks an item in the Home tab: the coalesced publish must show it.
        await sendAction(
          h.base,
          blockActions(
            {
              type: "checkboxes",
              action_id: "skills_tick:0",
              block_id: "skills:ml-intern:0",
              selected_options: [{ value: "python" }],
            },
            { user: "U0HOME", container: { type: "view", view_id: "V1" } },
          ),
        );
      }
      timers.advance(9);
    }
    await h.running.idle();
    expect(h.slack.callsTo("views.publish")).toHaveLength(1);
    timers.advance(3000);
    const publishes = await h.slack.waitFor((c) => c.method === "views.publish", 2);
    await h.running.idle();
    expect(publishes).toHaveLength(2);
    expect(h.slack.callsTo("users.conversations")).toHaveLength(1);
    expect(allText(publishes[0]?.args.view as Json)).not.toContain("1 of 12 done");
    const latest = allText(publishes[1]?.args.view as Json);
    expect(latest).toContain("1 of 12 done");
    expect(latest).toContain("Acme ML intern");
    // Nothing more is pending: time passing publishes nothing new.
    timers.advance(60_000);
    await h.running.idle();
    expect(h.slack.callsTo("views.publish")).toHaveLength(2);
    expect(h.slack.problems()).toEqual([]);
  });

  it("a retried app_home_opened shows the same Home again and records no claim (a DM's is recorded)", async () => {
    h.slack.reset();
    const body = eventCallback(
      { type: "app_home_opened", user: "U0RETRY", tab: "home" },
      "EvHome1",
    );
    await sendEvent(h.base, body);
    await h.running.idle();
    timers.advance(60_000);
    await sendEvent(h.base, body, {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    await h.running.idle();
    timers.advance(60_000);
    await h.running.idle();
    const publishes = h.slack.callsTo("views.publish");
    expect(publishes.length).toBeGreaterThanOrEqual(1);
    const views = publishes.map((p) => JSON.stringify(p.args.view));
    expect(new Set(views).size).toBe(1);
    // Publishing is idempotent, so opening Home costs no write to the store; a DM still claims.
    const deliveries = h.services.store.collection("deliveries", z.number());
    expect(await deliveries.get("EvHome1")).toBeUndefined();
    await sendEvent(
      h.base,
      eventCallback(
        {
          type: "message",
          channel_type: "im",
          channel: "D0RETRY",
          user: "U0RETRY",
          text: "how early should i apply",
        },
        "EvDm1",
      ),
    );
    await h.running.idle();
    expect(await deliveries.get("EvDm1")).toBeTypeOf("number");
  });

  it("another user's Home is not held back by the first one's window", async () => {
    h.slack.reset();
    await sendEvent(h.base, eventCallback({ type: "app_home_opened", user: "U0ONE", tab: "home" }));
    await sendEvent(h.base, eventCallback({ type: "app_home_opened", user: "U0TWO", tab: "home" }));
    await h.running.idle();
    const users = h.slack.callsTo("views.publish").map((c) => c.args.user_id);
    expect(users.sort()).toEqual(["U0ONE", "U0TWO"]);
  });
});

describe("Slack's answers and odd requests", () => {
  let h: Harness;
  let n = 0;
  const rid = () => `f${++n}`;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  async function command(name: string, text: string, opts: { channel?: string } = {}) {
    const id = rid();
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      ...opts,
    });
    return { ack, reply: await commandReply(h.slack, ack, id), id };
  }

  it.each(["token_revoked", "invalid_auth", "account_inactive"])(
    "a revoked token (%s) tells the user the app needs reinstalling, not to try again",
    async (error) => {
      h.slack.respond("chat.update", () => ({ body: { ok: false, error } }));
      const id = rid();
      await sendAction(
        h.base,
        blockActions(
          {
            type: "button",
            action_id: "feedback_helpful",
            value: "apply-how-early",
            block_id: "feedback:apply-how-early:0",
          },
          {
            channel: "D0ALICE",
            message: { ts: "1.2", text: "answer", blocks: [] },
            responseUrl: h.slack.responseUrl(id),
          },
        ),
      );
      const [reply] = await h.slack.waitFor((c) => c.responseId === id);
      expect(allText(reply?.args)).toContain("reinstall the app");
      expect(allText(reply?.args)).not.toContain("try again in a moment");
    },
  );

  it("/nudges now with a revoked token says the app needs reinstalling", async () => {
    h.slack.respond("chat.postMessage", () => ({ body: { ok: false, error: "token_revoked" } }));
    const { reply } = await command("/nudges", "now", { channel: "C0REVOKED" });
    expect(allText(reply)).toContain("reinstall the app");
    expect(allText(reply)).not.toContain("try again in a moment");
  });

  it("a response_url Slack refuses falls back to chat.postEphemeral to the same user and channel", async () => {
    h.slack.respond("response_url", () => ({
      status: 404,
      body: { ok: false, error: "expired_url" },
    }));
    // /track add replies through the response_url (it asks Slack for the user's timezone first).
    await sendCommand(h.base, "/track", "add Fallback Corp — ML intern", {
      responseUrl: h.slack.responseUrl(rid()),
    });
    const [fallback] = await h.slack.waitFor((c) => c.method === "chat.postEphemeral");
    expect(fallback?.args).toMatchObject({ channel: "C0GROUP", user: "U0ALICE" });
    expect(allText(fallback?.args)).toContain("Fallback Corp");
    await h.running.idle();
    expect(h.slack.callsTo("chat.postEphemeral")).toHaveLength(1);
    expect(h.slack.problems()).toEqual([]);
  });

  it("a response_url reset after Slack took the reply is not answered again (it may have been shown)", async () => {
    h.slack.fault("response_url", "reset-after-accept");
    const id = rid();
    await sendCommand(h.base, "/track", "add Reset Corp — ML intern", {
      responseUrl: h.slack.responseUrl(id),
    });
    await h.slack.waitFor((c) => c.responseId === id);
    await h.running.idle();
    expect(h.slack.callsTo("response_url")).toHaveLength(1);
    expect(h.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
    expect(h.logger.lines.join("\n")).toContain("unknown outcome; not replying again");
  });

  it("acknowledges a click with an unknown action id at once, and does nothing else", async () => {
    const ack = await sendAction(
      h.base,
      blockActions({ type: "button", action_id: "from_an_old_version", value: "x" }, {}),
    );
    // Without an acknowledgement Bolt would answer 404 after 3 seconds.
    expect(ack.status).toBe(200);
    await h.running.idle();
    expect(h.slack.calls).toEqual([]);
    expect(h.logger.lines.join("\n")).not.toContain("not acknowledged");
  });

  it("refuses requests from a workspace it is not installed in", async () => {
    const foreignEvent = JSON.parse(question("EvForeign")) as Json;
    foreignEvent.team_id = "T0OTHER";
    foreignEvent.authorizations = [{ team_id: "T0OTHER", user_id: "UBOT0001", is_bot: true }];
    expect((await sendEvent(h.base, JSON.stringify(foreignEvent))).status).toBe(200);
    const foreignCommand = slashCommand("/skills", "", {
      responseUrl: h.slack.responseUrl(rid()),
    }).replace(`team_id=${TEAM_ID}`, "team_id=T0OTHER");
    expect(foreignCommand).toContain("team_id=T0OTHER");
    await send(h.base, foreignCommand, "application/x-www-form-urlencoded");
    const enterprise = `${slashCommand("/skills", "", { responseUrl: h.slack.responseUrl(rid()) })}&enterprise_id=E0OTHER`;
    await send(h.base, enterprise, "application/x-www-form-urlencoded");
    await h.running.idle();
    expect(h.slack.calls).toEqual([]);
    expect(h.logger.lines.join("\n")).toContain("refused a request from workspace T0OTHER");
    // The installed workspace still gets answers.
    const { reply } = await command("/skills", "");
    expect(allText(reply)).toContain("Machine learning intern");
  });

  it("refuses a request timestamped more than 5 minutes in the future, like a stale one", async () => {
    const body = question("EvFuture");
    const future = Math.floor(Date.now() / 1000) + 6 * 60;
    expect((await sendEvent(h.base, body, { timestamp: future })).status).toBe(401);
    const nearFuture = Math.floor(Date.now() / 1000) + 60;
    expect((await sendEvent(h.base, question("EvSoon"), { timestamp: nearFuture })).status).toBe(
      200,
    );
    await h.running.idle();
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(1);
  });

  it("/deadlines and /nudges in a DM say they work in channels, and store nothing", async () => {
    for (const name of ["/deadlines", "/nudges"]) {
      const { reply } = await command(
        name,
        name === "/nudges" ? "on monday 09:00" : "add Dec 30 Acme",
        {
          channel: "D0ALICE",
        },
      );
      expect(allText(reply)).toContain(`${name} works in channels`);
    }
    expect(await h.services.deadlines.upcoming(TEAM_ID, "D0ALICE")).toEqual([]);
    expect((await h.services.channels.get(TEAM_ID, "D0ALICE")).schedule).toBeUndefined();
  });

  it("shows Slack-escaped &, < and > as typed (escaped once), in deadline titles and /prep queries", async () => {
    // Slack sends what the user typed as "R&D <ML> intern" like this:
    const { reply } = await command("/deadlines", "add Dec 30 R&amp;D &lt;ML&gt; intern", {
      channel: "C0ESC",
    });
    expect(reply.response_type).toBe("in_channel");
    const shown = allText(reply);
    expect(shown).toContain("R&amp;D &lt;ML&gt; intern");
    expect(shown).not.toContain("&amp;amp;");
    expect(shown).not.toContain("&amp;lt;");
    const [stored] = await h.services.deadlines.upcoming(TEAM_ID, "C0ESC");
    expect(stored?.title).toBe("R&D <ML> intern");

    const prep = await command("/prep", "&lt;blink&gt; &amp; zebra juggling");
    expect(allText(prep.reply)).toContain("“&lt;blink&gt; &amp; zebra juggling”");
    expect(allText(prep.reply)).not.toContain("&amp;lt;");
    expect((await h.services.gaps.top(TEAM_ID, 50)).map((g) => g.question)).toContain(
      "<blink> & zebra juggling",
    );
  });

  it("refuses a link that is not a valid http(s) URL, and stores nothing", async () => {
    for (const link of [
      "<ftp://files.acme.example/x>",
      "<mailto:jobs@acme.example|jobs@acme.example>",
      "https://..",
      "https://localhost/apply",
    ]) {
      const { reply } = await command("/deadlines", `add Dec 30 Acme ${link}`, {
        channel: "C0LINK",
      });
      expect(allText(reply)).toContain("doesn't look like a web link");
    }
    expect(await h.services.deadlines.upcoming(TEAM_ID, "C0LINK")).toEqual([]);
  });

  it("asks before adding a date past next year; the button adds it once however often it is pressed", async () => {
    const { reply } = await command("/deadlines", "add 9999-12-31 Acme forever", {
      channel: "C0FAR",
    });
    expect(reply.response_type).toBe("ephemeral");
    expect(allText(reply)).toContain("Yes, add it for Fri 31 Dec 9999");
    expect(await h.services.deadlines.upcoming(TEAM_ID, "C0FAR")).toEqual([]);
    const button = (reply.blocks as Array<{ elements?: Json[] }>)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === "deadline_confirm");
    const click = (id: string) =>
      sendAction(
        h.base,
        blockActions(
          { type: "button", action_id: "deadline_confirm", value: button?.value },
          { channel: "C0FAR", responseUrl: h.slack.responseUrl(id) },
        ),
      );
    await Promise.all([click("yes1"), click("yes2")]);
    await h.running.idle();
    const announced = h.slack
      .callsTo("response_url")
      .filter((c) => c.args.response_type === "in_channel");
    expect(announced).toHaveLength(1);
    expect(allText(announced[0]?.args)).toContain("Acme forever");
    expect(h.slack.callsTo("response_url").filter((c) => c.args.delete_original)).toHaveLength(1);
    const stored = await h.services.deadlines.upcoming(TEAM_ID, "C0FAR");
    expect(stored.map((d) => [d.date, d.title, d.addedBy])).toEqual([
      ["9999-12-31", "Acme forever", "U0ALICE"],
    ]);
  });

  it("refuses a forged confirmation value", async () => {
    await sendAction(
      h.base,
      blockActions(
        { type: "button", action_id: "deadline_confirm", value: '{"id":"zz","title":"x"}' },
        { channel: "C0FORGE", responseUrl: h.slack.responseUrl(rid()) },
      ),
    );
    await h.running.idle();
    expect(await h.services.deadlines.upcoming(TEAM_ID, "C0FORGE")).toEqual([]);
  });
});

describe("start-up checks the bot token with auth.test", () => {
  let slack: SlackStandIn;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
  });
  afterAll(async () => {
    await slack.close();
  });
  afterEach(() => slack.reset());

  async function build() {
    const config: Config = Object.freeze({
      mode: "http",
      botToken: "xoxb-revoked",
      signingSecret: SIGNING_SECRET,
      appToken: undefined,
      slackApiUrl: slack.apiUrl,
      port: 0,
      storeUrl: "memory://",
      logLevel: "error",
      kbDir: undefined,
      organizerIds: [],
    });
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    const logger = memoryLogger();
    const services = createServices(kb, await openStore("memory://"), {
      deliver: createDeliver(createNudgeClient(config)),
      logger,
    });
    return { running: createSlackApp(config, services, { logger, cron: false }), logger };
  }

  it.each([
    ["invalid_auth", "is not a valid token for any workspace"],
    ["token_revoked", "has been revoked"],
    ["account_inactive", "belongs to a deactivated bot or workspace"],
  ])("stops start-up on %s with one line saying what to do", async (error, says) => {
    slack.respond("auth.test", () => ({ body: { ok: false, error } }));
    const { running } = await build();
    const failure = await running.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toContain(`SLACK_BOT_TOKEN ${says}`);
    expect(failure?.message).toContain(`(Slack answered ${error})`);
    expect(failure?.message).toContain("OAuth & Permissions");
    expect(failure?.message).not.toContain("\n");
    await running.stop();
  });
});
