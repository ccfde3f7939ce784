import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { STORE_UNAVAILABLE_REPLY } from "../../src/listeners/safely.ts";
import { FullDisk, storeOnDisk } from "../helpers/full-disk.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { commandReply } from "../helpers/replies.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

describe("with the disk full", () => {
  let h: Harness;
  const disk = new FullDisk();
  let n = 0;

  beforeAll(async () => {
    const clock = new VirtualClock(Date.parse("2026-11-22T12:00:00Z"));
    h = await startHarness({ clock, store: storeOnDisk(disk, (e) => h.logger.error(e.message)) });
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(() => {
    h.slack.reset();
    disk.full = false;
  });

  async function command(name: string, text: string, channel: string) {
    const id = `f${++n}`;
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      channel,
    });
    expect(ack.status).toBe(200);
    const reply = await commandReply(h.slack, ack, id);
    await h.running.idle();
    const viaUrl = h.slack.calls.filter((c) => c.responseId === id).map((c) => c.args);
    // Every reply the user saw: the one in the ack (if any), and those to the response_url.
    return { reply, replies: ack.text === "" ? viaUrl : [reply, ...viaUrl] };
  }

  const healthz = async () => (await fetch(`${h.base}/healthz`)).status;

  it("/deadlines add and /nudges on say nothing was saved, store nothing, and /healthz answers 503 until the disk has room again", async () => {
    expect(await healthz()).toBe(200);
    disk.full = true;

    const added = await command("/deadlines", "add 2026-12-15 Acme ML intern", "C0FULL");
    expect(added.replies).toHaveLength(1);
    expect(added.reply.text).toBe(STORE_UNAVAILABLE_REPLY);
    expect(added.reply.response_type).toBe("ephemeral");
    const on = await command("/nudges", "on monday 09:00 UTC", "C0FULL");
    expect(on.reply.text).toBe(STORE_UNAVAILABLE_REPLY);
    expect(allText(on.reply)).not.toContain("turned on");
    expect(await healthz()).toBe(503);
    // The log names the store, the key and the cause.
    expect(h.logger.lines).toContainEqual(
      expect.stringMatching(
        /test store: could not write \S+:T0001:C0FULL\S*: SQLITE_FULL: database or disk is full/,
      ),
    );

    disk.full = false;
    expect(await h.services.deadlines.upcoming("T0001", "C0FULL")).toEqual([]);
    expect((await h.services.channels.get("T0001", "C0FULL")).schedule).toBeUndefined();
    expect(await h.services.channels.scheduled()).toEqual([]);

    // Space again: the same commands work, and the store is healthy.
    const again = await command("/deadlines", "add 2026-12-15 Acme ML intern", "C0FULL");
    expect(allText(again.reply)).toContain("Acme ML intern");
    expect(await healthz()).toBe(200);
    const onAgain = await command("/nudges", "on monday 09:00 UTC", "C0FULL");
    expect(allText(onAgain.reply)).toContain("turned on weekly nudges");
    expect((await h.services.deadlines.upcoming("T0001", "C0FULL")).map((d) => d.title)).toEqual([
      "Acme ML intern",
    ]);
    expect((await h.services.channels.scheduled()).map((c) => c.channelId)).toEqual(["C0FULL"]);
  });
});
