import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_SECRET } from "../../src/dev/slack-requests.ts";
import { STUDY_CHANNEL, Workspace } from "../../src/dev/workspace.ts";
import { parseListings } from "../../src/services/listings/schema.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { VirtualClock } from "../helpers/virtual-clock.ts";

const SAMPLE = path.join(import.meta.dirname, "../../src/dev/sample-listings.json");

describe("the playground's listings", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({ clock: new VirtualClock(Date.parse("2026-11-23T12:00:00Z")) });
    dir = await mkdtemp(path.join(tmpdir(), "listings-playground-"));
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("the bundled sample is valid, invented data", async () => {
    const { readFile } = await import("node:fs/promises");
    const { listings, malformed } = parseListings(await readFile(SAMPLE, "utf8"));
    expect(malformed).toBe(0);
    expect(listings.length).toBeGreaterThanOrEqual(10);
    expect(
      listings.every((l) => l.company.endsWith("(sample)") && l.url.includes(".example")),
    ).toBe(true);
  });

  it("carol (an organizer) follows the sample, and Poll now posts an opening added to it", async () => {
    const file = path.join(dir, "playground-listings.json");
    await copyFile(SAMPLE, file);
    const workspace = new Workspace(h.slack, { base: h.base, secret: SIGNING_SECRET });
    await workspace.command(
      "U0CAROL",
      STUDY_CHANNEL.id,
      `/listings follow ${file} term:"Summer 2027"`,
    );
    await h.slack.waitFor(
      (c) => c.method === "response_url" && String(c.args.text).includes("now follows"),
    );
    expect(workspace.messages.at(-1)?.text).toContain("11 open listings match");

    const { writeFile, readFile } = await import("node:fs/promises");
    const list = JSON.parse(await readFile(file, "utf8")) as Array<Record<string, unknown>>;
    list.push({
      ...list[0],
      id: "sample-later-1",
      company_name: "Kestrel Aerospace (sample)",
      date_posted: 1_796_000_000,
    });
    await writeFile(file, JSON.stringify(list));
    await workspace.pollListings("U0CAROL");
    const [post] = await h.slack.waitFor((c) => c.method === "chat.postMessage");
    expect(String(post?.args.text)).toContain("Kestrel Aerospace (sample)");
    await h.slack.waitFor(
      (c) => c.method === "response_url" && String(c.args.text).includes("1 posted"),
    );
    expect(h.slack.problems()).toEqual([]);

    // Bob is not an organizer: his Poll now is refused.
    await workspace.pollListings("U0BOB");
    await h.slack.waitFor(
      (c) => c.method === "response_url" && String(c.args.text).includes("Only organizers"),
    );
  });
});
