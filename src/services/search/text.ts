import { stemmer } from "stemmer";

/**
 * Words that carry no meaning for finding an answer ("how do I…", "what is the…"). Question words
 * are here too: "when should I apply" and "how early should I apply" want the same entry.
 */
const STOP_WORDS = new Set(
  `a about above again against all am an and any are as at be been being below between
  both but by can could did do does doing done down each few for from further get getting got
  had has have having he her here hers herself him himself his how i if in into is it its itself just
  let lets like me might more most much must my myself need needs no nor not now of off on once only
  or other ought our ours ourselves out over own please same shall she should so some such than that
  the their theirs them themselves then there these they this those through to too under until up
  upon us very was we were what whats when where which while who whom why will with would you your
  yours yourselves im ive id dont doesnt isnt arent cant wont also really actually anyone someone
  something thing things way ways know tell want wanna gonna hey hi hello thanks thank ok okay
  one use using used make making good best better bot internprep tip tips advice suggestions time`
    .split(/\s+/)
    .filter(Boolean),
);

/** Spellings that tokenizing would otherwise destroy. */
const SPECIAL_TOKENS: ReadonlyArray<readonly [RegExp, string]> = [
  [/c\+\+/g, " cpp "],
  [/\ba\/b\b/g, " ab "],
  [/c#/g, " csharp "],
  [/\.net\b/g, " dotnet "],
  [/\bf1\b/g, " f1score "],
];

/**
 * Splits text into lowercase words: accents folded, punctuation dropped, apostrophes joined
 * ("don't" → "dont").
 *
 * @example
 * words("Résumé tips for C++ roles?"); // ["resume", "tips", "for", "cpp", "roles"]
 */
export function words(text: string): string[] {
  let folded = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  for (const [pattern, replacement] of SPECIAL_TOKENS)
    folded = folded.replace(pattern, replacement);
  return folded
    .replace(/['’]/g, "")
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** True for words that never help find an entry. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word) || (word.length < 2 && !/\d/.test(word));
}

/**
 * The search key of a word: its Porter stem ("interviews" → "interview").
 *
 * @example
 * stem("internships"); // "internship"
 */
export function stem(word: string): string {
  return stemmer(word);
}

/** The meaningful words of a text, in order, each with its stem. */
export function keywords(text: string): Array<{ word: string; stem: string }> {
  return words(text)
    .filter((w) => !isStopWord(w))
    .map((word) => ({ word, stem: stem(word) }));
}
