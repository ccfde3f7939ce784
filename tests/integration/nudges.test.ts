import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { commandReply } from "../helpers/replies.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

describe("/deadlines and /nudges through the app", () => {
  let h: Harness;
  let clock: VirtualClock;
  let n = 0;

  beforeAll(async () => {
    clock = new VirtualClock(Date.parse("2026-11-22T12:00:00Z"));
    h = await startHarness({ clock });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  async function command(
    name: string,
    text: string,
    opts: { user?: string; channel?: string } = {},
  ) {
    const id = `n${++n}`;
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      ...opts,
    });
    expect(ack.status).toBe(200);
    return commandReply(h.slack, ack, id);
  }

  it("adds a deadline in the user's timezone, lists it with days left and who added it, and removes it", async () => {
    h.slack.users.U0ALICE = { tz: "America/Los_Angeles" };
    const added = await command(
      "/deadlines",
      "add Dec 15 Acme ML intern https://acme.example/apply",
      { channel: "C0DL" },
    );
    expect(added.response_type).toBe("in_channel");
    expect(allText(added)).toContain("<https://acme.example/apply|Acme ML intern>");
    const id = allText(added).match(/id `([0-9a-f]{6})`/)?.[1] as string;
    expect(id).toBeTruthy();
    expect((await h.services.deadlines.upcoming("T0001", "C0DL"))[0]?.timezone).toBe(
      "America/Los_Angeles",
    );

    const list = await command("/deadlines", "list", { channel: "C0DL" });
    expect(list.response_type).toBe("ephemeral");
    expect(allText(list)).toContain("Tue 15 Dec 2026 (in *23 days*)");
    expect(allText(list)).toContain(`id \`${id}\``);
    expect(allText(list)).toContain("added by <@U0ALICE>");

    const removed = await command("/deadlines", `remove ${id}`, { channel: "C0DL" });
    expect(allText(removed)).toContain("removed *Acme ML intern*");
    expect(allText(await command("/deadlines", "list", { channel: "C0DL" }))).toContain(
      "No upcoming deadlines",
    );
  });

  it.each([
    ["add 2026-13-45 Acme", "not a real date"],
    ["add 2025-01-01 Acme", "in the past"],
    ["add 2026-12-15", "Add a title after the date"],
    ["add 2026-12-15 Acme http:/nope", "doesn't look like a web link"],
    ["remove zzz", "There is no deadline with id"],
    ["frobnicate", "I don't know `/deadlines frobnicate`"],
  ])("/deadlines %s: a clear reply, and nothing stored", async (text, message) => {
    const reply = await command("/deadlines", text, { channel: "C0BAD" });
    expect(reply.response_type).toBe("ephemeral");
    expect(allText(reply)).toContain(message);
    expect(await h.services.deadlines.upcoming("T0001", "C0BAD")).toEqual([]);
  });

  it("/nudges on uses the user's Slack timezone when none is given; status shows the next run there", async () => {
    h.slack.users.U0ALICE = { tz: "Europe/Berlin" };
    const on = await command("/nudges", "on monday 09:00", { channel: "C0NUDGE" });
    expect(on.response_type).toBe("in_channel");
    expect(allText(on)).toContain("every *Monday at 09:00* (Europe/Berlin)");
    expect(allText(on)).toContain("Next: Mon 23 Nov 2026, 09:00 GMT+1");
    const status = await command("/nudges", "status", { channel: "C0NUDGE" });
    expect(allText(status)).toContain("Nudges are *on*");
    const off = await command("/nudges", "off", { channel: "C0NUDGE" });
    expect(allText(off)).toContain("turned weekly nudges off");
    expect(allText(await command("/nudges", "status", { channel: "C0NUDGE" }))).toContain(
      "Nudges are *off*",
    );
  });

  it.each([
    ["on someday 09:00", "is not a weekday"],
    ["on monday 9am", "is not a time"],
    ["on monday 25:00", "is not a time"],
    ["on monday 09:00 Mars/Base", "is not a timezone I know"],
    ["on monday", "Write it as `/nudges on"],
    ["sometimes", "I don't know `/nudges sometimes`"],
  ])("/nudges %s: a clear reply, nothing changed", async (text, message) => {
    const reply = await command("/nudges", text, { channel: "C0NOPE" });
    expect(allText(reply)).toContain(message);
    expect((await h.services.channels.get("T0001", "C0NOPE")).schedule).toBeUndefined();
  });

  it("/nudges now posts this week's nudge, and a title like <!channel> can never ping anyone", async () => {
    await command("/deadlines", "add 2026-11-30 <!channel> Acme & Co", { channel: "C0NOW" });
    // On success the nudge itself is the reply: nothing goes to the response_url.
    await sendCommand(h.base, "/nudges", "now", {
      responseUrl: h.slack.responseUrl("now"),
      channel: "C0NOW",
    });
    const [post] = await h.slack.waitFor((c) => c.method === "chat.postMessage");
    expect(post?.args.channel).toBe("C0NOW");
    const text = allText(post?.args as Json);
    expect(text).toContain("Weekly internship nudge");
    expect(text).toContain("&lt;!channel&gt; Acme &amp; Co");
    expect(text).toContain("in *8 days*");
    expect(text).toContain("Practice prompt of the week");
    expect(text).not.toContain("<!channel>");
    expect(h.slack.problems()).toEqual([]);
  });

  it("/nudges now in a channel the bot is not in says how to fix it, and status shows the pause", async () => {
    h.slack.respond("chat.postMessage", (args) =>
      args.channel === "C0OUT" ? { body: { ok: false, error: "not_in_channel" } } : undefined,
    );
    await command("/nudges", "on friday 10:00 UTC", { channel: "C0OUT" });
    const reply = await command("/nudges", "now", { channel: "C0OUT" });
    expect(allText(reply)).toContain("Invite me with `/invite @InternPrep`");
    const status = await command("/nudges", "status", { channel: "C0OUT" });
    expect(allText(status)).toContain("Nudges are *paused*");
    expect(allText(status)).toContain("/invite @InternPrep");
  });

  it("/nudges status in a channel whose settings are damaged says so, and /nudges on repairs them", async () => {
    await command("/nudges", "on monday 09:00 UTC", { channel: "C0DAMAGED" });
    const raw = h.services.store.collection("channels", z.unknown());
    await raw.set("T0001:C0DAMAGED", { teamId: "T0001", channelId: "C0DAMAGED", schedule: "??" });
    const status = await command("/nudges", "status", { channel: "C0DAMAGED" });
    expect(allText(status)).toContain("nudge settings are *damaged*");
    const on = await command("/nudges", "on tuesday 10:00 UTC", { channel: "C0DAMAGED" });
    expect(allText(on)).toContain("every *Tuesday at 10:00*");
    expect(allText(await command("/nudges", "status", { channel: "C0DAMAGED" }))).toContain(
      "Nudges are *on*",
    );
  });

  it("the Home tab lists the user's upcoming deadlines across the channels they share with the bot", async () => {
    await command("/deadlines", "add 2026-12-01 Visible Inc", { channel: "C0MINE" });
    await command("/deadlines", "add 2026-12-02 Hidden Ltd", { channel: "C0OTHER" });
    h.slack.memberships.U0ALICE = ["C0MINE"];
    const { eventCallback, sendEvent } = await import("../../src/dev/slack-requests.ts");
    await sendEvent(
      h.base,
      eventCallback({ type: "app_home_opened", user: "U0ALICE", channel: "D0", tab: "home" }),
    );
    const [home] = await h.slack.waitFor((c) => c.method === "views.publish");
    const view = JSON.stringify(home?.args.view);
    expect(view).toContain("Visible Inc");
    expect(view).toContain("<#C0MINE>");
    expect(view).not.toContain("Hidden Ltd");
  });
});

