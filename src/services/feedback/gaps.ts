import { z } from "zod";
import type { Collection, Store } from "../storage/store.ts";

const GapSchema = z.object({
  question: z.string(),
  count: z.number().int().positive(),
  firstAskedAt: z.string(),
  lastAskedAt: z.string(),
});
const GapsSchema = z.object({ items: z.record(z.string(), GapSchema) });
type Gaps = z.infer<typeof GapsSchema>;
export type Gap = z.infer<typeof GapSchema>;

/** How many distinct unanswered questions a workspace keeps; the least asked go first. */
const MAX_GAPS = 500;
const MAX_QUESTION_LENGTH = 300;

/**
 * Questions the knowledge base could not answer, per workspace, so organizers can see what to add.
 * The same question asked with other capitals or punctuation counts as one.
 *
 * @example
 * await gaps.record("T1", "Can I intern during a gap year?");
 * await gaps.top("T1", 10); // [{ question: "Can I intern during a gap year?", count: 1, … }]
 */
export class UnansweredQuestions {
  private readonly gaps: Collection<Gaps>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.gaps = store.collection("gaps", GapsSchema);
  }

  async record(teamId: string, question: string): Promise<void> {
    const text = question.trim().replace(/\s+/g, " ").slice(0, MAX_QUESTION_LENGTH);
    const id = normalize(text);
    if (!id) return;
    const at = this.now().toISOString();
    await this.gaps.update(teamId, (current) => {
      const items = { ...current?.items };
      const before = items[id];
      items[id] = before
        ? { ...before, question: text, count: before.count + 1, lastAskedAt: at }
        : { question: text, count: 1, firstAskedAt: at, lastAskedAt: at };
      const ids = Object.keys(items);
      if (ids.length > MAX_GAPS) {
        const drop = ids.sort((a, b) => rank(items[a] as Gap, items[b] as Gap)).slice(MAX_GAPS);
        for (const d of drop) delete items[d];
      }
      return { items };
    });
  }

  /** The most-asked unanswered questions, most asked (then most recent) first. */
  async top(teamId: string, limit: number): Promise<Gap[]> {
    const current = await this.gaps.get(teamId);
    return Object.values(current?.items ?? {})
      .sort(rank)
      .slice(0, limit);
  }
}

function rank(a: Gap, b: Gap): number {
  return b.count - a.count || b.lastAskedAt.localeCompare(a.lastAskedAt);
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
