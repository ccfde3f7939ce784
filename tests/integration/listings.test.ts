import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ListingActions, POLL_NOW_ACTION } from "../../src/blocks/listings.ts";
import { blockActions, sendAction, sendCommand } from "../../src/dev/slack-requests.ts";
import { SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { withListings } from "../../src/listeners/listings/tick.ts";
import { openStore, type Store } from "../../src/services/storage/store.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { ListingsServer, record, records } from "../helpers/listings.ts";
import { commandReply } from "../helpers/replies.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");
const CHANNEL = "C0LIST";
const MINUTE = 60_000;

describe("/listings through the app", () => {
  let slack: SlackStandIn;
  let store: Store;
  let h: Harness;
  let h2: Harness;
  let server: ListingsServer;
  let clock: VirtualClock;
  let n = 0;

  beforeAll(async () => {
    clock = new VirtualClock(Date.parse("2026-11-23T12:00:00Z"));
    slack = await SlackStandIn.start();
    store = await openStore("memory://");
    // Two app instances (replicas) on one store and one workspace.
    h = await startHarness({ clock, slack, store });
    h2 = await startHarness({ clock, slack, store });
    server = await ListingsServer.start();
  });
  afterAll(async () => {
    await h.stopApp();
    await h2.stopApp();
    await slack.close();
    await server.close();
  });
  beforeEach(() => {
    slack.reset();
    slack.users.U0ALICE = { isAdmin: true };
    slack.users.U0BOB = {};
  });

  async function command(
    text: string,
    opts: { user?: string; channel?: string } = {},
    base = h.base,
  ) {
    const id = `l${++n}`;
    const ack = await sendCommand(base, "/listings", text, {
      responseUrl: slack.responseUrl(id),
      channel: CHANNEL,
      ...opts,
    });
    expect(ack.status).toBe(200);
    return commandReply(slack, ack, id);
  }

  async function click(action: Json, user = "U0ALICE") {
    const id = `c${++n}`;
    const res = await sendAction(
      h.base,
      blockActions(action, { user, channel: CHANNEL, responseUrl: slack.responseUrl(id) }),
    );
    expect(res.status).toBe(200);
    const [reply] = await slack
      .waitFor((c) => c.responseId === id)
      .catch((error) => {
        throw new Error(`${error}\n${h.logger.lines.join("\n")}`);
      });
    return reply?.args as Json;
  }

  /** The every-minute tick of both replicas, at the same moment. */
  async function tickBoth(advanceMs = 30 * MINUTE) {
    clock.advance(advanceMs);
    const now = new Date(clock.now());
    await Promise.all(
      [h, h2].map((x) =>
        withListings(x.services.scheduler, x.services.listings, x.logger).tick(now),
      ),
    );
  }

  it("walks through follow, a quiet first poll, posts, buttons, a closed listing and off", async () => {
    server.set([...records("old", 4), record("ml", { category: "AI/ML/Data" })]);

    const refused = await command(`follow ${server.url}`, { user: "U0BOB" });
    expect(allText(refused)).toContain("Only organizers");
    expect(allText(await command(`follow ${server.url} season:summer`))).toContain("season:summer");
    expect(allText(await command(`follow ${server.url}`, { channel: "DU0ALICE" }))).toContain(
      "in a channel",
    );

    const followed = await command(`follow ${server.url} category:Software term:"Summer 2027"`);
    expect(followed.response_type).toBe("ephemeral");
    expect(allText(followed)).toContain("*4* open listings match now");
    expect(allText(followed)).toContain("Company old4");
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);

    await tickBoth();
    expect(slack.callsTo("chat.postMessage")).toHaveLength(0);

    server.set([...records("old", 4), record("ml", { category: "AI/ML/Data" }), record("fresh")]);
    await tickBoth();
    await tickBoth();
    const posts = slack.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.args.channel).toBe(CHANNEL);
    expect(allText(posts[0]?.args)).toContain("Company fresh");
    expect(slack.problems()).toEqual([]);

    const applied = await click(
      { type: "button", action_id: ListingActions.applied, value: "fresh" },
      "U0BOB",
    );
    expect(allText(applied)).toContain("Added *Company fresh");
    expect(applied.response_type).toBe("ephemeral");
    const again = await click(
      { type: "button", action_id: ListingActions.applied, value: "fresh" },
      "U0BOB",
    );
    expect(allText(again)).toContain("already in your tracker (applied)");
    const saved = await click(
      { type: "button", action_id: ListingActions.save, value: "fresh" },
      "U0ALICE",
    );
    expect(allText(saved)).toContain("Saved");
    const forged = await click({
      type: "button",
      action_id: ListingActions.save,
      value: "not-posted-here",
    });
    expect(allText(forged)).toContain("no longer have that listing");

    server.set([...records("old", 4), record("fresh", { active: false })]);
    await tickBoth();
    const [update] = await slack.waitFor((c) => c.method === "chat.update");
    expect(update?.args.ts).toBe(posts[0]?.reply?.ts);
    expect(allText(update?.args)).toContain("Closed");

    const status = await command("status", { user: "U0BOB" });
    expect(allText(status)).toContain("1 posted here so far");
    const poll = await click(
      { type: "button", action_id: POLL_NOW_ACTION, value: "poll" },
      "U0BOB",
    );
    expect(allText(poll)).toContain("Only organizers");

    const off = await command("off");
    expect(off.response_type).toBe("in_channel");
    server.set([...records("old", 4), record("later")]);
    await tickBoth();
    expect(
      slack
        .callsTo("chat.postMessage")
        .map((c) => allText(c.args))
        .join(),
    ).not.toContain("later");
  });

  it("posts more than 5 new listings as one digest, once across both replicas", async () => {
    server.set([]);
    await command(`follow ${server.url}`, {}, h2.base);
    server.set(records("new", 8));
    await tickBoth();
    await tickBoth();
    const posts = slack.callsTo("chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.args.text)).toContain("8 new internship listings");
    expect(slack.problems()).toEqual([]);
    const menu = await click({
      type: "overflow",
      action_id: ListingActions.menu,
      selected_option: { value: "applied:new2", text: { type: "plain_text", text: "I applied" } },
    });
    expect(allText(menu)).toContain("Company new2");
  });

  it("tells the channel once when its source has failed for a day, and status shows the error", async () => {
    server.set([record("a")]);
    await command(`follow ${server.url}`);
    server.status = 502;
    for (let i = 0; i < 26 * 60; i += 10) await tickBoth(10 * MINUTE);
    const notices = slack.callsTo("chat.postMessage");
    expect(notices).toHaveLength(1);
    expect(allText(notices[0]?.args)).toContain("for a day");
    expect(allText(await command("status"))).toContain("the source answered HTTP 502");
    server.status = 200;
  });
});
