import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { Search } from "./search.ts";

/**
 * An evaluation set: questions as students type them, each with the entry ids that count as a
 * right answer, and questions the bot should decline (half of them near misses sharing our words).
 */
export const EvalSetSchema = z.strictObject({
  inScope: z.array(
    z.strictObject({
      q: z.string().min(1),
      theme: z.string().min(1),
      wants: z.string().min(1),
      /** The entries that answer it, best first; empty when none does yet (a miss whatever happens). */
      expect: z.array(z.string().min(1)),
    }),
  ),
  outOfScope: z.array(z.strictObject({ q: z.string().min(1), nearMiss: z.boolean() })),
});
export type EvalSet = z.infer<typeof EvalSetSchema>;

/** Reads and validates an evaluation set file. */
export function readEvalSet(file: string | URL): EvalSet {
  return EvalSetSchema.parse(parse(readFileSync(file, "utf8")));
}

export interface Figures {
  inScope: number;
  outOfScope: number;
  /** Answered, and the first hit is a right one. */
  top1: number;
  /** Answered, and a right one is among the first three hits. */
  top3: number;
  /** Share of out-of-scope questions declined. */
  declined: number;
  /** Share of near-miss out-of-scope questions declined. */
  nearMissDeclined: number;
  /** Share of in-scope questions declined although an entry answers them. */
  wronglyDeclined: number;
  /** In-scope questions no entry answers yet. */
  unanswerable: number;
}

export interface Evaluation {
  figures: Figures;
  /** One line per in-scope question not answered right first, and per out-of-scope answered. */
  misses: string[];
}

/**
 * Measures search on an evaluation set.
 *
 * @example
 * const { figures } = evaluate(search, readEvalSet("tests/services/search/eval/tune.yml"));
 */
export function evaluate(search: Search, set: EvalSet): Evaluation {
  let top1 = 0;
  let top3 = 0;
  let declinedIn = 0;
  const misses: string[] = [];
  for (const { q, expect: ids } of set.inScope) {
    const { answered, hits } = search.search(q);
    const rank = hits.findIndex((h) => ids.includes(h.id));
    if (answered && rank === 0) top1++;
    if (answered && rank >= 0 && rank < 3) top3++;
    if (!answered && ids.length > 0) declinedIn++;
    if (!answered || rank !== 0) {
      const got = hits.map((h) => `${h.id}(${h.score})`).join(", ") || "(none)";
      misses.push(`${answered ? "answered" : "declined"} "${q}" → ${got}; wanted ${ids.join("|")}`);
    }
  }
  let declined = 0;
  let nearMisses = 0;
  let nearMissDeclined = 0;
  for (const { q, nearMiss } of set.outOfScope) {
    const { answered, hits } = search.search(q);
    if (nearMiss) nearMisses++;
    if (!answered) {
      declined++;
      if (nearMiss) nearMissDeclined++;
    } else {
      misses.push(`answered out of scope "${q}" → ${hits[0]?.id}(${hits[0]?.score})`);
    }
  }
  const n = Math.max(1, set.inScope.length);
  return {
    figures: {
      inScope: set.inScope.length,
      outOfScope: set.outOfScope.length,
      top1: top1 / n,
      top3: top3 / n,
      declined: declined / Math.max(1, set.outOfScope.length),
      nearMissDeclined: nearMissDeclined / Math.max(1, nearMisses),
      wronglyDeclined: declinedIn / n,
      unanswerable: set.inScope.filter((c) => c.expect.length === 0).length,
    },
    misses,
  };
}

/** One line of figures, as `npm test` and `npm run eval` print them. */
export function formatFigures(name: string, f: Figures): string {
  const r = (x: number) => x.toFixed(3);
  return `search quality (${name}): top-1 ${r(f.top1)}, top-3 ${r(f.top3)}, out-of-scope declined ${r(f.declined)} (near misses ${r(f.nearMissDeclined)}), in-scope wrongly declined ${r(f.wronglyDeclined)} — ${f.inScope} in scope (${f.unanswerable} with no entry answering them yet), ${f.outOfScope} out of scope`;
}
