import Fuse from "fuse.js";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";
import { displayText } from "../knowledge-base/knowledge-base.ts";
import type { Entry, EntryKind } from "../knowledge-base/schema.ts";
import { keywords, stem } from "./text.ts";

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
}

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
  /** Weight of a word the knowledge base has never seen, as a share of the rarest word's. */
  unknownWordWeight: number;
  /** How strongly an entry's length dampens its score (BM25's b, over short fields only). */
  lengthDamping: number;
  /** How many words' fuzzy expansions are remembered (0: none, each query pays in full). */
  typoCacheSize: number;
}

export const DEFAULT_TUNING: SearchTuning = {
  minCoverage: 0.5,
  minScore: 0.2,
  strongScore: 0.3,
  typoThreshold: 0.5,
  unknownWordWeight: 0.8,
  lengthDamping: 0.25,
  typoCacheSize: 10_000,
};

const ANSWER_KINDS: readonly EntryKind[] = ["faq", "topic", "role"];

/** Field weights: names students type weigh most, descriptions least. Bodies are not indexed. */
function fieldsOf(entry: Entry): Array<[text: string, weight: number]> {
  const tags = entry.tags.map((t): [string, number] => [t, 2]);
  switch (entry.kind) {
    case "role":
      return [
        [entry.title, 3],
        ...entry.aliases.map((a): [string, number] => [a, 3]),
        ...tags,
        [entry.summary, 0.6],
        ...entry.checklist.map((c): [string, number] => [c.skill, 0.6]),
      ];
    case "topic":
      return [
        [entry.title, 3],
        ...entry.aliases.map((a): [string, number] => [a, 3]),
        ...tags,
        [entry.summary, 0.8],
      ];
    case "faq":
      return [
        [entry.title, 2.5],
        ...entry.phrasings.map((p): [string, number] => [p, 2.5]),
        ...tags,
      ];
    case "prompt":
      return [[entry.title, 2], ...tags, [entry.prompt, 0.6]];
  }
}

const BIGRAM_FACTOR = 0.6;
/** BM25's k1 over summed field weights; a word's weight in one entry tends to SATURATION + 1. */
const SATURATION = 5;
/** A query that is exactly an entry's name ("data science", "mlops") ranks that entry first. */
const EXACT_NAME_BONUS = 1;
/** Squashes a raw score into [0, 1): score / (score + SQUASH). */
const SQUASH = 0.5;

interface Posting {
  doc: number;
  weight: number;
}

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

/** A name reduced to its stems, so "Data Science?" and "data science" are the same name. */
function nameKey(text: string): string {
  return keywords(text)
    .map((k) => k.stem)
    .join(" ");
}

/** A query word resolved to index terms, with how well each matches (1 = exactly). */
interface ResolvedWord {
  idf: number;
  expansions: Array<{ term: string; quality: number }>;
}

/**
 * Search over the knowledge base, built once at start-up.
 *
 * The index holds only short fields (titles, aliases, phrasings, tags, summaries), so a query's
 * cost does not depend on the length of entry bodies. Each meaningful query word is looked up by
 * its stem; a word the vocabulary lacks (usually a typo) is fuzzy-matched with fuse.js against the
 * vocabulary of words, not against the entries. Entries are ranked by IDF-weighted field matches
 * plus matched word pairs, and the best one must cover enough of the question to count as an answer.
 *
 * @example
 * const search = createSearch(kb);
 * search.search("interveiw tips").hits[0].id; // "behavioral-interviews" or similar
 */
export class Search {
  private readonly docs: Entry[];
  private readonly texts: string[];
  private readonly postings = new Map<string, Posting[]>();
  private readonly idf = new Map<string, number>();
  private readonly lengthNorm: Float64Array;
  private readonly maxIdf: number;
  private readonly vocabulary: string[];
  /** Character pairs ("^i", "in", … "w$") → indexes into `vocabulary`, to shortlist typo candidates. */
  private readonly pairs = new Map<string, number[]>();
  private readonly surfaceToTerm = new Map<string, string>();
  private readonly typoCache = new Map<string, ResolvedWord["expansions"]>();
  private readonly names = new Map<string, number[]>();
  private readonly tuning: SearchTuning;

