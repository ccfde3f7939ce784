/**
 * `npm run ask -- "question"`: asks the knowledge base from the command line.
 *
 *   npm run ask -- "how early should I apply?"           the answer, as a person reads it
 *   npm run --silent ask -- --json "question"            one JSON object on one line
 *   npm run --silent ask -- --json < questions.txt       one JSON object per input line
 */
import { createInterface } from "node:readline";
import { loadKnowledgeBase } from "../services/knowledge-base/load.ts";
import { createSearch, type SearchResult } from "../services/search/search.ts";
import { knowledgeBaseDirs } from "./shared.ts";

const USAGE = `Usage:
  npm run ask -- "how early should I apply?"
  npm run --silent ask -- --json "question"
  npm run --silent ask -- --json < questions.txt   (one question per line)`;

/** The contract of `--json`: best first, at most 3 results. */
function toJson(result: SearchResult): string {
  return JSON.stringify({
    answered: result.answered,
    results: result.hits.map(({ id, title, text, score }) => ({ id, title, text, score })),
  });
}

/** Slack mrkdwn to plain terminal text: *bold* and _italics_ markers and `code` ticks dropped. */
function plain(text: string): string {
  return text.replace(/(^|[\s(])[*_`]([^*_`\n]+)[*_`](?=[\s).,:;!?]|$)/gm, "$1$2");
}

function toReadable(question: string, result: SearchResult, topics: string[]): string {
  const [best, ...related] = result.hits;
  if (!result.answered || !best) {
    return [
      `I don't know that one yet: "${question}"`,
      "",
      "Try asking another way, or one of these prep topics:",
      ...topics.map((t) => `  • ${t}`),
    ].join("\n");
  }
  const lines = [best.title, "=".repeat(Math.min(best.title.length, 80)), plain(best.text)];
  if (related.length > 0) {
    lines.push("", "Related:", ...related.map((hit) => `  • ${hit.title}`));
  }
  return lines.join("\n");
}

const args = process.argv.slice(2);
const json = args.includes("--json");
const question = args
  .filter((a) => a !== "--json")
  .join(" ")
  .trim();
if (args.includes("--help") || args.includes("-h") || (!json && !question)) {
  console.log(USAGE);
  process.exit(question || json ? 0 : 2);
}

const kb = await loadKnowledgeBase({ dirs: knowledgeBaseDirs() });
const search = createSearch(kb);
if (!json) {
  console.log(
    toReadable(
      question,
      search.search(question),
      kb.topics.map((t) => t.title),
    ),
  );
} else if (question) {
  console.log(toJson(search.search(question)));
} else {
  const out: string[] = [];
  for await (const line of createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    out.push(toJson(search.search(line)));
    if (out.length >= 256) process.stdout.write(`${out.splice(0).join("\n")}\n`);
  }
  if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
}
