import { z } from "zod";
import type { Collection, Store } from "../storage/store.ts";

/** The stages a listing can be added at from a post's buttons. */
export type PickStage = "applied" | "saved";

/** What a tracker needs to know about a listing someone clicked "I applied" or "Save" on. */
export interface PickedListing {
  listingId: string;
  company: string;
  role: string;
  link: string;
}

/** What adding gave: new, already there at that stage (or further), or moved from saved to applied. */
export type PickOutcome = { result: "added" | "already" | "moved"; stage: string };

/**
 * Where "I applied" and "Save" on a listing post put it: the clicker's application tracker.
 * `/track` (the tracker issue) satisfies this with its own service; until it is wired in, the
 * app uses {@link ListingPicks}, which keeps each user's picks in the store so none is lost.
 */
export interface ListingTracker {
  addListing(
    teamId: string,
    userId: string,
    listing: PickedListing,
    stage: PickStage,
  ): Promise<PickOutcome>;
}

const PickSchema = z.object({
  listingId: z.string(),
  company: z.string(),
  role: z.string(),
  link: z.string(),
  stage: z.string(),
  /** ISO time of each stage reached. */
  dates: z.record(z.string(), z.string()),
});
export type Pick = z.infer<typeof PickSchema>;
const PicksSchema = z.object({ items: z.array(PickSchema) });

/**
 * Each user's listings picked from posts, per workspace and user (private to that user), in
 * the store. Idempotent: a second click says it is already there; "I applied" on a saved one
 * moves it to applied.
 *
 * @example
 * const picks = new ListingPicks(store, () => new Date());
 * await picks.addListing("T1", "U1", { listingId: "abc", company: "Acme", role: "SWE Intern", link }, "applied");
 */
export class ListingPicks implements ListingTracker {
  private readonly picks: Collection<z.infer<typeof PicksSchema>>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.picks = store.collection("listing-picks", PicksSchema);
  }

  async addListing(
    teamId: string,
    userId: string,
    listing: PickedListing,
    stage: PickStage,
  ): Promise<PickOutcome> {
    let outcome: PickOutcome = { result: "added", stage };
    await this.picks.update(`${teamId}:${userId}`, (current) => {
      const items = current?.items ?? [];
      const at = this.now().toISOString();
      const existing = items.find((item) => item.listingId === listing.listingId);
      if (!existing) {
        outcome = { result: "added", stage };
        return { items: [...items, { ...listing, stage, dates: { [stage]: at } }] };
      }
      if (existing.stage === "saved" && stage === "applied") {
        outcome = { result: "moved", stage };
        return {
          items: items.map((item) =>
            item === existing ? { ...item, stage, dates: { ...item.dates, applied: at } } : item,
          ),
        };
      }
      outcome = { result: "already", stage: existing.stage };
      return { items };
    });
    return outcome;
  }

  /** A user's picks, oldest first. */
  async list(teamId: string, userId: string): Promise<Pick[]> {
    return (await this.picks.get(`${teamId}:${userId}`))?.items ?? [];
  }
}
