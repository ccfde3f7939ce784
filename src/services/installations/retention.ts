import { z } from "zod";
import type { Store } from "../storage/store.ts";
import type { Installations } from "./installations.ts";

/**
 * Where a workspace's data lives, by collection: keys that start with the team id and a colon
 * (`T123:…`), keys equal to it, or the nudge claims (`weekly:T123:…`). A new collection keyed by
 * team belongs here too (tests/integration/workspaces.test.ts fills and purges each of them).
 * Votes (`feedback`) are counts per knowledge-base entry, not per workspace, and stay; the 👎s
 * kept with their questions (`downvotes`) are per workspace and go.
 */
export const TEAM_DATA = {
  prefixed: ["progress", "deadlines", "channels", "tracker", "tracker-events", "tracker-followups"],
  exact: ["deadline-channels", "gaps", "learned", "downvotes"],
  claims: { collection: "sent", kinds: ["weekly", "daily", "reminder"] },
  /** Lists of team ids: the team is taken out. */
  registries: [{ collection: "learned-teams", key: "all" }],
} as const;

const Registry = z.object({ teams: z.array(z.string()) }).loose();

export interface PurgeLogger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * Removes the data of workspaces uninstalled more than 30 days ago: checklist ticks, deadlines,
 * channel settings, unanswered questions, learned phrasings, 👎 questions and nudge records. Runs on the every-minute tick; a
 * workspace installed again before then keeps everything. Tracked applications go too.
 *
 * @example
 * const retention = new Retention(store, installations, logger);
 * await retention.purgeDue(new Date());
 */
export class Retention {
  constructor(
    private readonly store: Store,
    private readonly installations: Installations,
    private readonly logger: PurgeLogger,
  ) {}

  /** Purges every workspace due at `now`; returns their team ids. */
  async purgeDue(now: Date): Promise<string[]> {
    const due = await this.installations.duePurges(now);
    for (const teamId of due) {
      const removed = await this.purge(teamId);
      await this.installations.purged(teamId);
      this.logger.info(
        `removed the data of workspace ${teamId} (uninstalled 30+ days ago): ${removed} records`,
      );
    }
    return due;
  }

  /** Deletes every record of one workspace; returns how many. */
  async purge(teamId: string): Promise<number> {
    const any = (name: string) => this.store.collection(name, z.unknown());
    let removed = 0;
    const remove = async (name: string, keys: readonly string[]) => {
      const collection = any(name);
      for (const key of keys) if (await collection.delete(key)) removed++;
    };
    for (const name of TEAM_DATA.prefixed) await remove(name, await any(name).keys(`${teamId}:`));
    for (const name of TEAM_DATA.exact) await remove(name, [teamId]);
    const { collection, kinds } = TEAM_DATA.claims;
    for (const kind of kinds)
      await remove(collection, await any(collection).keys(`${kind}:${teamId}:`));
    for (const { collection: name, key } of TEAM_DATA.registries) {
      const registry = this.store.collection(name, Registry);
      if ((await registry.get(key))?.teams.includes(teamId)) {
        await registry.update(key, (current) => ({
          ...(current ?? {}),
          teams: (current?.teams ?? []).filter((t) => t !== teamId),
        }));
        removed++;
      }
    }
    return removed;
  }
}
