import Fuse from "fuse.js";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";
import { displayText } from "../knowledge-base/knowledge-base.ts";
import type { Entry, EntryKind } from "../knowledge-base/schema.ts";
import { type EverydayShare, readEverydayEnglish } from "./everyday.ts";
import { Postings, PostingsBuilder } from "./postings.ts";
import { asksForATask, type Keyword, stem, TextAnalyzer } from "./text.ts";

/** One hit, best first in a result list. */
export interface SearchHit {
  id: string;
  kind: EntryKind;
  title: string;
  /** The full text a user is shown for this entry. */
  text: string;
  /** Relevance in [0, 1]: how much of the question this entry covers, and how strongly. */
  score: number;
  entry: Entry;
}

export interface SearchResult {
  /** False when even the best hit is not good enough to show as an answer. */
  answered: boolean;
  hits: SearchHit[];
  /** What the answer/decline decision was made on, for tuning and for "not sure" replies. */
  signals: SearchSignals;
  /**
   * When not answered: the hits close enough to offer as "Did you mean…?" (none for a question
   * nothing comes near, which gets a plain "I don't know" instead of unrelated buttons).
   */
  suggestions: SearchHit[];
}

export interface SearchSignals {
  /** The best hit's score in [0, 1]. */
  score: number;
  /** Share of the question's word weight the best hit covers, in [0, 1]. */
  coverage: number;
  /** Share of the question's word weight the knowledge base knows at all, in [0, 1]. */
  known: number;
  /** The message asks the bot to do something rather than asking a question. */
  task: boolean;
  /**
   * How much more common the question's most telling word is in the knowledge base than in
   * everyday English (log10 of the ratio of the two shares; -9 when no word is known).
   */
  anchor: number;
  /**
   * How closely the nearest known off-topic question (the knowledge base's `offTopic`) says this
   * one, as an F1 of their weighted words in [0, 1].
   */
  offTopic: number;
}

const NO_SIGNALS: SearchSignals = {
  score: 0,
  coverage: 0,
  known: 0,
  task: false,
  anchor: -9,
  offTopic: 0,
};

export interface SearchOptions {
  /** At most this many hits (default 3). */
  limit?: number;
  /** Only entries of these kinds (default: roles, topics and FAQ; practice prompts are not answers). */
  kinds?: readonly EntryKind[];
}

export interface SearchTuning {
  /** Share of the question's weight the best entry must cover to count as an answer. */
  minCoverage: number;
  /** Lowest score that counts as an answer. */
  minScore: number;
  /**
   * A score this high counts as an answer even when the question has words the knowledge base
   * does not know ("I have *zero* experience…"): the known words matched strongly.
   */
  strongScore: number;
  /**
   * fuse.js threshold for ranking a mistyped word's shortlist (0 exact … 1 anything); lenient,
   * since the edit distance decides.
   */
  typoThreshold: number;
  /**
   * Weight of a word the knowledge base has never seen but everyone says ("guitar"), as a share
   * of the rarest word's; `unknownRareWeight` for one nobody says (a name, jargon we lack).
   */
  unknownWordWeight: number;
  /** How strongly an entry's length dampens its score (BM25's b, over short fields only). */
  lengthDamping: number;
  /** How many words' fuzzy expansions are remembered (0: none, each query pays in full). */
  typoCacheSize: number;
  /** Weight of an entry's body (answer, tips, why) against its title's 2.5-3. */
  bodyWeight: number;
  /** How much a word found only in an entry's body counts towards covering the question. */
  bodyCoverage: number;
  /**
   * Weight of the best single phrasing's match (how much of one title, alias or phrasing the
   * question says, and how much of the question it says) against the whole entry's score.
   */
  phrasingWeight: number;
  /** How many of the best entries are re-ranked by their best phrasing. */
  rerankDepth: number;
  /**
   * A question whose known words carry less than this share of its weight ("how many *calories*
   * in a *banana*") is declined unless the best hit scores at least `unknownTopicScore`: most of
   * it is about something the knowledge base has never heard of.
   */
  minKnown: number;
  unknownTopicScore: number;
  /**
   * A question none of whose words is at least 10^minAnchor times more common in the knowledge
   * base than in everyday English ("tips for a first date", "how do vaccines work") only shares
   * everyday words with us: it is declined unless the best hit scores `unanchoredScore`.
   */
  minAnchor: number;
  unanchoredScore: number;
  /**
   * …or when the best hit covers at least `unanchoredCoverage` of the question and scores
   * `unanchoredCoveredScore`: "what do i say for biggest weakness w/o sounding fake" has no word
   * of ours alone, but one entry says nearly all of it.
   */
  unanchoredCoverage: number;
  unanchoredCoveredScore: number;
  /**
   * A question word's weight is scaled by how much more at home it is here than in everyday
   * English: `everydayFloor` at a specificity of `everydayLow` or less, 1 from `everydayHigh`.
   */
  everydayFloor: number;
  everydayLow: number;
  everydayHigh: number;
  unknownRareWeight: number;
  /**
   * One idea written as n words ("swe" and "software engineering" are both the two words of the
   * synonym group "software engineering") weighs n^-conceptExponent per word, so a role named in
   * passing does not outweigh what the question asks about it.
   */
  conceptExponent: number;
  /**
   * The answer bar of a question with more than `longQuestionWords` distinct words is lowered by
   * (words / longQuestionWords)^longQuestionExponent: the scene it sets dilutes its score.
   */
  longQuestionWords: number;
  longQuestionExponent: number;
  /**
   * A question at least this close to a known off-topic question (`SearchSignals.offTopic`), and
   * closer to it by `offTopicMargin` than the best hit's nearest phrasing is, is declined.
   */
  minOffTopic: number;
  offTopicMargin: number;
  /** A hit below this score is never offered as "Did you mean…?". */
  minSuggestScore: number;
  /** …nor one scoring less than this share of the best hit's. */
  suggestShare: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  minCoverage: 0.3,
  minScore: 0.24,
  strongScore: 0.24,
  typoThreshold: 0.5,
  unknownWordWeight: 1,
  lengthDamping: 0,
  typoCacheSize: 10_000,
  bodyWeight: 0.3,
  bodyCoverage: 0.6,
  phrasingWeight: 0.25,
  rerankDepth: 20,
  minKnown: 0.6,
  unknownTopicScore: 0.25,
  minAnchor: 1.4,
  unanchoredScore: 0.5,
  unanchoredCoverage: 0.8,
  unanchoredCoveredScore: 0.35,
  everydayFloor: 0.5,
  unknownRareWeight: 0.4,
  everydayLow: -0.5,
  everydayHigh: 2.5,
  conceptExponent: 0.5,
  minOffTopic: 0.3,
  offTopicMargin: 0,
  longQuestionWords: 8,
  longQuestionExponent: 0.5,
  minSuggestScore: 0.14,
  suggestShare: 0.6,
};

