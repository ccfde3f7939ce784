/**
 * `npm run kb:check`: validates the bundled knowledge base and, when KB_DIR is set, the
 * organizer's folder merged over it. Prints each problem as `file: entry-id: field: message`.
 */
import { checkKnowledgeBase, formatProblem } from "../services/knowledge-base/load.ts";
import { knowledgeBaseDirs } from "./shared.ts";

const dirs = knowledgeBaseDirs();
const { kb, problems } = await checkKnowledgeBase({ dirs });
for (const problem of problems) console.error(formatProblem(problem));
if (problems.length > 0) {
  console.error(`kb:check: ${problems.length} problem(s) in ${dirs.join(", ")}`);
  process.exit(1);
}
console.log(
  `kb:check: ok — ${kb.roles.length} roles, ${kb.topics.length} topics, ${kb.faq.length} FAQ entries, ${kb.prompts.length} practice prompts, ${kb.offTopic.length} off-topic questions (${dirs.join(", ")})`,
);
