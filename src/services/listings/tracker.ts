/** The stages a listing can be added at from a post's buttons. */
export type PickStage = "applied" | "saved";

/** What a tracker needs to know about a listing someone clicked "I applied" or "Save" on. */
export interface PickedListing {
  listingId: string;
  company: string;
  role: string;
  link: string;
}

/**
 * What adding gave: new, already there at that stage (or further), moved from saved to applied,
 * or not added because the tracker is full.
 */
export type PickOutcome = { result: "added" | "already" | "moved" | "full"; stage: string };

/**
 * Where "I applied" and "Save" on a listing post put it: the clicker's own `/track` tracker
 * (`Tracker.addListing`), which keeps it once per listing id.
 */
export interface ListingTracker {
  addListing(
    teamId: string,
    userId: string,
    listing: PickedListing,
    stage: PickStage,
  ): Promise<PickOutcome>;
}
