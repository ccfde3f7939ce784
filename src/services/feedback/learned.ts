import { createHash } from "node:crypto";
import { z } from "zod";
import type { Collection, Store } from "../storage/store.ts";

/** The longest phrasing kept: a knowledge-base phrasing may be at most 200 characters. */
export const MAX_PHRASING_LENGTH = 200;
/** How many phrasings one workspace keeps waiting for review; the least picked go first. */
const MAX_PENDING = 500;

const LearnedSchema = z.object({
  entryId: z.string().min(1),
  /** The question as the student typed it (whitespace tidied), never escaped. */
  phrasing: z.string().min(1).max(MAX_PHRASING_LENGTH),
  status: z.enum(["pending", "confirmed"]),
  /** Who picked this entry for this question, each once. */
  pickedBy: z.array(z.string()),
  firstAt: z.string(),
  lastAt: z.string(),
  reviewedBy: z.string().optional(),
  reviewedAt: z.string().optional(),
});
const TeamSchema = z.object({ items: z.record(z.string(), LearnedSchema) });
const TeamsSchema = z.object({ teams: z.array(z.string()) });

type Stored = z.infer<typeof LearnedSchema>;
type Team = z.infer<typeof TeamSchema>;

/** A learned phrasing: a question a student asked and the entry they picked for it. */
export interface LearnedPhrasing extends Stored {
  /** Stable id of this (entry, question) pair, short enough for a button value. */
  id: string;
}

/** What the search must offer to learn: the live index changes at once. */
export interface Learner {
  learn(entryId: string, phrasing: string): void;
  unlearn(entryId: string, phrasing: string): void;
}

/** Whitespace tidied and cut to the longest phrasing kept; the text is otherwise as typed. */
export function tidyPhrasing(question: string): string {
  return question.trim().replace(/\s+/g, " ").slice(0, MAX_PHRASING_LENGTH).trim();
}

function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The id of an (entry, question) pair: the same question with other capitals is the same pair. */
export function learnedId(entryId: string, phrasing: string): string {
  return createHash("sha256")
    .update(`${entryId}\n${normalize(phrasing)}`)
    .digest("hex")
    .slice(0, 16);
}

const byPicks = (a: LearnedPhrasing, b: LearnedPhrasing) =>
  b.pickedBy.length - a.pickedBy.length || b.lastAt.localeCompare(a.lastAt);

/**
 * Learned phrasings, per workspace: when the bot was unsure and a student picked one of its
 * "Did you mean…?" entries, their question is kept as a pending phrasing of that entry. An
 * organizer confirms it (the search learns it at once, and again at every start-up) or rejects it
 * (it is dropped).
 *
 * @example
 * const learned = new LearnedPhrasings(store, search);
 * const item = await learned.record("T1", { entryId: "apply-how-early", phrasing: "when 2 apply", userId: "U1" });
 * await learned.confirm("T1", item.id, "U0ORG"); // search now answers "when 2 apply"
 */
export class LearnedPhrasings {
  private readonly learned: Collection<Team>;
  private readonly registry: Collection<z.infer<typeof TeamsSchema>>;

  constructor(
    store: Store,
    private readonly search: Learner,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.learned = store.collection("learned", TeamSchema);
    this.registry = store.collection("learned-teams", TeamsSchema);
  }

  /**
   * Keeps a question as a pending phrasing of an entry (once per picking user). A phrasing already
   * confirmed stays confirmed. Returns undefined when the question has nothing to keep.
   */
  async record(
    teamId: string,
    pick: { entryId: string; phrasing: string; userId: string },
  ): Promise<LearnedPhrasing | undefined> {
    const phrasing = tidyPhrasing(pick.phrasing);
    if (!normalize(phrasing)) return undefined;
    const id = learnedId(pick.entryId, phrasing);
    const at = this.now().toISOString();
    await this.registerTeam(teamId);
    const next = await this.learned.update(teamId, (current) => {
      const items = { ...current?.items };
      const before = items[id];
      items[id] = before
        ? {
            ...before,
            pickedBy: before.pickedBy.includes(pick.userId)
              ? before.pickedBy
              : [...before.pickedBy, pick.userId],
            lastAt: at,
          }
        : {
            entryId: pick.entryId,
            phrasing,
            status: "pending",
            pickedBy: [pick.userId],
            firstAt: at,
            lastAt: at,
          };
      return { items: capPending(items, id) };
    });
    const item = next.items[id];
    return item ? { id, ...item } : undefined;
  }

