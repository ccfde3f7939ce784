import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { freePort, ROOT, runNode, type Spawned, waitForLine } from "../../src/dev/processes.ts";
import {
  eventCallback,
  SIGNING_SECRET,
  send,
  sendCommand,
  sendEvent,
  slashCommand,
} from "../../src/dev/slack-requests.ts";
import { CLIENT_ID, CLIENT_SECRET, SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { skipRedis, startRedis } from "../helpers/redis.ts";
import { ackReply } from "../helpers/replies.ts";

/** Runs the compiled app as `npm start` does (`node dist/app.js`), dependencies bundled in. */
function runBuilt(env: Record<string, string>, cwd: string): Spawned {
  return runNode([path.join(ROOT, "dist/app.js")], { PATH: process.env.PATH ?? "", ...env }, cwd);
}

async function stop(app: Spawned): Promise<number | null> {
  app.child.kill("SIGTERM");
  return app.exited;
}

// The bundle carries Bolt, its web server and OAuth installer, the Socket Mode client (which
// loads undici on first use) and the Redis client (a chunk loaded on demand): each way the app
// runs is started once from dist/, as production runs it.
describe("npm run build: the compiled app in dist/", () => {
  let slack: SlackStandIn;
  let dir: string;
  beforeAll(async () => {
    const built = spawnSync(
      process.execPath,
      ["--import", import.meta.resolve("tsx"), path.join(ROOT, "src/cli/build.ts")],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
    slack = await SlackStandIn.start();
    dir = await mkdtemp(path.join(tmpdir(), "internprep-built-"));
  }, 60_000);
  afterAll(async () => {
    await slack?.close();
    await rm(dir, { recursive: true, force: true });
  });
  /** The built app in its single-workspace HTTP mode, on this port and store. */
  const runHttp = (port: number, storeUrl: string) =>
    runBuilt(
      {
        SLACK_BOT_TOKEN: "xoxb-built",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: storeUrl,
      },
      dir,
    );

  it("answers a command in its ack and a DM question over HTTP, with SQLite", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = runHttp(port, `sqlite://${path.join(dir, "http.sqlite")}`);
    try {
      await waitForLine(app, /InternPrep is running \(HTTP\)/);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ack = await sendCommand(base, "/skills", "ml", {
        responseUrl: slack.responseUrl("built-skills"),
      });
      expect(JSON.stringify(ackReply(ack)?.blocks)).toContain("skill checklist");
      // The bundle's own signature comparison (src/timing-safe-compare.ts) still refuses a
      // request signed with another secret, and answers nothing.
      const forged = slashCommand("/skills", "ml", { responseUrl: slack.responseUrl("forged") });
      const refused = await send(base, forged, "application/x-www-form-urlencoded", {
        secret: "f".repeat(32),
      });
      expect([refused.status, refused.text]).toEqual([401, ""]);
      await sendEvent(
        base,
        eventCallback({
          type: "message",
          channel_type: "im",
          channel: "D0BUILT",
          user: "U0ALICE",
          text: "what is mlops?",
          ts: "1.1",
        }),
      );
      const [post] = await slack.waitFor(
        (c) => c.method === "chat.postMessage" && c.args.channel === "D0BUILT",
      );
      expect(JSON.stringify(post?.args)).toMatch(/MLOps/i);
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 30_000);

  it("reads an organizer's knowledge base (KB_DIR) with the YAML parser, and names what is wrong in one", async () => {
    // The parser is a chunk of its own, loaded only when a file is parsed: the bundled knowledge
    // base comes from its checked snapshot, an organizer's folder from YAML at start-up.
    const { mkdir, writeFile } = await import("node:fs/promises");
    const kb = path.join(dir, "kb-ok");
    await mkdir(kb, { recursive: true });
    await writeFile(
      path.join(kb, "club.yml"),
      `faq:
  - id: club-mock-night
    title: When is our club's mock interview night?
    phrasings: [club mock interview night, when is mock night]
    answer: Thursdays at 7 pm in the library, room 204.
    tags: [club]
`,
    );
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const app = runBuilt(
      {
        SLACK_BOT_TOKEN: "xoxb-built",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: "memory://",
        KB_DIR: kb,
      },
      dir,
    );
    try {
      await waitForLine(app, /InternPrep is running \(HTTP\)/);
      const ack = await sendCommand(base, "/prep", "when is the club mock interview night", {
        responseUrl: slack.responseUrl("built-kb"),
      });
      expect(JSON.stringify(ackReply(ack)?.blocks)).toContain("Thursdays at 7 pm");
    } finally {
      expect(await stop(app)).toBe(0);
    }

    const broken = path.join(dir, "kb-broken");
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, "club.yml"), "faq: [unclosed\n");
    const refused = runBuilt(
      { SLACK_BOT_TOKEN: "xoxb-built", SLACK_SIGNING_SECRET: SIGNING_SECRET, KB_DIR: broken },
      dir,
    );
    expect(await refused.exited).toBe(1);
    expect(refused.output.join("\n")).toMatch(/club\.yml: \(file\): \(yaml\): /);
  }, 30_000);

  it("still logs the Web API calls' bodies and results, tokens redacted, at LOG_LEVEL=debug", async () => {
    // The bundle builds these lines only at debug level (src/cli/build-plugins.ts): there they
    // must read as the client wrote them.
    const port = await freePort();
    const app = runBuilt(
      {
        SLACK_BOT_TOKEN: "xoxb-built-debug",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${path.join(dir, "debug.sqlite")}`,
        LOG_LEVEL: "debug",
      },
      dir,
    );
    try {
      await waitForLine(app, /InternPrep is running \(HTTP\)/);
      await sendEvent(
        `http://127.0.0.1:${port}`,
        eventCallback({
          type: "message",
          channel_type: "im",
          channel: "D0DEBUG",
          user: "U0ALICE",
          text: "what is mlops?",
          ts: "2.1",
        }),
      );
      const [body] = await waitForLine(app, /http request body: .*"channel":"D0DEBUG"/);
      await waitForLine(app, /http request result: \{"ok":true/);
      expect(body).not.toContain("xoxb-built-debug");
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 30_000);

  it("answers a command over Socket Mode", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => wss.once("listening", resolve));
    const acks: Array<Record<string, unknown>> = [];
    const connected = new Promise<WebSocket>((resolve) => {
      wss.on("connection", (ws) => {
        ws.on("message", (data) => acks.push(JSON.parse(String(data))));
        ws.send(JSON.stringify({ type: "hello", num_connections: 1 }));
        resolve(ws);
      });
    });
    slack.respond("apps.connections.open", () => ({
      body: { ok: true, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link` },
    }));
    const app = runBuilt(
      {
        SLACK_BOT_TOKEN: "xoxb-built",
        SLACK_APP_TOKEN: "xapp-built",
        SLACK_API_URL: slack.apiUrl,
        PORT: String(await freePort()),
        STORE_URL: `sqlite://${path.join(dir, "socket.sqlite")}`,
      },
      dir,
    );
    try {
      const socket = await connected;
      const payload = Object.fromEntries(
        new URLSearchParams(
          slashCommand("/skills", "ml", { responseUrl: slack.responseUrl("built-socket") }),
        ),
      );
      socket.send(
        JSON.stringify({
          envelope_id: "built-1",
          type: "slash_commands",
          accepts_response_payload: true,
          payload,
        }),
      );
      await expect
        .poll(() => acks.find((a) => a.envelope_id === "built-1"), { timeout: 10_000 })
        .toBeDefined();
      const ack = acks.find((a) => a.envelope_id === "built-1");
      expect(JSON.stringify(ack?.payload)).toContain("skill checklist");
    } finally {
      expect(await stop(app)).toBe(0);
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    }
  }, 30_000);

  it("serves the install page in multi-workspace mode", async () => {
    const port = await freePort();
    const app = runBuilt(
      {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_CLIENT_ID: CLIENT_ID,
        SLACK_CLIENT_SECRET: CLIENT_SECRET,
        SLACK_STATE_SECRET: "a-state-secret-for-this-test",
        TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        STORE_URL: `sqlite://${path.join(dir, "oauth.sqlite")}`,
      },
      dir,
    );
    try {
      await waitForLine(app, /GET \/slack\/install/);
      const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Add to Slack");
    } finally {
      expect(await stop(app)).toBe(0);
    }
  }, 30_000);

  it.skipIf(skipRedis())(
    "answers a command with the store on Redis",
    async () => {
      const redis = await startRedis();
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const app = runHttp(port, redis.url);
      try {
        await waitForLine(app, /InternPrep is running \(HTTP\)/);
        const ack = await sendCommand(base, "/prep", "behavioral", {
          responseUrl: slack.responseUrl("built-redis"),
        });
        expect(ack.status).toBe(200);
        expect(JSON.stringify(ackReply(ack)?.blocks)).toMatch(/behavioral/i);
      } finally {
        expect(await stop(app)).toBe(0);
        await redis.stop();
      }
    },
    30_000,
  );
});
