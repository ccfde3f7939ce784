import type { Entry, EntryKind, Faq, Prompt, Role, SynonymGroup, Topic } from "./schema.ts";

/**
 * The validated, merged knowledge base: read-only lists of each kind and a lookup by id.
 *
 * @example
 * const kb = await loadKnowledgeBase({ dirs: ["data"] });
 * kb.get("behavioral-interviews")?.title; // "Behavioral interviews"
 */
export class KnowledgeBase {
  readonly roles: readonly Role[];
  readonly topics: readonly Topic[];
  readonly faq: readonly Faq[];
  readonly prompts: readonly Prompt[];
  readonly entries: readonly Entry[];
  /** Ways of saying the same thing, used by search on both sides of the index. */
  readonly synonyms: readonly SynonymGroup[];
  /** Questions people ask that are not about internships: search declines ones like them. */
  readonly offTopic: readonly string[];
  private readonly byId: ReadonlyMap<string, Entry>;

  constructor(
    entries: readonly Entry[],
    synonyms: readonly SynonymGroup[] = [],
    offTopic: readonly string[] = [],
  ) {
    this.entries = entries;
    this.synonyms = synonyms;
    this.offTopic = offTopic;
    this.byId = new Map(entries.map((entry) => [entry.id, entry]));
    this.roles = entries.flatMap((e) => (e.kind === "role" ? [e] : []));
    this.topics = entries.flatMap((e) => (e.kind === "topic" ? [e] : []));
    this.faq = entries.flatMap((e) => (e.kind === "faq" ? [e] : []));
    this.prompts = entries.flatMap((e) => (e.kind === "prompt" ? [e] : []));
  }

  /** The entry with this id, of any kind. */
  get(id: string): Entry | undefined {
    return this.byId.get(id);
  }

  /** The entry with this id if it is of the given kind. */
  getOfKind<K extends EntryKind>(id: string, kind: K): Extract<Entry, { kind: K }> | undefined {
    const entry = this.byId.get(id);
    return entry?.kind === kind ? (entry as Extract<Entry, { kind: K }>) : undefined;
  }
}

/**
 * The full text a user is shown for an entry, in Slack mrkdwn; always within one section's limit
 * (the knowledge-base check enforces it).
 *
 * @example
 * displayText(kb.get("apply-how-early")!); // "Start looking 6-8 months before…"
 */
export function displayText(entry: Entry): string {
  switch (entry.kind) {
    case "faq":
      return entry.answer;
    case "prompt":
      return entry.prompt;
    case "topic":
      return `${entry.summary}\n\n${entry.tips.map((tip) => `• ${tip}`).join("\n")}`;
    case "role":
      return `${entry.summary}\n\n${entry.checklist.map((item) => `• ${item.skill}`).join("\n")}`;
  }
}
