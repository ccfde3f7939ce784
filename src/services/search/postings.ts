/**
 * The inverted index's postings: for each term, the entries it occurs in, its weight in each and
 * whether it is there in the body only; and the term's IDF.
 *
 * All terms' postings live in three flat typed arrays, each term's contiguous (`from(t)` up to
 * `to(t)`): a query walks thousands of postings at x100, and contiguous numbers cost a fraction of
 * an array of objects (measured: ~4x). One array per kind for all terms rather than per term:
 * every typed array costs ~100 bytes of heap besides its numbers, which for the bundled knowledge
 * base's ~8,500 terms (~29,000 postings) made ~6 MB where the numbers take 0.3 MB.
 */
export class Postings {
  /** The entry (its index) of each posting. */
  readonly docs: Int32Array;
  /** The term's weight in that entry. */
  readonly weights: Float32Array;
  /** 1 where the term is in the entry's body only, not in a name, phrasing or tag. */
  readonly bodyOnly: Uint8Array;
  private readonly ids: ReadonlyMap<string, number>;
  /** Term t's postings are at starts[t] up to starts[t + 1]. */
  private readonly starts: Int32Array;
  private readonly idfs: Float64Array;

  constructor(parts: {
    ids: ReadonlyMap<string, number>;
    starts: Int32Array;
    docs: Int32Array;
    weights: Float32Array;
    bodyOnly: Uint8Array;
    idfs: Float64Array;
  }) {
    this.ids = parts.ids;
    this.starts = parts.starts;
    this.docs = parts.docs;
    this.weights = parts.weights;
    this.bodyOnly = parts.bodyOnly;
    this.idfs = parts.idfs;
  }

  /** An index with no terms. */
  static empty(): Postings {
    return new PostingsBuilder().build(0);
  }

  /** How many terms there are (numbered 0 up to this). */
  get size(): number {
    return this.idfs.length;
  }

  /** The term's number, or undefined when no entry has it. */
  id(term: string): number | undefined {
    return this.ids.get(term);
  }

  has(term: string): boolean {
    return this.ids.has(term);
  }

  /** The term's IDF, or undefined when no entry has it. */
  idf(term: string): number | undefined {
    const t = this.ids.get(term);
    return t === undefined ? undefined : this.idfs[t];
  }

  /** Term t's IDF. */
  idfOf(t: number): number {
    return this.idfs[t] as number;
  }

  /** Where term t's postings start in `docs`, `weights` and `bodyOnly`. */
  from(t: number): number {
    return this.starts[t] as number;
  }

  /** Where term t's postings end (exclusive). */
  to(t: number): number {
    return this.starts[t + 1] as number;
  }
}

/**
 * Collects postings entry by entry, then lays them out term by term (a counting sort, so each
 * term's postings keep the order they were added in).
 *
 * @example
 * const builder = new PostingsBuilder();
 * builder.add("interview", 0, 2.5, false);
 * const postings = builder.build(1);
 */
export class PostingsBuilder {
  private readonly ids = new Map<string, number>();
  private readonly termOf: number[] = [];
  private readonly docOf: number[] = [];
  private readonly weightOf: number[] = [];
  private readonly bodyOnlyOf: boolean[] = [];

  add(term: string, doc: number, weight: number, bodyOnly: boolean): void {
    let t = this.ids.get(term);
    if (t === undefined) {
      t = this.ids.size;
      this.ids.set(term, t);
    }
    this.termOf.push(t);
    this.docOf.push(doc);
    this.weightOf.push(weight);
    this.bodyOnlyOf.push(bodyOnly);
  }

  /** The index over `docCount` entries (the IDF depends on how many there are). */
  build(docCount: number): Postings {
    const terms = this.ids.size;
    const total = this.termOf.length;
    const starts = new Int32Array(terms + 1);
    for (const t of this.termOf) starts[t + 1] = (starts[t + 1] as number) + 1;
    for (let t = 0; t < terms; t++)
      starts[t + 1] = (starts[t + 1] as number) + (starts[t] as number);
    const idfs = new Float64Array(terms);
    for (let t = 0; t < terms; t++) {
      const count = (starts[t + 1] as number) - (starts[t] as number);
      idfs[t] = Math.log(1 + (docCount - count + 0.5) / (count + 0.5));
    }
    const docs = new Int32Array(total);
    const weights = new Float32Array(total);
    const bodyOnly = new Uint8Array(total);
    const next = starts.slice(0, terms);
    for (let i = 0; i < total; i++) {
      const t = this.termOf[i] as number;
      const at = next[t] as number;
      next[t] = at + 1;
      docs[at] = this.docOf[i] as number;
      weights[at] = this.weightOf[i] as number;
      bodyOnly[at] = this.bodyOnlyOf[i] ? 1 : 0;
    }
    return new Postings({ ids: this.ids, starts, docs, weights, bodyOnly, idfs });
  }
}
