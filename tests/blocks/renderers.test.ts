import { beforeAll, describe, expect, it } from "vitest";
import { renderAnswer, renderDontKnow, renderIntro } from "../../src/blocks/answers.ts";
import { renderHomeDeadlines } from "../../src/blocks/deadlines.ts";
import { renderHome } from "../../src/blocks/home.ts";
import {
  renderEntry,
  renderGaps,
  renderNotFound,
  renderPrepHelp,
  renderSearchResults,
  renderShared,
  renderTopicList,
} from "../../src/blocks/prep.ts";
import {
  progressLine,
  renderChecklist,
  renderChecklistWhy,
  renderRoleList,
  renderSkillsHelp,
} from "../../src/blocks/skills.ts";
import { blockKitProblems, messageProblems } from "../../src/dev/block-kit.ts";
import type { KnowledgeBase } from "../../src/services/knowledge-base/knowledge-base.ts";
import { BUNDLED_KB_DIR, loadKnowledgeBase } from "../../src/services/knowledge-base/load.ts";
import { createSearch } from "../../src/services/search/search.ts";

let kb: KnowledgeBase;
beforeAll(async () => {
  kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
});

const json = (x: unknown) => JSON.stringify(x);

describe("renderers", () => {
  it("progress line says how far along the user is", () => {
    expect(progressLine({ done: 7, total: 12 })).toContain("7 of 12 done");
  });

  it("every role's checklist, why-list and the role list fit Slack's limits", () => {
    for (const role of kb.roles) {
      const ticked = new Set(role.checklist.slice(0, 3).map((i) => i.id));
      const m = renderChecklist(role, {
        roleId: role.id,
        ticked,
        done: 3,
        total: role.checklist.length,
      });
      expect(messageProblems({ ...m }), role.id).toEqual([]);
      expect(json(m)).toContain(`3 of ${role.checklist.length} done`);
      expect(messageProblems({ ...renderChecklistWhy(role) }), role.id).toEqual([]);
    }
    const list = renderRoleList(kb.roles, new Map([["swe-intern", { done: 2, total: 11 }]]));
    expect(messageProblems({ ...list })).toEqual([]);
    expect(json(list)).toContain("2 of 11 done");
  });

  it("every topic and FAQ entry renders within limits, shared or not", () => {
    for (const entry of kb.entries) {
      expect(messageProblems({ ...renderEntry(entry) }), entry.id).toEqual([]);
      expect(messageProblems({ ...renderShared(entry, "U1") }), entry.id).toEqual([]);
    }
  });

  it("lists, help, search results, gaps and answers fit, with user text escaped", () => {
    const search = createSearch(kb);
    const q = "<!here> how early should I apply & when?";
    const { hits } = search.search(q);
    const all = [
      renderTopicList(kb.topics),
      renderPrepHelp(kb.topics),
      renderSkillsHelp(kb.roles),
      renderSkillsHelp(kb.roles, "<!channel>"),
      renderSearchResults(q, hits),
      renderNotFound(q, kb.topics),
      renderDontKnow(q, kb.topics),
      renderIntro(kb.topics),
      renderGaps([
        {
          question: "<@U1> ping?",
          count: 3,
          firstAskedAt: "2026-11-01T00:00:00Z",
          lastAskedAt: "2026-11-02T00:00:00Z",
        },
      ]),
      renderGaps([]),
      renderAnswer(hits[0] as never, hits.slice(1)),
    ];
    for (const m of all) {
      expect(messageProblems({ ...m })).toEqual([]);
      expect(json(m)).not.toMatch(/<!here>|<!channel>|<@U1>/);
    }
    expect(json(renderSearchResults(q, hits))).toContain(
      "&lt;!here&gt; how early should I apply &amp; when?",
    );
  });

  it("the Home tab shows progress per started role and stays within 100 blocks", () => {
    const [ml, ds] = kb.roles;
    if (!ml || !ds) throw new Error("roles missing");
    const view = renderHome({
      userId: "U1",
      started: [
        { role: ml, progress: { roleId: ml.id, ticked: new Set(["python"]), done: 1, total: 12 } },
      ],
      roles: kb.roles,
      topics: kb.topics,
    });
    expect(blockKitProblems(view.blocks, "view")).toEqual([]);
    expect(blockKitProblems(renderHomeDeadlines([]), "view")).toEqual([]);
    expect(json(view)).toContain("1 of 12 done");
    expect(json(view)).toContain(ds.title);
  });
});
