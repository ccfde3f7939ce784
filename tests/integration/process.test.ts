import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { freePort, runEntry, type Spawned, waitForLine } from "../../src/dev/processes.ts";
import {
  blockActions,
  SIGNING_SECRET,
  sendAction,
  sendCommand,
} from "../../src/dev/slack-requests.ts";
import { SlackStandIn } from "../../src/dev/slack-stand-in.ts";
import { openStore } from "../../src/services/storage/store.ts";
import { commandReply } from "../helpers/replies.ts";

/** Whether a user could read a file (every folder on its path searchable, the file readable). */
function readableBy(user: { uid: number; gid: number }, file: string): boolean {
  const probe = `require("node:fs").accessSync(${JSON.stringify(file)}, require("node:fs").constants.R_OK)`;
  return spawnSync(process.execPath, ["-e", probe], { ...user, stdio: "ignore" }).status === 0;
}

/** Runs `src/app.ts` as `npm start` does, in a folder with no .env, and waits until it says it is up. */
async function runApp(
  env: Record<string, string>,
  cwd: string,
  waitForReady = true,
  as: { uid?: number; gid?: number } = {},
): Promise<Spawned> {
  const app = runEntry("src/app.ts", { PATH: process.env.PATH ?? "", ...env }, cwd, () => {}, as);
  if (waitForReady) await waitForLine(app, /InternPrep is running/);
  return app;
}

