import { beforeEach, describe, expect, it } from "vitest";
import { ChecklistProgress } from "../../../src/services/checklists/progress.ts";
import type { Role } from "../../../src/services/knowledge-base/schema.ts";
import { openStore, type Store } from "../../../src/services/storage/store.ts";

const role: Role = {
  id: "r",
  title: "Role",
  aliases: ["r"],
  summary: "s",
  tags: [],
  checklist: Array.from({ length: 12 }, (_, i) => ({ id: `i${i}`, skill: `Skill ${i}`, why: "w" })),
};
const group = (g: number) => role.checklist.slice(g * 10, g * 10 + 10).map((i) => i.id);

describe("checklist progress", () => {
  let store: Store;
  let progress: ChecklistProgress;
  beforeEach(async () => {
    store = await openStore("memory://");
    progress = new ChecklistProgress(store);
  });

  it("starts at zero and counts ticks per user", async () => {
    expect(await progress.forRole("T", "U1", role)).toMatchObject({ done: 0, total: 12 });
    await progress.setTicks("T", "U1", role, group(0), ["i1", "i2"]);
    expect((await progress.forRole("T", "U1", role)).done).toBe(2);
    expect((await progress.forRole("T", "U2", role)).done).toBe(0);
  });

  it("a group's ticks replace only that group's", async () => {
    await progress.setTicks("T", "U1", role, group(0), ["i1", "i2"]);
    await progress.setTicks("T", "U1", role, group(1), ["i10"]);
    const after = await progress.setTicks("T", "U1", role, group(0), ["i2"]);
    expect([...after.ticked].sort()).toEqual(["i10", "i2"]);
  });

  it("ignores ids that are not items of the group shown", async () => {
    const after = await progress.setTicks("T", "U1", role, group(1), ["i1", "nope", "i11"]);
    expect([...after.ticked]).toEqual(["i11"]);
  });

  it("keeps ticks of items later removed from the role, without counting them", async () => {
    await progress.setTicks("T", "U1", role, group(1), ["i11"]);
    const shorter = { ...role, checklist: role.checklist.slice(0, 11) };
    expect((await progress.forRole("T", "U1", shorter)).done).toBe(0);
    expect((await progress.forRole("T", "U1", role)).done).toBe(1);
  });

  it("lists the roles a user started, with progress", async () => {
    await progress.setTicks("T", "U1", role, group(0), ["i0"]);
    expect((await progress.started("T", "U1", [role])).map((p) => [p.roleId, p.done])).toEqual([
      ["r", 1],
    ]);
    expect(await progress.started("T", "U2", [role])).toEqual([]);
    // Untick everything: no longer listed as started.
    await progress.setTicks("T", "U1", role, group(0), []);
    expect(await progress.started("T", "U1", [role])).toEqual([]);
  });
});
