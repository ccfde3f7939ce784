import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { SlackStandIn, WORKSPACES } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("Socket Mode with many workspaces: the install pages on PORT", () => {
  let slack: SlackStandIn;
  let wss: WebSocketServer;
  let h: Harness;

  beforeAll(async () => {
    slack = await SlackStandIn.start();
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => wss.once("listening", resolve));
    const { port } = wss.address() as AddressInfo;
    slack.respond("apps.connections.open", () => ({
      body: { ok: true, url: `ws://127.0.0.1:${port}/link` },
    }));
    wss.on("connection", (ws) =>
      ws.send(JSON.stringify({ type: "hello", num_connections: 1, connection_info: {} })),
    );
    h = await startHarness({
      slack,
      socketMode: true,
      multiWorkspace: true,
      port: await freePort(),
    });
    slack.oauthRedirectUrl = `${h.base}/slack/oauth_redirect`;
  });

  afterAll(async () => {
    await h.close();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await slack.close();
  });

  it("serves Add to Slack and completes an install over HTTP while events come over the socket", async () => {
    const page = await fetch(`${h.base}/slack/install`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const cookie = (page.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const state = new URL(
      (/id="add-to-slack" href="([^"]+)"/.exec(html)?.[1] ?? "").replaceAll("&amp;", "&"),
    ).searchParams.get("state");
    const code = slack.issueCode(WORKSPACES[1] as (typeof WORKSPACES)[number]);
    const done = await fetch(`${h.base}/slack/oauth_redirect?code=${code}&state=${state}`, {
      headers: { cookie },
    });
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("InternPrep is installed in Second Campus");
    expect(await h.services.installations?.has("T0002")).toBe(true);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });
});
