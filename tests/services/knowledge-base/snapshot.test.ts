import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  KnowledgeBaseError,
  loadKnowledgeBase,
  writeSnapshot,
} from "../../../src/services/knowledge-base/load.ts";

const FIXTURE = path.resolve(import.meta.dirname, "../../fixtures/kb");

describe("the checked knowledge-base snapshot (npm run build)", () => {
  let dir: string;
  let data: string;
  let snapshot: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kb-snapshot-"));
    data = path.join(dir, "data");
    snapshot = path.join(dir, "dist", "kb-snapshot.json");
    await cp(FIXTURE, data, { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads the same knowledge base as the YAML it was made from", async () => {
    expect(await writeSnapshot(data, snapshot)).toEqual([]);
    const fromYaml = await loadKnowledgeBase({ dirs: [data] });
    const fromSnapshot = await loadKnowledgeBase({ dirs: [data], snapshot });
    expect(fromSnapshot.entries).toEqual(fromYaml.entries);
    expect(fromSnapshot.synonyms).toEqual(fromYaml.synonyms);
    expect(fromSnapshot.offTopic).toEqual(fromYaml.offTopic);
    expect(fromSnapshot.offTopic.length).toBeGreaterThan(0);
  });

  it("is not written for an invalid folder", async () => {
    await writeFile(path.join(data, "broken.yml"), "faq:\n  - id: Not An Id\n");
    const problems = await writeSnapshot(data, snapshot);
    expect(problems.length).toBeGreaterThan(0);
    await expect(readFile(snapshot)).rejects.toThrow();
  });

  it("is ignored once the YAML changed after the build, so the change is validated", async () => {
    expect(await writeSnapshot(data, snapshot)).toEqual([]);
    await writeFile(path.join(data, "broken.yml"), "faq:\n  - id: Not An Id\n");
    await expect(loadKnowledgeBase({ dirs: [data], snapshot })).rejects.toThrow(KnowledgeBaseError);
  });

  it("still validates KB_DIR, merged over it (an unknown topic is refused)", async () => {
    expect(await writeSnapshot(data, snapshot)).toEqual([]);
    const own = path.join(dir, "own");
    await mkdir(own);
    await writeFile(
      path.join(own, "mine.yml"),
      [
        "faq:",
        "  - id: gap-year",
        "    title: Can I intern in a gap year?",
        "    phrasings: [internship in a gap year, can I intern if I am not enrolled]",
        "    answer: Often yes.",
        "    tags: [gap year]",
        "    topics: [no-such-topic]",
      ].join("\n"),
    );
    const error = await loadKnowledgeBase({ dirs: [data, own], snapshot }).catch((e) => e);
    expect(error).toBeInstanceOf(KnowledgeBaseError);
    expect((error as KnowledgeBaseError).message).toContain('unknown topic "no-such-topic"');

    await writeFile(
      path.join(own, "mine.yml"),
      (await readFile(path.join(own, "mine.yml"), "utf8")).replace("no-such-topic", "behavioral"),
    );
    const kb = await loadKnowledgeBase({ dirs: [data, own], snapshot });
    expect(kb.get("gap-year")?.title).toBe("Can I intern in a gap year?");
    expect(kb.get("behavioral")?.kind).toBe("topic");
  });
});
