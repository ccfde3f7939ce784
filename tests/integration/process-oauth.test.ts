import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, runEntry, waitForLine } from "../../src/dev/processes.ts";
import { SIGNING_SECRET } from "../../src/dev/slack-requests.ts";
import { CLIENT_ID, CLIENT_SECRET, SlackStandIn } from "../../src/dev/slack-stand-in.ts";

describe("npm start in multi-workspace mode (Add to Slack)", () => {
  let slack: SlackStandIn;
  let dir: string;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    dir = await mkdtemp(path.join(tmpdir(), "internprep-oauth-"));
  });
  afterAll(async () => {
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (key: Buffer, port: number) => ({
    PATH: process.env.PATH ?? "",
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: "a-state-secret-for-this-test",
    TOKEN_ENCRYPTION_KEY: key.toString("base64"),
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    STORE_URL: `sqlite://${path.join(dir, "store.sqlite")}`,
    LOG_LEVEL: "info",
  });

  it("serves the install page; restarted with a different TOKEN_ENCRYPTION_KEY it refuses to start, saying why", async () => {
    const port = await freePort();
    const first = runEntry("src/app.ts", env(Buffer.alloc(32, 1), port), dir);
    await waitForLine(first, /InternPrep is running .*GET \/slack\/install/);
    const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Add to Slack");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = runEntry("src/app.ts", env(Buffer.alloc(32, 2), await freePort()), dir);
    expect(await second.exited).toBe(1);
    expect(second.output.join("\n")).toContain(
      "TOKEN_ENCRYPTION_KEY is not the key the stored workspace tokens were encrypted with",
    );
  }, 30_000);
});