/**
 * log10 of an everyday-English share: at or below RARE a word we do not know weighs
 * `unknownRareWeight` (said about once in 10 million words), from COMMON on `unknownWordWeight`
 * (once in 100,000, like "guitar"); in between, in proportion.
 */
const RARE_WORD_SHARE = -7;
const COMMON_WORD_SHARE = -5;

const ANSWER_KINDS: readonly EntryKind[] = ["faq", "topic", "role"];
/** Each kind's bit in a mask of kinds (see `Search.kindBits`). */
const KIND_BIT: Readonly<Record<EntryKind, number>> = { role: 1, topic: 2, faq: 4, prompt: 8 };
const kindMask = (kinds: readonly EntryKind[]) => kinds.reduce((mask, k) => mask | KIND_BIT[k], 0);
const ANSWER_MASK = kindMask(ANSWER_KINDS);

/**
 * Field weights: names students type weigh most, descriptions less. Bodies (answers, tips, the
 * why of each skill) come last, at `bodyWeight`, so words only an answer uses ("fraud", "dropout")
 * still find it.
 */
function fieldsOf(entry: Entry, learned: readonly string[]): Array<[text: string, weight: number]> {
  const tags = entry.tags.map((t): [string, number] => [t, 2]);
  switch (entry.kind) {
    case "role":
      return [
        [entry.title, 3],
        ...entry.aliases.map((a): [string, number] => [a, 3]),
        ...tags,
        [entry.summary, 0.6],
        ...entry.checklist.map((c): [string, number] => [c.skill, 0.6]),
        ...learned.map((p): [string, number] => [p, 2.5]),
      ];
    case "topic":
      return [
        [entry.title, 3],
        ...entry.aliases.map((a): [string, number] => [a, 3]),
        ...tags,
        [entry.summary, 0.8],
        ...learned.map((p): [string, number] => [p, 2.5]),
      ];
    case "faq":
      return [
        [entry.title, 2.5],
        ...[...entry.phrasings, ...learned].map((p): [string, number] => [p, 2.5]),
        ...tags,
      ];
    case "prompt":
      return [[entry.title, 2], ...tags, [entry.prompt, 0.6]];
  }
}

/** The long texts of an entry, indexed at a low weight. */
function bodyOf(entry: Entry): string {
  switch (entry.kind) {
    case "faq":
      return entry.answer;
    case "topic":
      return entry.tips.join("\n");
    case "role":
      return entry.checklist.map((c) => c.why).join("\n");
    case "prompt":
      return "";
  }
}

const BIGRAM_FACTOR = 0.6;
/** BM25's k1 over summed field weights; a word's weight in one entry tends to SATURATION + 1. */
const SATURATION = 5;
/** A query that is exactly an entry's name ("data science", "mlops") ranks that entry first. */
const EXACT_NAME_BONUS = 1;
/** Squashes a raw score into [0, 1): score / (score + SQUASH). */
const SQUASH = 0.5;

/**
 * Edit distance with adjacent transpositions counted once (optimal string alignment):
 * "interveiw" → "interview" is 1, "president" → "presenting" is 3.
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (d[(i - 1) * cols + j] as number) + 1,
        (d[i * cols + j - 1] as number) + 1,
        (d[(i - 1) * cols + j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (d[(i - 2) * cols + j - 2] as number) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1] as number;
}

/** A word's character pairs with start and end marks: "tip" → ["^t", "ti", "ip", "p$"]. */
function charPairs(word: string): string[] {
  const marked = `^${word}$`;
  const out: string[] = [];
  for (let i = 0; i + 1 < marked.length; i++) out.push(marked.slice(i, i + 2));
  return out;
}

/** The names an entry is called by: its title, and aliases for roles and topics. */
function namesOf(entry: Entry): string[] {
  return entry.kind === "role" || entry.kind === "topic"
    ? [entry.title, ...entry.aliases]
    : [entry.title];
}

/** The short texts a question may say almost word for word: names, aliases and phrasings. */
function phrasingsOf(entry: Entry, learned: readonly string[]): string[] {
  switch (entry.kind) {
    case "faq":
      return [entry.title, ...entry.phrasings, ...learned];
    case "role":
    case "topic":
      return [entry.title, ...entry.aliases, ...learned];
    case "prompt":
      return [entry.title];
  }
}

/** A name reduced to its stems, so "Data Science?" and "data science" are the same name. */
function nameKey(kws: readonly Keyword[]): string {
  return kws.map((k) => k.stem).join(" ");
}

/**
 * The entries in the running for the answer, best first, as parallel arrays of numbers (see
 * `Search.topList`): no object per entry, so a question allocates only for the hits it returns.
 */
interface TopList {
  docs: Int32Array;
  scores: Float64Array;
  coverages: Float64Array;
  /** How closely its nearest name or phrasing says the question (an F1; set by the re-ranking). */
  phrases: Float64Array;
}

/** The key of the word pair (left, right) in `Search.wordPairs`, from the two words' term numbers. */
function pairKey(left: number, right: number, terms: number): number {
  return left * terms + right;
}

/**
 * Puts an entry into the first `count` places of a top list (best first, ties in entry order),
 * moving those after it down one: the list then holds `count + 1`.
 */
function placeInTopList(
  list: TopList,
  count: number,
  doc: number,
  score: number,
  coverage: number,
  phrase: number,
): void {
  const { docs, scores, coverages, phrases } = list;
  let at = count;
  while (at > 0) {
    const prev = scores[at - 1] as number;
    if (prev > score || (prev === score && (docs[at - 1] as number) < doc)) break;
    docs[at] = docs[at - 1] as number;
    scores[at] = prev;
    coverages[at] = coverages[at - 1] as number;
    phrases[at] = phrases[at - 1] as number;
    at--;
  }
  docs[at] = doc;
  scores[at] = score;
  coverages[at] = coverage;
  phrases[at] = phrase;
}