  constructor(kb: KnowledgeBase, tuning: Partial<SearchTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.docs = [...kb.entries];
    this.texts = this.docs.map(displayText);
    const lengths: number[] = [];
    this.docs.forEach((entry, doc) => {
      // Summed over fields, then saturated (as BM25 does with term frequency): a word in the title
      // and in three phrasings counts more than once, but never swamps the other words.
      const terms = new Map<string, number>();
      const add = (term: string, weight: number) =>
        terms.set(term, (terms.get(term) ?? 0) + weight);
      for (const [text, weight] of fieldsOf(entry)) {
        const kws = keywords(text);
        kws.forEach((kw, i) => {
          add(kw.stem, weight);
          this.surfaceToTerm.set(kw.word, kw.stem);
          const next = kws[i + 1];
          if (next) add(`${kw.stem} ${next.stem}`, weight * BIGRAM_FACTOR);
        });
      }
      let unigrams = 0;
      for (const [term, sum] of terms) {
        const weight = (sum * (SATURATION + 1)) / (sum + SATURATION);
        if (!term.includes(" ")) unigrams++;
        let list = this.postings.get(term);
        if (!list) {
          list = [];
          this.postings.set(term, list);
        }
        list.push({ doc, weight });
      }
      lengths.push(unigrams);
      for (const name of namesOf(entry)) {
        const key = nameKey(name);
        if (!key) continue;
        const owners = this.names.get(key) ?? [];
        owners.push(doc);
        this.names.set(key, owners);
      }
    });
    const n = this.docs.length;
    for (const [term, list] of this.postings) {
      this.idf.set(term, Math.log(1 + (n - list.length + 0.5) / (list.length + 0.5)));
    }
    this.maxIdf = Math.log(1 + (n + 0.5) / 0.5);
    const avg = lengths.reduce((a, b) => a + b, 0) / Math.max(1, n);
    const b = this.tuning.lengthDamping;
    this.lengthNorm = Float64Array.from(lengths, (len) => 1 / (1 - b + (b * len) / avg));
    this.vocabulary = [...this.surfaceToTerm.keys()];
    this.vocabulary.forEach((word, index) => {
      for (const pair of new Set(charPairs(word))) {
        const list = this.pairs.get(pair) ?? [];
        list.push(index);
        this.pairs.set(pair, list);
      }
    });
  }

  /**
   * The entries whose title or alias is exactly this text (ignoring case, punctuation, filler
   * words and word endings), of the given kind.
   *
   * @example
   * search.named("Data Science", "role"); // [the data science intern role]
   */
  named<K extends EntryKind>(text: string, kind: K): Array<Extract<Entry, { kind: K }>> {
    return (this.names.get(nameKey(text)) ?? [])
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
    const limit = options.limit ?? 3;
    const kinds = new Set(options.kinds ?? ANSWER_KINDS);
    const resolved = keywords(query).map((kw) => this.resolve(kw.word, kw.stem));
    const totalIdf = resolved.reduce((sum, r) => sum + r.idf, 0);
    if (totalIdf === 0) return { answered: false, hits: [] };

    const scores = new Map<number, { score: number; covered: number }>();
    const bump = (doc: number, score: number, covered: number) => {
      const s = scores.get(doc);
      if (s) {
        s.score += score;
        s.covered += covered;
      } else {
        scores.set(doc, { score, covered });
      }
    };
    for (const word of resolved) {
      // A word counts once per entry, by its best expansion there.
      const best = new Map<number, number>();
      for (const { term, quality } of word.expansions) {
        for (const { doc, weight } of this.postings.get(term) ?? []) {
          const value = (this.idf.get(term) ?? 0) * weight * quality;
          if (value > (best.get(doc) ?? 0)) best.set(doc, value);
        }
      }
      for (const [doc, value] of best) bump(doc, value, word.idf);
    }
    for (let i = 0; i + 1 < resolved.length; i++) {
      const left = resolved[i]?.expansions[0];
      const right = resolved[i + 1]?.expansions[0];
      if (!left || !right) continue;
      const pair = `${left.term} ${right.term}`;
      const idf = this.idf.get(pair) ?? 0;
      for (const { doc, weight } of this.postings.get(pair) ?? []) {
        if (scores.has(doc)) bump(doc, idf * weight * left.quality * right.quality, 0);
      }
    }

    for (const doc of this.names.get(nameKey(query)) ?? []) {
      if (scores.has(doc)) bump(doc, totalIdf * (SATURATION + 1) * EXACT_NAME_BONUS, 0);
    }

    const norm = totalIdf * (SATURATION + 1);
    const ranked: Array<{ doc: number; score: number; coverage: number }> = [];
    for (const [doc, s] of scores) {
      const entry = this.docs[doc];
      if (!entry || !kinds.has(entry.kind)) continue;
      const coverage = s.covered / totalIdf;
      const relevance = (s.score / norm) * (this.lengthNorm[doc] ?? 1);
      const raw = relevance * (0.5 + 0.5 * coverage);
      ranked.push({ doc, score: raw / (raw + SQUASH), coverage });
    }
    ranked.sort((a, b) => b.score - a.score || a.doc - b.doc);
    const top = ranked[0];
    const answered =
      top !== undefined &&
      ((top.coverage >= this.tuning.minCoverage && top.score >= this.tuning.minScore) ||
        top.score >= this.tuning.strongScore);
    const hits = ranked.slice(0, limit).map(({ doc, score }) => {
      const entry = this.docs[doc] as Entry;
      return {
        id: entry.id,
        kind: entry.kind,
        title: entry.title,
        text: this.texts[doc] as string,
        score: Math.round(score * 1000) / 1000,
        entry,
      };
    });
    return { answered, hits };
  }

