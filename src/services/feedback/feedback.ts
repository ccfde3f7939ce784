import { z } from "zod";
import type { Collection, Store } from "../storage/store.ts";

const VotesSchema = z.object({
  helpful: z.array(z.string()),
  notHelpful: z.array(z.string()),
});
type Votes = z.infer<typeof VotesSchema>;

/** The longest question kept with a vote. */
const MAX_QUESTION_LENGTH = 300;
/** How many (entry, question) pairs with 👎 one workspace keeps; the least voted go first. */
const MAX_DOWNVOTED = 500;

const DownvoteSchema = z.object({
  entryId: z.string(),
  /** The question that got the answer, as typed; null for a vote whose question is not known. */
  question: z.string().nullable(),
  voters: z.array(z.string()),
  lastAt: z.string(),
});
const DownvotesSchema = z.object({ items: z.record(z.string(), DownvoteSchema) });
type Downvotes = z.infer<typeof DownvotesSchema>;

/** An answer marked 👎, with the question that got it, for organizers. */
export interface Downvoted {
  entryId: string;
  question: string | null;
  count: number;
  lastAt: string;
}

/** Where a vote was cast: the workspace, and the question the answer was for (when known). */
export interface VoteContext {
  teamId: string;
  question?: string;
}

/** Helpful / not-helpful counts for one entry. */
export interface FeedbackCounts {
  helpful: number;
  notHelpful: number;
}

/**
 * Helpful / not-helpful votes per knowledge-base entry; one vote per user, the latest counts.
 * A 👎 with its workspace is also kept with the question that got the answer, per workspace, so
 * organizers see what went wrong (`/prep gaps`).
 *
 * @example
 * await feedback.vote("apply-how-early", "U1", true); // { helpful: 1, notHelpful: 0 }
 * await feedback.vote("apply-how-early", "U2", false, { teamId: "T1", question: "when 2 apply" });
 * await feedback.downvoted("T1", 10); // [{ entryId: "apply-how-early", question: "when 2 apply", count: 1, … }]
 */
export class Feedback {
  private readonly votes: Collection<Votes>;
  private readonly downvotes: Collection<Downvotes>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.votes = store.collection("feedback", VotesSchema);
    this.downvotes = store.collection("downvotes", DownvotesSchema);
  }

  async vote(
    entryId: string,
    voter: string,
    helpful: boolean,
    context?: VoteContext,
  ): Promise<FeedbackCounts> {
    if (context) await this.keepQuestion(entryId, voter, helpful, context);
    const next = await this.votes.update(entryId, (current) => {
      const helpfulVoters = (current?.helpful ?? []).filter((v) => v !== voter);
      const notHelpfulVoters = (current?.notHelpful ?? []).filter((v) => v !== voter);
      (helpful ? helpfulVoters : notHelpfulVoters).push(voter);
      return { helpful: helpfulVoters, notHelpful: notHelpfulVoters };
    });
    return { helpful: next.helpful.length, notHelpful: next.notHelpful.length };
  }

  async counts(entryId: string): Promise<FeedbackCounts> {
    const current = await this.votes.get(entryId);
    return { helpful: current?.helpful.length ?? 0, notHelpful: current?.notHelpful.length ?? 0 };
  }

  /** Answers marked 👎 in a workspace with their questions, most voted (then most recent) first. */
  async downvoted(teamId: string, limit: number): Promise<Downvoted[]> {
    const items = (await this.downvotes.get(teamId))?.items ?? {};
    return Object.values(items)
      .map((d) => ({
        entryId: d.entryId,
        question: d.question,
        count: d.voters.length,
        lastAt: d.lastAt,
      }))
      .sort((a, b) => b.count - a.count || b.lastAt.localeCompare(a.lastAt))
      .slice(0, limit);
  }

  /** A 👎 adds the voter to (entry, question); a 👍 by the same voter takes them off again. */
  private async keepQuestion(
    entryId: string,
    voter: string,
    helpful: boolean,
    context: VoteContext,
  ): Promise<void> {
    const question = context.question?.trim().replace(/\s+/g, " ").slice(0, MAX_QUESTION_LENGTH);
    const key = `${entryId}\n${(question ?? "").toLowerCase()}`;
    if (helpful && !(await this.downvotes.get(context.teamId))?.items[key]) return;
    const at = this.now().toISOString();
    await this.downvotes.update(context.teamId, (current) => {
      const items = { ...current?.items };
      const before = items[key];
      const voters = (before?.voters ?? []).filter((v) => v !== voter);
      if (!helpful) voters.push(voter);
      if (voters.length === 0) delete items[key];
      else {
        // A 👎 shows the question as last typed; a 👍 taking one back leaves it as it was.
        const shown = helpful ? (before?.question ?? null) : question || null;
        items[key] = {
          entryId,
          question: shown,
          voters,
          lastAt: helpful && before ? before.lastAt : at,
        };
      }
      const keys = Object.keys(items);
      if (keys.length > MAX_DOWNVOTED) {
        const oldest = keys
          .sort(
            (a, b) =>
              (items[a]?.voters.length ?? 0) - (items[b]?.voters.length ?? 0) ||
              (items[a]?.lastAt ?? "").localeCompare(items[b]?.lastAt ?? ""),
          )
          .slice(0, keys.length - MAX_DOWNVOTED);
        for (const k of oldest) if (k !== key) delete items[k];
      }
      return { items };
    });
  }
}