/** Known off-topic questions, indexed like the entries: term → questions, and each one's weight. */
interface OffTopicIndex {
  questions: Map<string, number[]>;
  /** The same lists by term number, for the terms the entries have (as a question's words are looked up). */
  questionsById: ReadonlyArray<number[] | undefined>;
  /** Each question's summed word weights. */
  weights: Float64Array;
  /** Per-query scratch: the weight a question shares with the query, by generation. */
  matched: Float64Array;
  seen: Uint32Array;
  touched: Int32Array;
}

const NO_OFF_TOPIC: OffTopicIndex = {
  questions: new Map(),
  questionsById: [],
  weights: new Float64Array(0),
  matched: new Float64Array(0),
  seen: new Uint32Array(0),
  touched: new Int32Array(0),
};

/** A query word resolved to index terms, with how well each matches (1 = exactly). */
interface ResolvedWord {
  /** The word's weight in the question: its rarity here, less for an everyday word. */
  idf: number;
  /** How much an everyday word's matches count (1 for a word at home in the knowledge base). */
  scale: number;
  /** Each index term it stands for, how well it matches, and its number (-1: no entry has it). */
  expansions: Array<{ term: string; quality: number; id: number }>;
}

/**
 * Every entry's names and phrasings as term numbers, laid out flat as the postings are: entry d's
 * phrasings' terms are `terms[termsOf[d]]` up to `terms[termsOf[d + 1]]`, one phrasing after
 * another, each one's last term stored as its bitwise NOT (`~t`, below zero), so one loop reads
 * an entry's phrasings with no loop per phrasing. Entry d's phrasings are numbered from
 * `phrasingsOf[d]`, and `totals[p]` is the sum of phrasing p's IDFs. Terms no entry has (they add
 * nothing) and phrasings left with none are not kept. Worked out when the index is built, so
 * re-ranking reads numbers, not a map per word.
 */
interface PhrasingIndex {
  termsOf: Int32Array;
  phrasingsOf: Int32Array;
  terms: Int32Array;
  totals: Float64Array;
}

const NO_PHRASINGS: PhrasingIndex = {
  termsOf: new Int32Array(1),
  phrasingsOf: new Int32Array(1),
  terms: new Int32Array(0),
  totals: new Float64Array(0),
};

/** Lays out each entry's phrasings (each as its distinct terms) as a `PhrasingIndex`. */
function indexPhrasings(phrasings: readonly string[][][], postings: Postings): PhrasingIndex {
  const termsOf = new Int32Array(phrasings.length + 1);
  const phrasingsOf = new Int32Array(phrasings.length + 1);
  const terms: number[] = [];
  const totals: number[] = [];
  phrasings.forEach((ofEntry, doc) => {
    for (const phrase of ofEntry) {
      const known = phrase.flatMap((term) => postings.id(term) ?? []);
      if (known.length === 0) continue;
      // Summed term by term in order, as re-ranking did per question, so scores are the same.
      let total = 0;
      for (const t of known) total += postings.idfOf(t);
      totals.push(total);
      known[known.length - 1] = ~(known.at(-1) as number);
      terms.push(...known);
    }
    termsOf[doc + 1] = terms.length;
    phrasingsOf[doc + 1] = totals.length;
  });
  return {
    termsOf,
    phrasingsOf,
    terms: Int32Array.from(terms),
    totals: Float64Array.from(totals),
  };
}

/**
 * Search over the knowledge base, built once at start-up.
 *
 * An inverted index over every field: names, phrasings and tags weigh most, bodies little, so a
 * query's cost depends on how many entries share its words, not on how long the entries are.
 * Words pass through the knowledge base's synonyms on both sides ("cv" and "resume" are one term).
 * Each query word is looked up by its stem; a word the vocabulary lacks (usually a typo) is
 * fuzzy-matched with fuse.js against the vocabulary of words, not against the entries. Entries are
 * ranked by IDF-weighted field matches plus matched word pairs, and the best one must cover enough
 * of the question to count as an answer.
 *
 * @example
 * const search = createSearch(kb);
 * search.search("interveiw tips").hits[0].id; // "behavioral-interviews" or similar
 */
export class Search {
  private readonly docs: Entry[];
  /** Each entry's kind as its bit (KIND_BIT), so ranking filters kinds without visiting entries. */
  private readonly kindBits: Uint8Array;
  private readonly texts: string[];
  private readonly analyzer: TextAnalyzer;
  private readonly tuning: SearchTuning;
  /** Phrasings learned from the group (confirmed "Did you mean" clicks), by entry index. */
  private readonly learned = new Map<number, string[]>();
  private readonly docIndex = new Map<string, number>();
  /** Each term's postings and IDF. */
  private postings = Postings.empty();
  private lengthNorm = new Float64Array(0);
  private maxIdf = 0;
  private vocabulary: string[] = [];
  /**
   * By term number: log10 of how much more common the term is in the knowledge base than in
   * everyday English (NaN for a word pair, which has none). By number, not by name: a question
   * looks up each of its words here, and its words are already numbered (`resolve`).
   */
  private specificity = new Float64Array(0);
  /**
   * The term number of each word pair the index knows ("cover letter"), by the numbers of its two
   * words (`pairKey`): a question's neighbouring words are looked up without joining their names.
   */
  private wordPairs = new Map<number, number>();
  /** Everyday English word shares, read at the first build. */
  private everyday: EverydayShare | undefined;
  /** Character pairs ("^i", "in", … "w$") → indexes into `vocabulary`, to shortlist typo candidates. */
  private pairs = new Map<string, number[]>();
  private surfaceToTerm = new Map<string, string>();
  private readonly typoCache = new Map<string, ResolvedWord["expansions"]>();
  private names = new Map<string, number[]>();
  private offTopic: OffTopicIndex = NO_OFF_TOPIC;
  private offTopicGeneration = 0;
  private readonly offTopicQuestions: readonly string[];
  /** Each entry's names and phrasings, each as its distinct index terms (see `PhrasingIndex`). */
  private phrasings: PhrasingIndex = NO_PHRASINGS;
  /** Learned phrasings changed since the index was built: rebuild before the next query. */
  private stale = false;
  private generation = 0;
  private wordGeneration = 0;
  private scratch?: {
    score: Float64Array;
    covered: Float64Array;
    seen: Uint32Array;
    wordBest: Float64Array;
    wordCover: Float64Array;
    wordSeen: Uint32Array;
    /** The entries one word reached, then every entry the question reached (no per-query arrays). */
    wordDocs: Int32Array;
    touched: Int32Array;
    /** By term number: how strongly the question says each term, at most its IDF (0: not said), for `rerank`. */
    said: Float64Array;
  };

