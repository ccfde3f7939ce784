import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { LearnedPhrasings } from "../../src/services/feedback/learned.ts";
import { openStore } from "../../src/services/storage/store.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The test's own entries, merged over the bundled knowledge base through KB_DIR. */
const KB = `faq:
  - id: zz-export-faq
    title: How do export tests work?
    phrasings: [export test question, how is the export tested]
    answer: With a store of their own.
    tags: [export]
topics:
  - id: zz-export-topic
    title: Export drills
    summary: Drills for the export test.
    tags: [export]
    tips: [one, two, three, four, five]
prompts:
  - id: zz-export-prompt
    title: Export prompt
    prompt: Practise an export.
    topic: zz-export-topic
    roles: [ml-intern]
    tags: [export]
`;

function exportLearned(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/cli/export-learned.ts"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run kb:export-learned", () => {
  let dir: string;
  let storeUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "export-learned-"));
    await writeFile(path.join(dir, "kb.yml"), KB);
    storeUrl = `sqlite://${path.join(dir, "store.sqlite")}`;
    const store = await openStore(storeUrl);
    const learned = new LearnedPhrasings(store, { learn() {}, unlearn() {} });
    const confirm = async (team: string, entryId: string, phrasing: string) => {
      const item = await learned.record(team, { entryId, phrasing, userId: "U1" });
      await learned.confirm(team, item?.id ?? "", "U0ORG");
    };
    await confirm("T1", "zz-export-faq", "how do u test the export thing?? pls");
    await confirm("T1", "zz-export-faq", 'what does "export" mean: a <b> & c');
    // Already one of the entry's own phrasings (other capitals): left out.
    await confirm("T1", "zz-export-faq", "Export test question");
    await confirm("T2", "zz-export-topic", "export drill ideas");
    await confirm("T2", "gone-from-the-kb", "an entry since removed");
    // Pending and rejected ones are not exported.
    await learned.record("T1", {
      entryId: "zz-export-faq",
      phrasing: "still pending",
      userId: "U2",
    });
    await store.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the confirmed phrasings as YAML lists of { id, phrasings } per entry, as typed", () => {
    const { status, stdout, stderr } = exportLearned({ STORE_URL: storeUrl, KB_DIR: dir });
    expect(status).toBe(0);
    expect(stdout).toMatch(/^# Learned phrasings confirmed by organizers/);
    expect(parse(stdout)).toEqual({
      faq: [
        {
          id: "zz-export-faq",
          phrasings: expect.arrayContaining([
            "how do u test the export thing?? pls",
            'what does "export" mean: a <b> & c',
          ]),
        },
      ],
      topics: [{ id: "zz-export-topic", phrasings: ["export drill ideas"] }],
    });
    expect(parse(stdout).faq[0].phrasings).toHaveLength(2);
    expect(stderr).toContain("3 phrasing(s)");
    expect(stderr).toContain("no longer has: gone-from-the-kb");
  });

  it("says so when there is nothing to export", () => {
    const { status, stdout } = exportLearned({ STORE_URL: "memory://", KB_DIR: "" });
    expect(status).toBe(0);
    expect(parse(stdout)).toEqual({ faq: [] });
  });

  it("refuses a malformed STORE_URL with a message naming it", () => {
    const { status, stderr } = exportLearned({ STORE_URL: "postgres://x", KB_DIR: "" });
    expect(status).toBe(1);
    expect(stderr).toContain(
      "STORE_URL should be sqlite://<path>, redis://host:port[/db], rediss://… or memory://",
    );
  });
});
