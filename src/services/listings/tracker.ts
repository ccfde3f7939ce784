import type { Tracker } from "../tracker/tracker.ts";

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
 * What adding gave: new, already there (at that stage or another), moved from saved to applied,
 * or refused because the tracker is full.
 */
export type PickOutcome =
  | { result: "added" | "already" | "moved"; stage: string }
  | { result: "full"; max: number };

/** Where "I applied" and "Save" on a listing post put it: the clicker's application tracker. */
export interface ListingTracker {
  addListing(
    teamId: string,
    userId: string,
    listing: PickedListing,
    stage: PickStage,
  ): Promise<PickOutcome>;
}

/**
 * The `/track` tracker as the listing buttons use it: a listing is one application, found again
 * by its link, so a second click says it is already there and "I applied" on a saved one moves it
 * to applied. Dates are recorded in `timezone` (the tracker's default for clicks).
 *
 * @example
 * const picks = listingsIntoTracker(services.tracker);
 * await picks.addListing("T1", "U1", { listingId: "abc", company: "Acme", role: "SWE Intern", link }, "saved");
 */
export function listingsIntoTracker(tracker: Tracker, timezone = "UTC"): ListingTracker {
  return {
    async addListing(teamId, userId, listing, stage) {
      const existing = (await tracker.list(teamId, userId)).find((a) => a.url === listing.link);
      if (existing) {
        if (existing.stage === "saved" && stage === "applied") {
          await tracker.move(teamId, userId, existing.id, "applied", timezone);
          return { result: "moved", stage: "applied" };
        }
        return { result: "already", stage: existing.stage };
      }
      const added = await tracker.add(
        teamId,
        userId,
        { company: listing.company, role: listing.role, url: listing.link },
        timezone,
        stage,
      );
      return added.ok ? { result: "added", stage } : { result: "full", max: added.max };
    },
  };
}