  private top?: TopList;
  /** The last text `named` or `search` analyzed, and its keywords (`/prep` asks both in turn). */
  private lastQuery: { text: string; keywords: readonly Keyword[]; nameKey?: string } = {
    text: "",
    keywords: [],
  };

  /** A build `prepare` has under way, when there is one. */
  private pending: Generator<void, void> | undefined;
  /** Counts changes to the learned phrasings, so a build knows whether it missed one. */
  private version = 0;

  constructor(kb: KnowledgeBase, tuning: Partial<SearchTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.analyzer = new TextAnalyzer(kb.synonyms);
    this.docs = [...kb.entries];
    this.kindBits = Uint8Array.from(this.docs, (entry) => KIND_BIT[entry.kind]);
    this.offTopicQuestions = kb.offTopic;
    this.texts = this.docs.map(displayText);
    for (const [doc, entry] of this.docs.entries()) this.docIndex.set(entry.id, doc);
    // Built on first use (or by `prepare`), once the phrasings learned so far are in: start-up
    // does not wait for it, and restoring learned phrasings does not build it twice.
    this.stale = true;
  }

  /**
   * Builds the index now if it is not built yet, so the first question does not wait for it. It
   * works in slices of a few milliseconds and lets the event loop run between them, so the app
   * answers /healthz and acks requests meanwhile; a question that comes before it is done
   * finishes the build at once and is answered.
   *
   * @example
   * setImmediate(() => search.prepare()); // just after the app starts listening
   */
  async prepare(sliceMs = 10): Promise<void> {
    if (!this.stale || this.pending) return;
    const steps = this.buildSteps();
    this.pending = steps;
    let until = performance.now() + sliceMs;
    while (this.pending === steps) {
      if (steps.next().done) {
        this.pending = undefined;
        return;
      }
      if (performance.now() >= until) {
        await new Promise((resolve) => setImmediate(resolve));
        until = performance.now() + sliceMs;
      }
    }
  }

  /**
   * Adds a phrasing students used for an entry (a confirmed "Did you mean" click); the next
   * search finds the entry by it. Unknown entry ids are ignored.
   *
   * @example
   * search.learn("offer-negotiation", "can i ask for more money as an intern");
   */
  learn(entryId: string, phrasing: string): void {
    const doc = this.docIndex.get(entryId);
    const text = phrasing.trim();
    if (doc === undefined || !text) return;
    const list = this.learned.get(doc) ?? [];
    if (list.includes(text)) return;
    list.push(text);
    this.learned.set(doc, list);
    this.version++;
    this.stale = true;
  }

  /** Removes a learned phrasing again (an organizer rejected it after all). */
  unlearn(entryId: string, phrasing: string): void {
    const doc = this.docIndex.get(entryId);
    const list = doc === undefined ? undefined : this.learned.get(doc);
    if (!list) return;
    const next = list.filter((p) => p !== phrasing.trim());
    if (next.length === list.length) return;
    this.learned.set(doc as number, next);
    this.version++;
    this.stale = true;
  }

  /** Builds the index at once, carrying on from a build `prepare` has under way. */
  private build(): void {
    const steps = this.pending ?? this.buildSteps();
    this.pending = undefined;
    while (!steps.next().done) {
      // each step indexes one entry
    }
  }