  /** Maps a query word to index terms: its stem when known, else its nearest vocabulary words. */
  private resolve(word: string, wordStem: string): ResolvedWord {
    if (this.postings.has(wordStem)) {
      return {
        idf: this.idf.get(wordStem) ?? this.maxIdf,
        expansions: [{ term: wordStem, quality: 1 }],
      };
    }
    // Words under 5 letters are not corrected: "rain" is one letter from "train" and "main".
    const expansions = word.length >= 5 ? this.typos(word) : [];
    const idf =
      expansions.length > 0
        ? Math.max(...expansions.map((e) => this.idf.get(e.term) ?? 0))
        : this.maxIdf * this.tuning.unknownWordWeight;
    return { idf, expansions };
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
      const term = this.surfaceToTerm.get(hit.item) ?? stem(hit.item);
      const quality = 1 - errors / word.length;
      if (quality > (best.get(term) ?? 0)) best.set(term, quality);
    }
    return [...best]
      .map(([term, quality]) => ({ term, quality }))
      .sort((a, b) => b.quality - a.quality)
      .slice(0, 3);
  }

  /**
   * Teaches the live index another way students ask for an entry (a learned phrasing an organizer
   * confirmed): the next search already matches it. Unknown entry ids and repeats are ignored.
   *
   * @example
   * search.learn("apply-how-early", "when do i start sending applications");
   */
  learn(entryId: string, phrasing: string): void {
    this.relearn(entryId, (list) => (list.includes(phrasing) ? list : [...list, phrasing]));
  }

  /**
   * Forgets a phrasing taught with `learn`, at once; the entry's own phrasings are never removed.
   *
   * @example
   * search.unlearn("apply-how-early", "when do i start sending applications");
   */
  unlearn(entryId: string, phrasing: string): void {
    this.relearn(entryId, (list) => list.filter((p) => p !== phrasing));
  }

  /** Learned phrasings per entry id, and each such entry as the knowledge base has it. */
  private readonly learnedPhrasings = new Map<string, string[]>();
  private readonly unlearnedEntries = new Map<string, Entry>();

  /** Rebuilds the whole index with one entry's learned phrasings changed (milliseconds here). */
  private relearn(entryId: string, change: (list: string[]) => string[]): void {
    const doc = this.docs.findIndex((e) => e.id === entryId);
    const current = this.docs[doc];
    if (!current) return;
    const original = this.unlearnedEntries.get(entryId) ?? current;
    const learned = change(this.learnedPhrasings.get(entryId) ?? []);
    this.unlearnedEntries.set(entryId, original);
    this.learnedPhrasings.set(entryId, learned);
    const entry: Entry =
      original.kind === "faq"
        ? { ...original, phrasings: [...original.phrasings, ...learned] }
        : original.kind === "role" || original.kind === "topic"
          ? { ...original, aliases: [...original.aliases, ...learned] }
          : original;
    const docs = [...this.docs];
    docs[doc] = entry;
    // Search reads only `entries` from a knowledge base.
    const kb = { entries: docs } as Pick<KnowledgeBase, "entries"> as KnowledgeBase;
    const fresh = new Search(kb, this.tuning);
    // Take over the rebuilt index in place, so every holder of this object sees it at once.
    Object.assign(this, {
      ...fresh,
      learnedPhrasings: this.learnedPhrasings,
      unlearnedEntries: this.unlearnedEntries,
    });
  }
}

/** Builds the search index over a knowledge base. */
export function createSearch(kb: KnowledgeBase, tuning?: Partial<SearchTuning>): Search {
  return new Search(kb, tuning);
}