  /** Phrasings waiting for review, most picked (then most recent) first. */
  async pending(teamId: string): Promise<LearnedPhrasing[]> {
    return (await this.all(teamId)).filter((p) => p.status === "pending").sort(byPicks);
  }

  /** Confirmed phrasings of one workspace, most picked first. */
  async confirmed(teamId: string): Promise<LearnedPhrasing[]> {
    return (await this.all(teamId)).filter((p) => p.status === "confirmed").sort(byPicks);
  }

  /** One phrasing by id, whatever its status. */
  async get(teamId: string, id: string): Promise<LearnedPhrasing | undefined> {
    const item = (await this.learned.get(teamId))?.items[id];
    return item ? { id, ...item } : undefined;
  }

  /**
   * Confirms a pending phrasing: the search answers it from now on. Undefined when there is no
   * such pending phrasing (already reviewed, or never recorded).
   */
  async confirm(teamId: string, id: string, by: string): Promise<LearnedPhrasing | undefined> {
    const done: { item?: Stored } = {};
    await this.learned.update(teamId, (current) => {
      const items = { ...current?.items };
      const item = items[id];
      if (item?.status !== "pending") return { items };
      done.item = {
        ...item,
        status: "confirmed",
        reviewedBy: by,
        reviewedAt: this.now().toISOString(),
      };
      items[id] = done.item;
      return { items };
    });
    const confirmed = done.item;
    if (!confirmed) return undefined;
    this.search.learn(confirmed.entryId, confirmed.phrasing);
    return { id, ...confirmed };
  }

  /** Drops a pending phrasing. Undefined when there is no such pending phrasing. */
  async reject(teamId: string, id: string): Promise<LearnedPhrasing | undefined> {
    const done: { item?: Stored } = {};
    await this.learned.update(teamId, (current) => {
      const items = { ...current?.items };
      const item = items[id];
      if (item?.status !== "pending") return { items };
      done.item = item;
      delete items[id];
      return { items };
    });
    return done.item ? { id, ...done.item } : undefined;
  }

  /** The workspaces that have learned phrasings. */
  async teams(): Promise<string[]> {
    return (await this.registry.get("all"))?.teams ?? [];
  }

  /**
   * Teaches the search every confirmed phrasing in the store; run once at start-up. Returns how
   * many were taught.
   */
  async restore(): Promise<number> {
    let taught = 0;
    for (const teamId of await this.teams()) {
      for (const item of await this.confirmed(teamId)) {
        this.search.learn(item.entryId, item.phrasing);
        taught++;
      }
    }
    return taught;
  }

  private async all(teamId: string): Promise<LearnedPhrasing[]> {
    const items = (await this.learned.get(teamId))?.items ?? {};
    return Object.entries(items).map(([id, item]) => ({ id, ...item }));
  }

  private async registerTeam(teamId: string): Promise<void> {
    const known = await this.registry.get("all");
    if (known?.teams.includes(teamId)) return;
    await this.registry.update("all", (current) => ({
      teams: [...new Set([...(current?.teams ?? []), teamId])],
    }));
  }
}

/** Keeps at most MAX_PENDING pending phrasings, dropping the least picked (never `keep`). */
function capPending(items: Record<string, Stored>, keep: string): Record<string, Stored> {
  const pending = Object.entries(items)
    .filter(([, item]) => item.status === "pending")
    .map(([id, item]) => ({ id, ...item }));
  if (pending.length <= MAX_PENDING) return items;
  const drop = pending
    .filter((p) => p.id !== keep)
    .sort(byPicks)
    .slice(MAX_PENDING - 1);
  for (const p of drop) delete items[p.id];
  return items;
}
