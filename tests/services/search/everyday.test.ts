import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EVERYDAY_MIN_COUNT, readEverydayEnglish } from "../../../src/services/search/everyday.ts";
import { stem } from "../../../src/services/search/text.ts";

describe("everyday English word shares", () => {
  it("knows everyday words are common and our words are rarer in everyday talk", () => {
    const share = readEverydayEnglish();
    expect(share(stem("you"))).toBeGreaterThan(0.03);
    expect(share(stem("coffee"))).toBeGreaterThan(share(stem("interview")));
    expect(share(stem("interview"))).toBeGreaterThan(share(stem("internship")));
    // A word the subtitles (almost) never say counts as said half the listing cut-off.
    expect(share("leetcod")).toBeGreaterThan(0);
    expect(share("leetcod")).toBeLessThan(share(stem("internship")));
  });

  it("refuses a damaged table with a message naming the file and the line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "everyday-"));
    const bad = path.join(dir, "bad.txt");
    writeFileSync(bad, "# comment\n@total 100\nyou 50\nnot a line\n");
    expect(() => readEverydayEnglish(bad)).toThrow(/bad\.txt: not a "stem count" line: not a line/);
    const untotalled = path.join(dir, "untotalled.txt");
    writeFileSync(untotalled, `you ${EVERYDAY_MIN_COUNT * 10}\n`);
    expect(() => readEverydayEnglish(untotalled)).toThrow(/no "@total" line/);
  });

  it("lists exactly the stems of the table: not a prefix or a longer word, and a stem listed twice counts as its last line", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "everyday-"));
    const file = path.join(dir, "small.txt");
    writeFileSync(
      file,
      "# counts\n@total 1000\ninterview 40\ngrape 30\ngrapes 10\nintern 5\nintern 8\n",
    );
    const share = readEverydayEnglish(file);
    expect(share("interview")).toBe(40 / 1000);
    expect(share("grape")).toBe(30 / 1000);
    expect(share("grapes")).toBe(10 / 1000);
    expect(share("intern")).toBe(8 / 1000);
    expect(share.listed("grapes")).toBe(true);
    for (const unlisted of ["intervie", "interviews", "grap", "", "intern 5", "Interview"]) {
      expect(share.listed(unlisted)).toBe(false);
      expect(share(unlisted)).toBe(EVERYDAY_MIN_COUNT / 2 / 1000);
    }
  });
});
