/**
 * `npm run kb:export-learned`: prints the learned phrasings organizers confirmed (in the store
 * named by STORE_URL, every workspace) as YAML to merge into `data/`. Reports on stderr how many,
 * and any whose entry the knowledge base no longer has.
 *
 *   npm run --silent kb:export-learned > learned.yml
 */
import { storeUrlFromEnv } from "../config.ts";
import { AppError } from "../errors.ts";
import { exportLearned } from "../services/feedback/export.ts";
import { LearnedPhrasings } from "../services/feedback/learned.ts";
import { loadKnowledgeBase } from "../services/knowledge-base/load.ts";
import { openStore } from "../services/storage/store.ts";
import { knowledgeBaseDirs } from "./shared.ts";

try {
  const storeUrl = storeUrlFromEnv();
  const kb = await loadKnowledgeBase({ dirs: knowledgeBaseDirs() });
  const store = await openStore(storeUrl, (error) => console.error("store error:", error));
  try {
    // Only reading: nothing here teaches a live search.
    const learned = new LearnedPhrasings(store, { learn() {}, unlearn() {} });
    const confirmed = [];
    for (const teamId of await learned.teams())
      confirmed.push(...(await learned.confirmed(teamId)));
    const result = exportLearned(confirmed, kb);
    process.stdout.write(result.yaml);
    console.error(`kb:export-learned: ${result.count} phrasing(s) from ${storeUrl}`);
    if (result.unknownEntries.length > 0) {
      console.error(
        `kb:export-learned: left out phrasings of entries the knowledge base no longer has: ${result.unknownEntries.join(", ")}`,
      );
    }
  } finally {
    await store.close();
  }
} catch (error) {
  console.error(error instanceof AppError ? error.message : error);
  process.exit(1);
}
