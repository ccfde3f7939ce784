import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { slashCommand } from "../../src/dev/slack-requests.ts";
import { SlackStandIn, TEAM_ID } from "../../src/dev/slack-stand-in.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

/** A stand-in for Slack's Socket Mode endpoint: says hello, sends envelopes, collects acks. */
describe("Socket Mode (SLACK_APP_TOKEN)", () => {
  let slack: SlackStandIn;
  let wss: WebSocketServer;
  let socket: WebSocket;
  let h: Harness;
  const acks: Array<Record<string, unknown>> = [];
  const waiting = new Map<string, (ack: Record<string, unknown>) => void>();
  /**
   * Resolves with the ack of an envelope when it arrives (as the socket delivers it, however busy
   * the machine is); fails if none comes within Slack's 3 s.
   */
  const ackOf = (envelopeId: string) => {
    const found = acks.find((a) => a.envelope_id === envelopeId);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(envelopeId);
        reject(new Error(`no ack for ${envelopeId} within 3 s; acks: ${JSON.stringify(acks)}`));
      }, 3_000);
      waiting.set(envelopeId, (ack) => {
        clearTimeout(timer);
        resolve(ack);
      });
    });
  };
  const received = (ack: Record<string, unknown>) => {
    acks.push(ack);
    const id = String(ack.envelope_id);
    waiting.get(id)?.(ack);
    waiting.delete(id);
  };

  beforeAll(async () => {
    slack = await SlackStandIn.start();
    wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => wss.once("listening", resolve));
    const { port } = wss.address() as AddressInfo;
    slack.respond("apps.connections.open", () => ({
      body: { ok: true, url: `ws://127.0.0.1:${port}/link` },
    }));
    const connected = new Promise<WebSocket>((resolve) => {
      wss.on("connection", (ws) => {
        ws.on("message", (data) => received(JSON.parse(String(data))));
        ws.send(
          JSON.stringify({
            type: "hello",
            num_connections: 1,
            connection_info: { app_id: "A0APP" },
          }),
        );
        resolve(ws);
      });
    });
    h = await startHarness({ slack, socketMode: true });
    socket = await connected;
  });

  afterAll(async () => {
    await h.close();
    for (const client of wss.clients) client.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await slack.close();
  });

  it("answers a slash command in its ack over the socket (nothing through the response_url)", async () => {
    const payload = Object.fromEntries(
      new URLSearchParams(
        slashCommand("/skills", "data sci", { responseUrl: slack.responseUrl("sock1") }),
      ),
    );
    socket.send(
      JSON.stringify({
        envelope_id: "env-1",
        type: "slash_commands",
        accepts_response_payload: true,
        payload,
      }),
    );
    const ack = await ackOf("env-1");
    await h.running.idle();
    const reply = ack?.payload as Record<string, unknown> | undefined;
    expect(reply?.response_type).toBe("ephemeral");
    expect(JSON.stringify(reply?.blocks)).toContain("Data science intern: skill checklist");
    expect(String(reply?.text)).not.toBe("");
    expect(slack.callsTo("response_url")).toHaveLength(0);
  });

  it("answers a DM delivered as an events_api envelope", async () => {
    const body = {
      type: "event_callback",
      team_id: TEAM_ID,
      api_app_id: "A0APP",
      event_id: "EvSOCK1",
      event_time: 1,
      event: {
        type: "message",
        channel_type: "im",
        channel: "D0SOCK",
        user: "U0ALICE",
        text: "what is mlops?",
        ts: "9.1",
      },
    };
    socket.send(
      JSON.stringify({
        envelope_id: "env-2",
        type: "events_api",
        accepts_response_payload: false,
        payload: body,
      }),
    );
    const [post] = await slack.waitFor(
      (c) => c.method === "chat.postMessage" && c.args.channel === "D0SOCK",
    );
    expect(String(post?.args.text)).toContain("MLOps");
    expect(acks.some((a) => a.envelope_id === "env-2")).toBe(true);
  });
});
