import { stringify } from "yaml";
import type { KnowledgeBase } from "../knowledge-base/knowledge-base.ts";

/** One confirmed learned phrasing, wherever it came from. */
export interface ConfirmedPhrasing {
  entryId: string;
  phrasing: string;
}

/** What `exportLearned` made: the YAML, and the entry ids it had to leave out. */
export interface LearnedExport {
  yaml: string;
  /** Confirmed phrasings of entries the knowledge base no longer has (not in the YAML). */
  unknownEntries: string[];
  /** How many phrasings the YAML lists. */
  count: number;
}

const key = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

const HEADER = `# Learned phrasings confirmed by organizers (npm run kb:export-learned).
# Each item names a knowledge-base entry by id and the new ways students asked for it. Copy them
# into that entry in data/ (or your KB_DIR): for a faq entry, under its \`phrasings:\`; for a topic
# or role, under its \`aliases:\` (60 characters at most). Then run \`npm run kb:check\`.
`;

/**
 * Confirmed learned phrasings as YAML ready to merge into `data/`: `faq:`, `topics:` and `roles:`
 * lists of `{ id, phrasings }`, entries in knowledge-base order, phrasings in the order given.
 * Phrasings an entry already has (ignoring case and punctuation) and repeats are left out, so a
 * second export after committing lists only what is new.
 *
 * @example
 * exportLearned([{ entryId: "apply-how-early", phrasing: "when 2 apply" }], kb).yaml;
 * // faq:
 * //   - id: apply-how-early
 * //     phrasings:
 * //       - when 2 apply
 */
export function exportLearned(
  confirmed: readonly ConfirmedPhrasing[],
  kb: KnowledgeBase,
): LearnedExport {
  const byEntry = new Map<string, { known: Set<string>; phrasings: string[] }>();
  const unknown = new Set<string>();
  for (const { entryId, phrasing } of confirmed) {
    const entry = kb.get(entryId);
    if (!entry || entry.kind === "prompt") {
      unknown.add(entryId);
      continue;
    }
    let slot = byEntry.get(entryId);
    if (!slot) {
      const own =
        entry.kind === "faq" ? [entry.title, ...entry.phrasings] : [entry.title, ...entry.aliases];
      slot = { known: new Set(own.map(key)), phrasings: [] };
      byEntry.set(entryId, slot);
    }
    const k = key(phrasing);
    if (!k || slot.known.has(k)) continue;
    slot.known.add(k);
    slot.phrasings.push(phrasing);
  }
  const listOf = (kind: "faq" | "topic" | "role") =>
    kb.entries
      .filter((e) => e.kind === kind)
      .flatMap((e) => {
        const phrasings = byEntry.get(e.id)?.phrasings ?? [];
        return phrasings.length > 0 ? [{ id: e.id, phrasings }] : [];
      });
  const doc: Record<string, Array<{ id: string; phrasings: string[] }>> = {};
  const faq = listOf("faq");
  const topics = listOf("topic");
  const roles = listOf("role");
  doc.faq = faq;
  if (topics.length > 0) doc.topics = topics;
  if (roles.length > 0) doc.roles = roles;
  const count = [...faq, ...topics, ...roles].reduce((n, e) => n + e.phrasings.length, 0);
  const body = count === 0 ? "# No confirmed learned phrasings to add.\nfaq: []\n" : stringify(doc);
  return { yaml: `${HEADER}${body}`, unknownEntries: [...unknown].sort(), count };
}