describe("posting to 500 channels due in the same minute", () => {
  it("posts every healthy channel exactly once despite 429s, and pauses the ones the bot was removed from", async () => {
    const clock = new VirtualClock(Date.parse("2027-01-10T12:00:00Z"));
    const h = await startHarness({ clock });
    try {
      const gone = new Set(["C00007", "C00123", "C00250", "C00377", "C00499"]);
      for (let i = 0; i < 500; i++) {
        await h.services.channels.turnOn(
          "T0001",
          `C${String(i).padStart(5, "0")}`,
          { weekday: 1, time: "09:00", timezone: "UTC" },
          "U0ORG",
        );
      }
      let calls = 0;
      h.slack.respond("chat.postMessage", (args) => {
        calls++;
        if (gone.has(String(args.channel))) return { body: { ok: false, error: "not_in_channel" } };
        // Every 40th call is rate limited, as Slack does under load.
        if (calls % 40 === 0)
          return {
            status: 429,
            headers: { "retry-after": "2" },
            body: { ok: false, error: "ratelimited" },
          };
        return undefined;
      });
      const report = await h.services.scheduler.tick(new Date("2027-01-11T09:00:20Z"));
      expect(report).toMatchObject({ posted: 495, failed: 0 });
      expect(report.paused.sort()).toEqual([...gone].map((c) => `T0001:${c}`).sort());

      const ok = h.slack.callsTo("chat.postMessage").filter((c) => c.ok);
      const perChannel = new Map<string, number>();
      for (const c of ok)
        perChannel.set(String(c.args.channel), (perChannel.get(String(c.args.channel)) ?? 0) + 1);
      expect(perChannel.size).toBe(495);
      expect([...perChannel.values()].every((count) => count === 1)).toBe(true);
      expect(
        h.slack.callsTo("chat.postMessage").filter((c) => c.status === 429).length,
      ).toBeGreaterThan(0);
      expect(clock.sleeps).toContain(2000);

      // The same minute again (a second tick, or a restart): nothing more is posted.
      const again = await h.services.scheduler.tick(new Date("2027-01-11T09:00:50Z"));
      expect(again.posted).toBe(0);
      expect(h.slack.callsTo("chat.postMessage").filter((c) => c.ok)).toHaveLength(495);
      expect(h.slack.problems()).toEqual([]);
    } finally {
      await h.close();
    }
  }, 60_000);
});