  /** The index build, one entry per step (see `prepare`). */
  private *buildSteps(): Generator<void, void> {
    const version = this.version;
    const lists = new PostingsBuilder();
    const surfaceToTerm = new Map<string, string>(this.analyzer.surfaces);
    const termCounts = new Map<string, number>();
    let termTotal = 0;
    const names = new Map<string, number[]>();
    const pairParts = new Map<string, [string, string]>();
    const phrasings: string[][][] = [];
    const lengths: number[] = [];
    const { bodyWeight } = this.tuning;
    for (const [doc, entry] of this.docs.entries()) {
      yield;
      // Summed over fields, then saturated (as BM25 does with term frequency): a word in the title
      // and in three phrasings counts more than once, but never swamps the other words.
      const terms = new Map<string, { sum: number; bodyOnly: boolean }>();
      const add = (term: string, weight: number, inBody: boolean) => {
        const t = terms.get(term);
        if (t) {
          t.sum += weight;
          t.bodyOnly &&= inBody;
        } else terms.set(term, { sum: weight, bodyOnly: inBody });
      };
      const index = (text: string, weight: number, inBody: boolean) => {
        const kws = this.analyzer.keywords(text);
        kws.forEach((kw, i) => {
          add(kw.stem, weight, inBody);
          termCounts.set(kw.stem, (termCounts.get(kw.stem) ?? 0) + 1);
          termTotal++;
          if (!surfaceToTerm.has(kw.word)) surfaceToTerm.set(kw.word, kw.stem);
          // Word pairs from names and phrasings only: a body's pairs are many and say little.
          const next = inBody ? undefined : kws[i + 1];
          if (next) {
            const pair = `${kw.stem} ${next.stem}`;
            add(pair, weight * BIGRAM_FACTOR, false);
            pairParts.set(pair, [kw.stem, next.stem]);
          }
        });
      };
      for (const [text, weight] of fieldsOf(entry, this.learned.get(doc) ?? [])) {
        index(text, weight, false);
      }
      if (bodyWeight > 0) index(bodyOf(entry), bodyWeight, true);
      let unigrams = 0;
      for (const [term, { sum, bodyOnly }] of terms) {
        const weight = (sum * (SATURATION + 1)) / (sum + SATURATION);
        if (!term.includes(" ") && !bodyOnly) unigrams++;
        lists.add(term, doc, weight, bodyOnly);
      }
      lengths.push(unigrams);
      phrasings.push(
        phrasingsOf(entry, this.learned.get(doc) ?? []).map((text) => [
          ...new Set(this.analyzer.keywords(text).map((k) => k.stem)),
        ]),
      );
      for (const name of namesOf(entry)) {
        const key = nameKey(this.analyzer.keywords(name));
        if (!key) continue;
        const owners = names.get(key) ?? [];
        owners.push(doc);
        names.set(key, owners);
      }
    }
    const n = this.docs.length;
    const postings = lists.build(n);
    const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    const b = this.tuning.lengthDamping;
    const vocabulary = [...surfaceToTerm.keys()].filter((w) => w.length > 2);
    const pairs = new Map<string, number[]>();
    vocabulary.forEach((word, i) => {
      for (const pair of new Set(charPairs(word))) {
        const list = pairs.get(pair) ?? [];
        list.push(i);
        pairs.set(pair, list);
      }
    });
    this.postings = postings;
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    this.lengthNorm = Float64Array.from(lengths, (len) => 1 / (1 - b + (b * len) / avg));
    this.surfaceToTerm = surfaceToTerm;
    this.vocabulary = vocabulary;
    this.everyday ??= readEverydayEnglish();
    const everyday = this.everyday;
    this.specificity = new Float64Array(postings.size).fill(Number.NaN);
    for (const [term, count] of termCounts) {
      const id = postings.id(term);
      if (id !== undefined) this.specificity[id] = Math.log10(count / termTotal / everyday(term));
    }
    this.wordPairs = new Map();
    for (const [pair, [left, right]] of pairParts) {
      const [l, r, id] = [postings.id(left), postings.id(right), postings.id(pair)];
      if (l !== undefined && r !== undefined && id !== undefined)
        this.wordPairs.set(pairKey(l, r, postings.size), id);
    }
    this.pairs = pairs;
    this.names = names;
    this.offTopic = this.indexOffTopic();
    this.phrasings = indexPhrasings(phrasings, postings);
    // Sized for this index's terms (the `said` array): made again at the next query.
    this.scratch = undefined;
    this.typoCache.clear();
    // A phrasing learned while the build was under way may have missed it: build again.
    this.stale = this.version !== version;
  }

  /**
   * The entries whose title or alias is exactly this text (ignoring case, punctuation, filler
   * words and word endings), of the given kind.
   *
   * @example
   * search.named("Data Science", "role"); // [the data science intern role]
   */
  named<K extends EntryKind>(text: string, kind: K): Array<Extract<Entry, { kind: K }>> {
    if (this.stale) this.build();
    return (this.names.get(this.nameKeyOf(text)) ?? [])
      .map((doc) => this.docs[doc] as Entry)
      .filter((e): e is Extract<Entry, { kind: K }> => e.kind === kind);
  }

  /**
   * The one entry of a kind that a short text most likely means: an exact name first, else the
   * best search hit of that kind if it is good enough.
   *
   * @example
   * search.match("cv engineer", "role")?.id; // "cv-engineer"
   */
  match<K extends EntryKind>(text: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const [exact] = this.named(text, kind);
    if (exact) return exact;
    const { answered, hits } = this.search(text, { kinds: [kind], limit: 1 });
    const best = hits[0]?.entry;
    return answered && best?.kind === kind ? (best as Extract<Entry, { kind: K }>) : undefined;
  }

  /** How many entries are indexed. */
  get size(): number {
    return this.docs.length;
  }

