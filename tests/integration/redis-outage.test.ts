import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sendCommand } from "../../src/dev/slack-requests.ts";
import { STORE_UNAVAILABLE_REPLY } from "../../src/listeners/safely.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { type RedisServer, skipRedis, startRedis } from "../helpers/redis.ts";
import { commandReply } from "../helpers/replies.ts";

type Json = Record<string, unknown>;
const allText = (args: Json | undefined) =>
  JSON.stringify(args?.blocks ?? []) + String(args?.text ?? "");

describe.skipIf(skipRedis())("the app when Redis goes away and comes back", () => {
  let redis: RedisServer;
  let h: Harness;
  let n = 0;

  beforeAll(async () => {
    redis = await startRedis();
    h = await startHarness({ storeUrl: redis.url });
  });
  afterAll(async () => {
    await h?.close();
    await redis?.stop();
  });

  async function command(name: string, text: string) {
    const id = `o${++n}`;
    const ack = await sendCommand(h.base, name, text, {
      responseUrl: h.slack.responseUrl(id),
      channel: "C0OUT",
    });
    expect(ack.status).toBe(200);
    return commandReply(h.slack, ack, id);
  }
  const healthz = async () => (await fetch(`${h.base}/healthz`)).status;

  it("says nothing changed while Redis is down, turns /healthz 503, and recovers on its own", async () => {
    expect(await healthz()).toBe(200);
    expect(allText(await command("/deadlines", "add 2026-12-15 Acme ML intern"))).toContain(
      "Acme ML intern",
    );

    await redis.stop();
    await vi.waitFor(async () => expect(await healthz()).toBe(503), { timeout: 5000 });
    const refused = await command("/deadlines", "add 2026-12-20 Beta data intern");
    expect(refused.response_type).toBe("ephemeral");
    expect(refused.text).toBe(STORE_UNAVAILABLE_REPLY);

    // The same port, empty again (persistence is off in tests): the app reconnects by itself.
    await redis.start();
    await vi.waitFor(async () => expect(await healthz()).toBe(200), { timeout: 5000 });
    expect(allText(await command("/deadlines", "add 2026-12-20 Beta data intern"))).toContain(
      "Beta data intern",
    );
    const list = allText(await command("/deadlines", "list"));
    expect(list).toContain("Beta data intern");
    expect(h.logger.lines.join("\n")).toMatch(/Redis at redis:\/\/127.0.0.1:\d+ is unavailable/);
  });
});
