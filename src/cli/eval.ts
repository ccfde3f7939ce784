/**
 * `npm run eval`: search quality on both evaluation splits.
 *
 *   npm run eval                 figures for the tuning and the held-out test split
 *   npm run eval -- --misses     also every tuning question not answered right first
 *
 * The test split's misses are never printed: it is held out, so nobody tunes search on it.
 */
import { fileURLToPath } from "node:url";
import { loadKnowledgeBase } from "../services/knowledge-base/load.ts";
import { evaluate, formatFigures, readEvalSet } from "../services/search/evaluation.ts";
import { createSearch } from "../services/search/search.ts";
import { knowledgeBaseDirs } from "./shared.ts";

const EVAL_DIR = new URL("../../tests/services/search/eval/", import.meta.url);

const kb = await loadKnowledgeBase({ dirs: knowledgeBaseDirs() });
const search = createSearch(kb);
const tune = evaluate(search, readEvalSet(new URL("tune.yml", EVAL_DIR)));
const test = evaluate(search, readEvalSet(new URL("test.yml", EVAL_DIR)));
if (process.argv.includes("--misses")) {
  console.log(`tuning split, not answered right first:\n  ${tune.misses.join("\n  ")}`);
}
console.log(formatFigures("tuning split", tune.figures));
console.log(formatFigures("test split, held out", test.figures));
console.log(`(sets in ${fileURLToPath(EVAL_DIR)})`);