  /**
   * Finds the entries that best answer a question, best first.
   *
   * @example
   * const { answered, hits } = search.search("how early should I apply?");
   */
  search(query: string, options: SearchOptions = {}): SearchResult {
    if (this.stale) this.build();
    const limit = options.limit ?? 3;
    const kinds = options.kinds ? kindMask(options.kinds) : ANSWER_MASK;
    const queryWords = this.keywordsOf(query);
    // A word said twice ("f1 score" → "f1 score score") counts once. Plain loops, each array
    // filled by push: arrays made by map/filter came in two element kinds, and V8's optimized
    // search kept bailing out on the one it had not seen.
    const unique: Keyword[] = [];
    const resolved: ResolvedWord[] = [];
    let totalIdf = 0;
    let knownIdf = 0;
    for (const kw of queryWords) {
      if (unique.some((k) => k.stem === kw.stem)) continue;
      unique.push(kw);
      let word = this.resolve(kw.word, kw.stem);
      if (kw.of) {
        const share = kw.of ** -this.tuning.conceptExponent;
        word = { idf: word.idf * share, scale: word.scale * share, expansions: word.expansions };
      }
      resolved.push(word);
      totalIdf += word.idf;
      if (word.expansions.length > 0) knownIdf += word.idf;
    }
    if (totalIdf === 0) return { answered: false, hits: [], signals: NO_SIGNALS, suggestions: [] };

    // Scores live in arrays reused across queries (search is synchronous): no per-query maps, so
    // the cost is the postings of the question's words and nothing else.
    const { score, covered, seen, wordBest, wordCover, wordSeen, wordDocs, touched } =
      this.buffers();
    const round = ++this.generation;
    let touchedCount = 0;
    const { bodyCoverage } = this.tuning;
    const { postings } = this;
    const { docs, weights, bodyOnly } = postings;
    // Adds a word's share to an entry's score and coverage, starting the entry at zero the first
    // time this query reaches it.
    const credit = (doc: number, value: number, cover: number) => {
      if (seen[doc] !== round) {
        seen[doc] = round;
        score[doc] = 0;
        covered[doc] = 0;
        touched[touchedCount++] = doc;
      }
      score[doc] = (score[doc] as number) + value;
      covered[doc] = (covered[doc] as number) + cover;
    };
    for (const word of resolved) {
      const full = word.idf;
      const scale = word.scale;
      const partial = word.idf * bodyCoverage;
      // A word counts once per entry, by its best expansion there. A word with one expansion (one
      // the index knows, the usual case) is in each entry's postings once: credited as it is met.
      const direct = word.expansions.length === 1;
      const wordRound = ++this.wordGeneration;
      let docCount = 0;
      for (const { id: t, quality } of word.expansions) {
        if (t < 0) continue;
        const idf = postings.idfOf(t);
        for (let i = postings.from(t), end = postings.to(t); i < end; i++) {
          const doc = docs[i] as number;
          const value = idf * (weights[i] as number) * quality * scale;
          const cover = bodyOnly[i] ? partial : full;
          if (direct) {
            // credit(doc, value, cover), written out: V8 did not inline this call, and passing
            // the two numbers boxed each of them.
            if (seen[doc] !== round) {
              seen[doc] = round;
              score[doc] = value;
              covered[doc] = cover;
              touched[touchedCount++] = doc;
            } else {
              score[doc] = (score[doc] as number) + value;
              covered[doc] = (covered[doc] as number) + cover;
            }
          } else if (wordSeen[doc] !== wordRound) {
            wordSeen[doc] = wordRound;
            wordBest[doc] = value;
            wordCover[doc] = cover;
            wordDocs[docCount++] = doc;
          } else if (value > (wordBest[doc] as number)) {
            wordBest[doc] = value;
            wordCover[doc] = cover;
          }
        }
      }
      for (let i = 0; i < docCount; i++) {
        const doc = wordDocs[i] as number;
        credit(doc, wordBest[doc] as number, wordCover[doc] as number);
      }
    }
    for (let i = 0; i + 1 < resolved.length; i++) {
      const left = resolved[i]?.expansions[0];
      const right = resolved[i + 1]?.expansions[0];
      // A pair's two words are both in the index, so a word the index lacks makes no known pair.
      if (!left || !right || left.id < 0 || right.id < 0) continue;
      const t = this.wordPairs.get(pairKey(left.id, right.id, postings.size));
      if (t === undefined) continue;
      const idf = postings.idfOf(t);
      for (let k = postings.from(t), end = postings.to(t); k < end; k++) {
        const doc = docs[k] as number;
        if (seen[doc] === round) {
          score[doc] =
            (score[doc] as number) + idf * (weights[k] as number) * left.quality * right.quality;
        }
      }
    }
    for (const doc of this.names.get(this.nameKeyOf(query)) ?? []) {
      if (seen[doc] === round) {
        score[doc] = (score[doc] as number) + totalIdf * (SATURATION + 1) * EXACT_NAME_BONUS;
      }
    }

    // Only the best few are kept (insertion into a short list), never a sort of every match.
    const norm = totalIdf * (SATURATION + 1);
    const keep = Math.max(limit, this.tuning.rerankDepth, 1);
    // The best `keep` so far as parallel arrays of numbers, best first: objects only for them.
    const best = this.topList(keep);
    let kept = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i] as number;
      if (((this.kindBits[doc] as number) & kinds) === 0) continue;
      const coverage = (covered[doc] as number) / totalIdf;
      const relevance = ((score[doc] as number) / norm) * (this.lengthNorm[doc] ?? 1);
      const raw = relevance * (0.5 + 0.5 * coverage);
      const value = raw / (raw + SQUASH);
      if (kept === keep) {
        const last = best.scores[keep - 1] as number;
        if (value < last || (value === last && doc > (best.docs[keep - 1] as number))) continue;
        kept--;
      }
      placeInTopList(best, kept++, doc, value, coverage, 0);
    }
    this.rerank(best, kept, resolved, totalIdf);
    const signals: SearchSignals = {
      score: kept > 0 ? (best.scores[0] as number) : 0,
      coverage: Math.min(1, kept > 0 ? (best.coverages[0] as number) : 0),
      known: knownIdf / totalIdf,
      task: asksForATask(query),
      anchor: resolved.reduce((best, r) => {
        const first = r.expansions[0];
        return first === undefined ? best : Math.max(best, this.specificityOf(first.id) ?? -9);
      }, -9),
      offTopic: this.nearestOffTopic(unique, resolved, totalIdf),
    };
    // A long question spreads its weight over words that set the scene ("I am a 42 year old
    // accountant retraining…"), so its best entry covers a smaller share of it than a short one's.
    const { longQuestionWords, longQuestionExponent } = this.tuning;
    const lengthBoost = Math.max(1, unique.length / longQuestionWords) ** longQuestionExponent;
    const answered =
      kept > 0 &&
      this.confident({ ...signals, score: signals.score * lengthBoost }) &&
      !this.likeOffTopic(signals.offTopic, best.phrases[0] as number);
    const hits: SearchHit[] = [];
    for (let k = 0; k < Math.min(kept, limit); k++) {
      const doc = best.docs[k] as number;
      const entry = this.docs[doc] as Entry;
      hits.push({
        id: entry.id,
        kind: entry.kind,
        title: entry.title,
        text: this.texts[doc] as string,
        score: Math.round((best.scores[k] as number) * 1000) / 1000,
        entry,
      });
    }
    const { minSuggestScore, suggestShare } = this.tuning;
    const floor = Math.max(minSuggestScore, (hits[0]?.score ?? 0) * suggestShare);
    const suggestions = answered ? [] : hits.filter((hit) => hit.score >= floor);
    return { answered, hits, signals, suggestions };
  }

  /**
   * Re-ranks the best entries by their best single phrasing: a question that says most of one
   * phrasing ("do I need a cover letter") beats an entry that shares scattered words with it.
   */
  private rerank(
    best: TopList,
    kept: number,
    resolved: readonly ResolvedWord[],
    totalIdf: number,
  ): void {
    const weight = this.tuning.phrasingWeight;
    if (weight <= 0 || kept === 0) return;
    // Each query term (by number) with the weight of the word it came from; 0 for the terms not
    // said, which add nothing below (a said term's weight is always above 0).
    const { said } = this.buffers();
    const saidTerms: number[] = [];
    for (const word of resolved) {
      for (const { id: t, quality } of word.expansions) {
        if (t < 0) continue;
        // What a phrasing's term can contribute: no more than its own IDF.
        said[t] = Math.max(said[t] as number, Math.min(this.postings.idfOf(t), word.idf * quality));
        saidTerms.push(t);
      }
    }
    const { termsOf, phrasingsOf, terms, totals } = this.phrasings;
    for (let h = 0; h < kept; h++) {
      const doc = best.docs[h] as number;
      let nearest = 0;
      let p = phrasingsOf[doc] as number;
      let matched = 0;
      for (let k = termsOf[doc] as number, end = termsOf[doc + 1] as number; k < end; k++) {
        const t = terms[k] as number;
        if (t >= 0) {
          matched += said[t] as number;
          continue;
        }
        // The phrasing's last term: its F1 against the question.
        matched += said[~t] as number;
        const phraseIdf = totals[p++] as number;
        if (matched !== 0) {
          const precision = matched / phraseIdf;
          const recall = Math.min(1, matched / totalIdf);
          nearest = Math.max(nearest, (2 * precision * recall) / (precision + recall));
          matched = 0;
        }
      }
      best.phrases[h] = nearest;
      best.scores[h] = (1 - weight) * (best.scores[h] as number) + weight * nearest;
    }
    for (const t of saidTerms) said[t] = 0;
    // Best first again: an insertion sort of the few kept, in place.
    for (let k = 1; k < kept; k++) {
      placeInTopList(
        best,
        k,
        best.docs[k] as number,
        best.scores[k] as number,
        best.coverages[k] as number,
        best.phrases[k] as number,
      );
    }
  }

  /** The known off-topic questions by their words, weighed as questions' words are. */
  private indexOffTopic(): OffTopicIndex {
    const questions = new Map<string, number[]>();
    const weights: number[] = [];
    this.offTopicQuestions.forEach((question, i) => {
      let weight = 0;
      for (const term of new Set(this.analyzer.keywords(question).map((k) => k.stem))) {
        weight += this.termWeight(term);
        const list = questions.get(term) ?? [];
        list.push(i);
        questions.set(term, list);
      }
      weights.push(weight);
    });
    const n = weights.length;
    this.offTopicGeneration = 0;
    const questionsById: Array<number[] | undefined> = [];
    for (const [term, list] of questions) {
      const id = this.postings.id(term);
      if (id !== undefined) questionsById[id] = list;
    }
    return {
      questions,
      questionsById,
      weights: Float64Array.from(weights),
      matched: new Float64Array(n),
      seen: new Uint32Array(n),
      touched: new Int32Array(n),
    };
  }

  /** A term's specificity (see `specificity`), by its number; none for -1 or a word pair. */
  private specificityOf(id: number): number | undefined {
    const spec = id < 0 ? Number.NaN : (this.specificity[id] as number);
    return Number.isNaN(spec) ? undefined : spec;
  }

  /** A word's weight: its rarity here, or for a word we do not know, how common it is elsewhere. */
  private termWeight(term: string): number {
    return this.postings.idf(term) ?? this.maxIdf * this.unknownWeight(term);
  }

  /**
   * How closely the nearest known off-topic question says this one: the F1 of the words they
   * share, weighed by rarity ("offer" and "house" against "offer on a house").
   */
  private nearestOffTopic(
    words: readonly Keyword[],
    resolved: readonly ResolvedWord[],
    totalIdf: number,
  ): number {
    const { weights, questions, questionsById, matched, seen, touched } = this.offTopic;
    if (weights.length === 0) return 0;
    // Reused arrays, as for the entries: no per-query allocation.
    if (this.offTopicGeneration >= 0xfffffff0) {
      seen.fill(0);
      this.offTopicGeneration = 0;
    }
    const round = ++this.offTopicGeneration;
    let count = 0;
    words.forEach((kw, i) => {
      const weight = resolved[i]?.idf ?? 0;
      // By number for a word the entries have (its first expansion), else by name.
      const first = resolved[i]?.expansions[0];
      const known = first !== undefined && first.id >= 0;
      const term = first?.term ?? kw.stem;
      const list = known ? questionsById[first.id] : questions.get(term);
      if (!list) return;
      const shared = Math.min(
        weight,
        known ? this.postings.idfOf(first.id) : this.termWeight(term),
      );
      for (const q of list) {
        if (seen[q] !== round) {
          seen[q] = round;
          matched[q] = 0;
          touched[count++] = q;
        }
        matched[q] = (matched[q] as number) + shared;
      }
    });
    let best = 0;
    for (let k = 0; k < count; k++) {
      const q = touched[k] as number;
      const shared = matched[q] as number;
      const precision = shared / (weights[q] as number);
      const recall = Math.min(1, shared / totalIdf);
      best = Math.max(best, (2 * precision * recall) / (precision + recall));
    }
    return best;
  }

  /** Closer to a known off-topic question than to any phrasing of the best entry. */
  private likeOffTopic(offTopic: number, phrase: number): boolean {
    return offTopic >= this.tuning.minOffTopic && offTopic > phrase + this.tuning.offTopicMargin;
  }

  /** The decline rule: is the best hit good enough to show as the answer? */
  private confident({ score, coverage, known, task, anchor }: SearchSignals): boolean {
    if (task) return false;
    const { minCoverage, minScore, strongScore, minKnown, unknownTopicScore } = this.tuning;
    if (known < minKnown && score < unknownTopicScore) return false;
    if (
      anchor < this.tuning.minAnchor &&
      score < this.tuning.unanchoredScore &&
      !(coverage >= this.tuning.unanchoredCoverage && score >= this.tuning.unanchoredCoveredScore)
    ) {
      return false;
    }
    return (coverage >= minCoverage && score >= minScore) || score >= strongScore;
  }

  /** Room for the best `keep` hits of a query, reused by every query (search is synchronous). */
  private topList(keep: number): TopList {
    if (!this.top || this.top.docs.length < keep) {
      this.top = {
        docs: new Int32Array(keep),
        scores: new Float64Array(keep),
        coverages: new Float64Array(keep),
        phrases: new Float64Array(keep),
      };
    }
    return this.top;
  }

  /** A query's keywords, analyzed once when the same text is asked of `named` and `search`. */
  private keywordsOf(text: string): readonly Keyword[] {
    if (text !== this.lastQuery.text) {
      this.lastQuery = { text, keywords: this.analyzer.keywords(text) };
    }
    return this.lastQuery.keywords;
  }

  /** The query's name key (`nameKey`), made once when `named` and `search` both look it up. */
  private nameKeyOf(text: string): string {
    this.keywordsOf(text);
    this.lastQuery.nameKey ??= nameKey(this.lastQuery.keywords);
    return this.lastQuery.nameKey;
  }

  /** Per-entry scratch arrays, made once and reused by every query. */
  private buffers(): NonNullable<Search["scratch"]> {
    const n = this.docs.length;
    if (!this.scratch || this.generation > 0xfffffff0 || this.wordGeneration > 0xfffffff0) {
      this.generation = 0;
      this.wordGeneration = 0;
      this.scratch = {
        score: new Float64Array(n),
        covered: new Float64Array(n),
        seen: new Uint32Array(n),
        wordBest: new Float64Array(n),
        wordCover: new Float64Array(n),
        wordSeen: new Uint32Array(n),
        wordDocs: new Int32Array(n),
        touched: new Int32Array(n),
        said: new Float64Array(this.postings.size),
      };
    }
    return this.scratch;
  }

  /** Maps a query word to index terms: its stem when known, else its nearest vocabulary words. */
  private resolve(word: string, wordStem: string): ResolvedWord {
    const id = this.postings.id(wordStem);
    if (id !== undefined) {
      const scale = this.everydayScale(id);
      return {
        idf: this.postings.idfOf(id) * scale,
        scale,
        expansions: [{ term: wordStem, quality: 1, id }],
      };
    }
    // Words under 5 letters are not corrected: "rain" is one letter from "train" and "main". Nor
    // is a word of everyday English: "grapes" is not a typo of "grades".
    const expansions = word.length >= 5 && !this.isEverydayWord(wordStem) ? this.typos(word) : [];
    if (expansions.length === 0) {
      return { idf: this.maxIdf * this.unknownWeight(wordStem), scale: 1, expansions };
    }
    const scale = this.everydayScale((expansions[0] as { id: number }).id);
    const idf =
      Math.max(...expansions.map((e) => (e.id < 0 ? 0 : this.postings.idfOf(e.id)))) * scale;
    return { idf, scale, expansions };
  }

  /** A word listed in everyday English ("march", "grapes"): spelled right, so not a typo of ours. */
  private isEverydayWord(wordStem: string): boolean {
    return this.everyday?.listed(wordStem) ?? false;
  }

  /**
   * A word we do not know that everyone says ("guitar", "cousin") is a sign the question is about
   * something else, and weighs `unknownWordWeight`; one nobody says (a name, a typo too far gone,
   * jargon we lack) weighs only `unknownRareWeight`, so it does not sink a strong match.
   */
  private unknownWeight(wordStem: string): number {
    const { unknownWordWeight, unknownRareWeight } = this.tuning;
    const share = Math.log10(this.everyday?.(wordStem) ?? 1e-9);
    const ramp = Math.min(
      1,
      Math.max(0, (share - RARE_WORD_SHARE) / (COMMON_WORD_SHARE - RARE_WORD_SHARE)),
    );
    return unknownRareWeight + (unknownWordWeight - unknownRareWeight) * ramp;
  }

  /**
   * An everyday word ("said", "friday", "big") weighs less than one at home in the knowledge base
   * ("leetcode", "recruiter"): from `everydayFloor` at `everydayLow` specificity up to 1 at
   * `everydayHigh`.
   */
  private everydayScale(id: number): number {
    const { everydayFloor, everydayLow, everydayHigh } = this.tuning;
    if (everydayFloor >= 1) return 1;
    const spec = this.specificityOf(id) ?? everydayHigh;
    const ramp = Math.min(1, Math.max(0, (spec - everydayLow) / (everydayHigh - everydayLow)));
    return everydayFloor + (1 - everydayFloor) * ramp;
  }

  private typos(word: string): ResolvedWord["expansions"] {
    const cached = this.typoCache.get(word);
    if (cached) return cached;
    const expansions = this.findTypos(word);
    if (this.tuning.typoCacheSize > 0) {
      if (this.typoCache.size >= this.tuning.typoCacheSize) this.typoCache.clear();
      this.typoCache.set(word, expansions);
    }
    return expansions;
  }

  private findTypos(word: string): ResolvedWord["expansions"] {
    const allowedErrors = word.length >= 8 ? 2 : 1;
    // Shortlist: one edit changes at most 3 character pairs, so a close spelling shares most of
    // them. fuse.js then scores the few candidates instead of scanning the whole vocabulary.
    const wordPairs = [...new Set(charPairs(word))];
    const shared = new Map<number, number>();
    for (const pair of wordPairs) {
      for (const index of this.pairs.get(pair) ?? [])
        shared.set(index, (shared.get(index) ?? 0) + 1);
    }
    const needed = Math.max(1, wordPairs.length - 3 * allowedErrors);
    const candidates: string[] = [];
    for (const [index, count] of shared) {
      const candidate = this.vocabulary[index] as string;
      if (count >= needed && Math.abs(candidate.length - word.length) <= 1) {
        candidates.push(candidate);
      }
    }
    if (candidates.length === 0) return [];
    const fuse = new Fuse(candidates, {
      includeScore: true,
      threshold: this.tuning.typoThreshold,
      ignoreLocation: true,
    });
    const best = new Map<string, number>();
    for (const hit of fuse.search(word, { limit: 5 })) {
      // fuse.js ranks the shortlist, but its score is about the best approximate substring
      // ("rain" scores perfectly inside "train"), so the final word is the edit distance:
      // one error up to 7 letters, two from 8 ("interveiw" → "interview", not "president" →
      // "presenting").
      const errors = editDistance(word, hit.item);
      if (errors > allowedErrors) continue;
      // Two slips never include the first letter ("vaccines" is not "machines").
      if (errors > 1 && hit.item[0] !== word[0]) continue;
      const term = this.surfaceToTerm.get(hit.item) ?? stem(hit.item);
      const quality = 1 - errors / word.length;
      if (quality > (best.get(term) ?? 0)) best.set(term, quality);
    }
    return [...best]
      .map(([term, quality]) => ({ term, quality, id: this.postings.id(term) ?? -1 }))
      .sort((a, b) => b.quality - a.quality)
      .slice(0, 3);
  }
}

/** Builds the search index over a knowledge base. */
export function createSearch(kb: KnowledgeBase, tuning?: Partial<SearchTuning>): Search {
  return new Search(kb, tuning);
}