describe("the app as a process (npm start)", () => {
  let slack: SlackStandIn;
  let dir: string;
  beforeAll(async () => {
    slack = await SlackStandIn.start();
    dir = await mkdtemp(path.join(tmpdir(), "internprep-"));
  });
  afterAll(async () => {
    await slack.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("serves /healthz, stops cleanly on SIGTERM, and keeps checklist progress across a restart", async () => {
    const port = await freePort();
    const env = {
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      STORE_URL: "sqlite://./data/internprep.sqlite",
    };
    const base = `http://127.0.0.1:${port}`;
    const first = await runApp(env, dir);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);

    await sendAction(
      base,
      blockActions(
        {
          type: "checkboxes",
          action_id: "skills_tick:1",
          block_id: "skills:ml-intern:1",
          selected_options: [{ value: "project-story" }],
        },
        { responseUrl: slack.responseUrl("tick") },
      ),
    );
    await slack.waitFor((c) => c.responseId === "tick");
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);

    const second = await runApp(env, dir);
    try {
      const ack = await sendCommand(base, "/skills", "ml", {
        responseUrl: slack.responseUrl("again"),
      });
      const reply = await commandReply(slack, ack, "again");
      const blocks = reply.blocks as Array<{
        block_id?: string;
        elements?: Array<{ initial_options?: Array<{ value: string }> }>;
      }>;
      const group = blocks.find((b) => b.block_id === "skills:ml-intern:1");
      expect(group?.elements?.[0]?.initial_options?.map((o) => o.value)).toEqual(["project-story"]);
      expect(JSON.stringify(reply.blocks)).toContain("1 of 12 done");
    } finally {
      second.child.kill("SIGINT");
      expect(await second.exited).toBe(0);
    }
  }, 30_000);

  it("refuses to start with a missing variable, naming it and where to find it", async () => {
    const run = await runApp({ SLACK_SIGNING_SECRET: SIGNING_SECRET }, dir, false);
    expect(await run.exited).toBe(1);
    expect(run.output.join("\n")).toContain(
      "SLACK_BOT_TOKEN is missing (Slack app settings → OAuth & Permissions",
    );
  }, 30_000);

  it("refuses to start with an invalid knowledge base, saying where the problem is", async () => {
    const kb = path.join(dir, "kb");
    await import("node:fs/promises").then((fs) =>
      fs
        .mkdir(kb, { recursive: true })
        .then(() =>
          fs.writeFile(
            path.join(kb, "mine.yml"),
            "faq:\n  - id: x\n    title: Q?\n    phrasings: [a b]\n    answer: A.\n",
          ),
        ),
    );
    const run = await runApp(
      {
        SLACK_BOT_TOKEN: "xoxb-t",
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        KB_DIR: kb,
        STORE_URL: "memory://",
      },
      dir,
      false,
    );
    expect(await run.exited).toBe(1);
    expect(run.output.join("\n")).toMatch(
      /mine\.yml: x: phrasings: needs at least 2 ways students phrase it/,
    );
  }, 30_000);

  describe("refuses to start with a store file it cannot use, naming the file, what is wrong and what to do", () => {
    const start = async (file: string, as: { uid?: number; gid?: number } = {}) => {
      const run = await runApp(
        {
          SLACK_BOT_TOKEN: "xoxb-test-token",
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          STORE_URL: `sqlite://${file}`,
          PORT: String(await freePort()),
        },
        path.dirname(file),
        false,
        as,
      );
      expect(await run.exited).toBe(1);
      const output = run.output.join("\n");
      expect(output).not.toMatch(/^\s+at /m);
      return output;
    };

    it("a read-only file", async (ctx) => {
      // root may write to a read-only file, so the app then runs as nobody, as a hosting platform
      // would; nobody must be able to read the project for that (a clone inside a private folder,
      // such as one from mktemp -d, is not).
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
      if (asNobody && !readableBy(asNobody, path.resolve("package.json"))) {
        ctx.skip("running as root in a folder user nobody cannot read: no user to run the app as");
      }
      const folder = await mkdtemp(path.join(tmpdir(), "internprep-ro-"));
      const file = path.join(folder, "store.sqlite");
      try {
        const store = await openStore(`sqlite://${file}`);
        await store.close();
        await chmod(file, 0o444);
        await chmod(folder, 0o555);
        const output = await start(file, asNobody ?? {});
        expect(output).toContain(
          `The store file ${file} is read-only: InternPrep must write to it (and create store.sqlite-wal and store.sqlite-shm beside it). Give the user running the app write permission on the file and its folder`,
        );
      } finally {
        await chmod(folder, 0o755);
        await rm(folder, { recursive: true, force: true });
      }
    }, 30_000);

    it("a damaged file, and a file that is not a database", async () => {
      const file = path.join(dir, "damaged.sqlite");
      const store = await openStore(`sqlite://${file}`);
      const c = store.collection("c", z.string());
      for (let i = 0; i < 100; i++) await c.set(`k${i}`, "x".repeat(500));
      await store.close();
      const bytes = await readFile(file);
      bytes.fill(0x5a, 4096, bytes.length - 4096);
      await writeFile(file, bytes);
      expect(await start(file)).toMatch(
        new RegExp(
          `The store file ${file} is damaged \\(SQLite found corrupt pages\\)\\. Stop the app`,
        ),
      );

      const notes = path.join(dir, "notes.txt");
      await writeFile(notes, "not a database\n".repeat(500));
      const output = await start(notes);
      expect(output).toContain(`The store file ${notes} is not an SQLite database`);
      expect(output).not.toContain("SQLITE_NOTADB");
    }, 30_000);
  });

  it("a wrong or revoked bot token stops start-up with one clear line, before saying it runs", async () => {
    slack.respond("auth.test", () => ({ body: { ok: false, error: "invalid_auth" } }));
    try {
      const run = await runApp(
        {
          SLACK_BOT_TOKEN: "xoxb-well-formed-but-wrong",
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_API_URL: slack.apiUrl,
          PORT: String(await freePort()),
          STORE_URL: "memory://",
        },
        dir,
        false,
      );
      expect(await run.exited).toBe(1);
      expect(run.output).toEqual([
        expect.stringMatching(
          /^InternPrep cannot start: SLACK_BOT_TOKEN is not a valid token for any workspace \(Slack answered invalid_auth\)\. Reinstall the app or copy its Bot User OAuth Token again/,
        ),
      ]);
    } finally {
      slack.reset();
    }
  }, 30_000);
});
