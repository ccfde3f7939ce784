import { z } from "zod";
import type { Collection, Store } from "../storage/store.ts";

const VotesSchema = z.object({
  helpful: z.array(z.string()),
  notHelpful: z.array(z.string()),
});
type Votes = z.infer<typeof VotesSchema>;

/** Helpful / not-helpful counts for one entry. */
export interface FeedbackCounts {
  helpful: number;
  notHelpful: number;
}

/**
 * Helpful / not-helpful votes per knowledge-base entry; one vote per user, the latest counts.
 *
 * @example
 * await feedback.vote("apply-how-early", "U1", true); // { helpful: 1, notHelpful: 0 }
 */
export class Feedback {
  private readonly votes: Collection<Votes>;

  constructor(store: Store) {
    this.votes = store.collection("feedback", VotesSchema);
  }

  async vote(entryId: string, voter: string, helpful: boolean): Promise<FeedbackCounts> {
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
}
