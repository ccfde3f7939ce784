import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openStore } from "../../../src/services/storage/store.ts";

describe("Collection.keys (listing by prefix, for the purge of an uninstalled workspace)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "keys-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([["memory://"], ["sqlite"]])(
    "%s: only this collection's keys with the prefix",
    async (kind) => {
      const url = kind === "sqlite" ? `sqlite://${path.join(dir, "s.sqlite")}` : kind;
      const store = await openStore(url);
      const progress = store.collection("progress", z.number());
      const other = store.collection("progress-extra", z.number());
      await progress.set("T1:U1", 1);
      await progress.set("T1:U2", 2);
      await progress.set("T10:U1", 3);
      await progress.set("T2:U1", 4);
      await other.set("T1:U9", 5);
      expect((await progress.keys("T1:")).sort()).toEqual(["T1:U1", "T1:U2"]);
      expect((await progress.keys("")).sort()).toEqual(["T10:U1", "T1:U1", "T1:U2", "T2:U1"]);
      expect(await progress.keys("T3:")).toEqual([]);
      await store.close();
    },
  );
});
