import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { LearnedPhrasings, learnedId } from "../../../src/services/feedback/learned.ts";
import type { KnowledgeBase } from "../../../src/services/knowledge-base/knowledge-base.ts";
import { loadKnowledgeBase } from "../../../src/services/knowledge-base/load.ts";
import { createSearch } from "../../../src/services/search/search.ts";
import { openStore } from "../../../src/services/storage/store.ts";

const FIXTURE_KB = path.resolve(import.meta.dirname, "../../fixtures/kb");
const QUESTION = "how do I train my dog to sit";

describe("learned phrasings", () => {
  let kb: KnowledgeBase;
  beforeAll(async () => {
    kb = await loadKnowledgeBase({ dirs: [FIXTURE_KB] });
  });

  it("keeps a picked question as typed, once per (entry, question), counting who picked it", async () => {
    let now = new Date("2026-11-01T10:00:00Z");
    const learned = new LearnedPhrasings(await openStore("memory://"), createSearch(kb), () => now);
    const first = await learned.record("T", {
      entryId: "model-training",
      phrasing: "  how do I   train my <dog> & cat?  ",
      userId: "U1",
    });
    expect(first).toMatchObject({
      entryId: "model-training",
      phrasing: "how do I train my <dog> & cat?",
      status: "pending",
      pickedBy: ["U1"],
    });
    now = new Date("2026-11-02T10:00:00Z");
    // Same question with other capitals and punctuation: the same phrasing, a second picker.
    await learned.record("T", {
      entryId: "model-training",
      phrasing: "How do I train my dog & cat",
      userId: "U2",
    });
    await learned.record("T", {
      entryId: "model-training",
      phrasing: "how do i train my dog cat",
      userId: "U2",
    });
    await learned.record("T", { entryId: "apply-early", phrasing: "when 2 apply", userId: "U3" });
    const pending = await learned.pending("T");
    expect(pending.map((p) => [p.entryId, p.pickedBy])).toEqual([
      ["model-training", ["U1", "U2"]],
      ["apply-early", ["U3"]],
    ]);
    expect(pending[0]?.id).toBe(learnedId("model-training", "how do I train my dog cat"));
    // Per workspace; a question of nothing but punctuation is not kept.
    expect(await learned.pending("OTHER")).toEqual([]);
    expect(
      await learned.record("T", { entryId: "apply-early", phrasing: " ?! ", userId: "U1" }),
    ).toBe(undefined);
  });

  it("confirming teaches the search at once; rejecting drops it; each works once", async () => {
    const search = createSearch(kb);
    const learned = new LearnedPhrasings(await openStore("memory://"), search);
    expect(search.search(QUESTION).answered).toBe(false);
    const dog = await learned.record("T", {
      entryId: "model-training",
      phrasing: QUESTION,
      userId: "U1",
    });
    const cat = await learned.record("T", {
      entryId: "apply-early",
      phrasing: "cat circus",
      userId: "U1",
    });

    expect(await learned.confirm("T", dog?.id ?? "", "U0ORG")).toMatchObject({
      status: "confirmed",
      reviewedBy: "U0ORG",
    });
    const after = search.search(QUESTION);
    expect(after.answered).toBe(true);
    expect(after.hits[0]?.id).toBe("model-training");
    expect(await learned.confirm("T", dog?.id ?? "", "U0ORG")).toBeUndefined();

    expect(await learned.reject("T", cat?.id ?? "")).toMatchObject({ phrasing: "cat circus" });
    expect(await learned.reject("T", cat?.id ?? "")).toBeUndefined();
    expect(await learned.get("T", cat?.id ?? "")).toBeUndefined();
    // A confirmed phrasing cannot be rejected by a stale button.
    expect(await learned.reject("T", dog?.id ?? "")).toBeUndefined();
    expect(await learned.pending("T")).toEqual([]);
    expect((await learned.confirmed("T")).map((p) => p.phrasing)).toEqual([QUESTION]);
    // Picking a confirmed phrasing again keeps it confirmed.
    await learned.record("T", { entryId: "model-training", phrasing: QUESTION, userId: "U9" });
    expect((await learned.get("T", dog?.id ?? ""))?.status).toBe("confirmed");
  });

  it("confirmed phrasings survive a restart: a new search learns them from the store", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "learned-"));
    const url = `sqlite://${path.join(dir, "store.sqlite")}`;
    try {
      const store = await openStore(url);
      const learned = new LearnedPhrasings(store, createSearch(kb));
      const item = await learned.record("T1", {
        entryId: "model-training",
        phrasing: QUESTION,
        userId: "U1",
      });
      await learned.confirm("T1", item?.id ?? "", "U0ORG");
      await learned.record("T2", {
        entryId: "apply-early",
        phrasing: "hamster circus apply",
        userId: "U1",
      });
      await store.close();

      const reopened = await openStore(url);
      const search = createSearch(kb);
      expect(search.search(QUESTION).answered).toBe(false);
      const restored = new LearnedPhrasings(reopened, search);
      expect(await restored.teams()).toEqual(["T1", "T2"]);
      expect(await restored.restore()).toBe(1);
      expect(search.search(QUESTION).hits[0]?.id).toBe("model-training");
      expect(search.search(QUESTION).answered).toBe(true);
      // Pending ones are not learned.
      expect(search.search("hamster circus apply").answered).toBe(false);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps at most 500 pending per workspace, dropping the least picked, never the newest", async () => {
    let tick = 0;
    const learned = new LearnedPhrasings(
      await openStore("memory://"),
      { learn() {}, unlearn() {} },
      () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)),
    );
    await learned.record("T", { entryId: "apply-early", phrasing: "popular", userId: "U1" });
    await learned.record("T", { entryId: "apply-early", phrasing: "popular", userId: "U2" });
    for (let i = 0; i < 500; i++) {
      await learned.record("T", {
        entryId: "apply-early",
        phrasing: `question ${i}`,
        userId: "U1",
      });
    }
    const pending = await learned.pending("T");
    expect(pending).toHaveLength(500);
    expect(pending[0]?.phrasing).toBe("popular");
    expect(pending.map((p) => p.phrasing)).toContain("question 499");
    expect(pending.map((p) => p.phrasing)).not.toContain("question 0");
  });
});
