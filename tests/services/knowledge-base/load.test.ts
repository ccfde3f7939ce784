import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { displayText } from "../../../src/services/knowledge-base/knowledge-base.ts";
import {
  BUNDLED_KB_DIR,
  checkKnowledgeBase,
  formatProblem,
  KnowledgeBaseError,
  loadKnowledgeBase,
} from "../../../src/services/knowledge-base/load.ts";

describe("the bundled knowledge base", () => {
  it("is valid and as large as promised", async () => {
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    expect(kb.roles.length).toBeGreaterThanOrEqual(8);
    for (const role of kb.roles) expect(role.checklist.length).toBeGreaterThanOrEqual(10);
    expect(kb.topics.length).toBeGreaterThanOrEqual(12);
    for (const topic of kb.topics) expect(topic.tips.length).toBeGreaterThanOrEqual(5);
    expect(kb.faq.length).toBeGreaterThanOrEqual(60);
    expect(kb.prompts.length).toBeGreaterThanOrEqual(52);
    for (const entry of kb.entries) expect(displayText(entry).length).toBeLessThanOrEqual(3000);
  });

  it("has the roles the issue names", async () => {
    const kb = await loadKnowledgeBase({ dirs: [BUNDLED_KB_DIR] });
    expect(kb.roles.map((r) => r.id)).toEqual(
      expect.arrayContaining([
        "ml-intern",
        "data-science-intern",
        "swe-intern",
        "ml-research-intern",
        "cv-engineer",
        "cv-research-scientist",
        "cv-quality-engineer",
        "cv-platform-engineer",
      ]),
    );
  });
});

const role = (id: string, title = id) => `
  - id: ${id}
    title: ${title}
    aliases: [${id} alias]
    summary: A role.
    tags: [test]
    checklist:
${Array.from({ length: 10 }, (_, i) => `      - {id: s${i}, skill: Skill ${i}, why: Because ${i}.}`).join("\n")}
`;

describe("checking a knowledge base", () => {
  let dir: string;
  let extra: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "kb-"));
    extra = await mkdtemp(path.join(tmpdir(), "kb-extra-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(extra, { recursive: true, force: true });
  });

  const lines = async (...dirs: string[]) =>
    (await checkKnowledgeBase({ dirs })).problems
      .map(formatProblem)
      .map((l) => l.replace(/^.*?kb-(extra-)?\w+\//, ""));

  it("reports each problem as file: entry-id: field: message", async () => {
    await writeFile(
      path.join(dir, "faq.yml"),
      `faq:
  - id: good-one
    title: A question?
    phrasings: [one way, another way]
    answer: An answer.
    tags: [t]
    topics: [no-such-topic]
  - id: empty-answer
    title: Another?
    phrasings: [third way, fourth way]
    tags: [t]
    answer: "   "
  - id: too-long
    title: Long?
    phrasings: [fifth way, sixth way]
    tags: [t]
    answer: ${"x".repeat(3001)}
  - id: good-one
    title: Duplicate?
    phrasings: [seventh way, eighth way]
    tags: [t]
    answer: Again.
`,
    );
    expect(await lines(dir)).toEqual([
      "faq.yml: empty-answer: answer: must not be empty",
      "faq.yml: too-long: answer: must be at most 3000 characters",
      `faq.yml: good-one: id: duplicate id, also defined in ${path.relative(process.cwd(), path.join(dir, "faq.yml"))}`,
      'faq.yml: good-one: topics.0: unknown topic "no-such-topic"',
    ]);
  });

  it("reports broken YAML, unknown keys and missing checklist items", async () => {
    await writeFile(path.join(dir, "broken.yml"), "faq: [unclosed\n");
    await writeFile(path.join(dir, "odd.yml"), "questions: []\n");
    await writeFile(
      path.join(dir, "roles.yml"),
      "roles:\n  - {id: tiny, title: Tiny, aliases: [tiny], summary: Small., tags: [t], checklist: []}\n",
    );
    const found = await lines(dir);
    expect(found.some((l) => l.startsWith("broken.yml: (file): (yaml): "))).toBe(true);
    expect(found).toContain('odd.yml: (file): (entry): Unrecognized key: "questions"');
    expect(found).toContain("roles.yml: tiny: checklist: needs at least 10 checklist items");
  });

  it("rejects two roles that students would call by the same name", async () => {
    await writeFile(
      path.join(dir, "roles.yml"),
      `roles:${role("alpha", "Data role")}${role("beta", "data ROLE")}`,
    );
    expect(await lines(dir)).toEqual([
      'roles.yml: beta: title: "data ROLE" is already used by alpha',
    ]);
  });

  it("merges an organizer's folder over the bundled one: same id, theirs wins", async () => {
    await writeFile(path.join(dir, "roles.yml"), `roles:${role("alpha", "Original")}`);
    await writeFile(
      path.join(extra, "mine.yml"),
      `roles:${role("alpha", "Theirs")}${role("gamma")}`,
    );
    const { kb, problems } = await checkKnowledgeBase({ dirs: [dir, extra] });
    expect(problems).toEqual([]);
    expect(kb.get("alpha")?.title).toBe("Theirs");
    expect(kb.roles.map((r) => r.id).sort()).toEqual(["alpha", "gamma"]);
  });

  it("adds an organizer's off-topic questions to the bundled ones, refusing one that is our own", async () => {
    const faq = `faq:
  - id: pay
    title: How much do interns earn?
    phrasings: [intern pay, how much do interns make]
    answer: It depends.
    tags: [pay]
`;
    await writeFile(path.join(dir, "faq.yml"), faq);
    await writeFile(path.join(dir, "off-topic.yml"), "offTopic: [how do i train my dog to sit]\n");
    await writeFile(
      path.join(extra, "ours.yml"),
      "offTopic:\n  - what is the best pizza near campus\n  - How much do interns MAKE?\n",
    );
    expect(await lines(dir, extra)).toEqual([
      'ours.yml: offTopic[2]: (question): "How much do interns MAKE?" is also a phrasing of pay',
    ]);
    await writeFile(
      path.join(extra, "ours.yml"),
      "offTopic: [what is the best pizza near campus]\n",
    );
    const { kb, problems } = await checkKnowledgeBase({ dirs: [dir, extra] });
    expect(problems).toEqual([]);
    expect(kb.offTopic).toEqual([
      "how do i train my dog to sit",
      "what is the best pizza near campus",
    ]);
  });

  it("refuses to load an invalid knowledge base and says where the problem is", async () => {
    await writeFile(
      path.join(dir, "prompts.yml"),
      "prompts:\n  - {id: p1, title: T, prompt: Do it., topic: nowhere, roles: [r], tags: [t]}\n",
    );
    const error = await loadKnowledgeBase({ dirs: [dir] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KnowledgeBaseError);
    expect((error as Error).message).toContain('prompts.yml: p1: topic: unknown topic "nowhere"');
  });

  it("reports a KB_DIR that does not exist", async () => {
    expect(await lines(path.join(dir, "missing"))).toEqual([
      expect.stringMatching(/missing: \(folder\): \(folder\): folder not found$/),
    ]);
  });
});
